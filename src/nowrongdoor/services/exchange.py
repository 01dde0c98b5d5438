"""A person's record as FHIR R4: exported and imported as a Bundle
(docs/decisions/0008-fhir-exchange.md), and read or searched one resource type at a time by
the FHIR REST API (docs/decisions/0010-fhir-rest-api.md).

Each resource type is one `Kind` in `KINDS`: the rows it is built from and one builder, used
by both. Only the naming differs (`Ids`): UUIDs derived from each row's table and primary
key in a Bundle, so exporting the same data twice gives the same Bundle apart from
`Provenance.recorded`; `Type/pk` on the server.

Export: Patient, an EpisodeOfCare per episode, a QuestionnaireResponse and an Observation
per screening, a ServiceRequest per referral, a Consent per decision, the current CarePlan,
a Communication per case note, and a Provenance naming who exported it. Export, read and
search give only the rows the caller's `access.Sight` covers (docs/decisions/0018): a
service without the person's consent gets what it recorded itself; the person never gets a
case note marked not for them.

Import: the Bundle is validated with `fhir.resources`, everything is parsed and every
screening re-scored by the engine before anything is written, then the person and their
records are created in one transaction with its audit events. Each kind of record is one
reader in `READERS`; referrals and care plans are not stored from a Bundle yet.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from nowrongdoor.errors import AccessDenied, DataError, InputError
from nowrongdoor.guidance import instruments
from nowrongdoor.guidance.fhir_export import NAMESPACE, score_bundle
from nowrongdoor.guidance.questionnaire import Coding, Instrument
from nowrongdoor.guidance.scoring import Score, score_positions
from nowrongdoor.records.care.models import (
    Consent,
    ConsentState,
    DischargeType,
    EpisodeOfCare,
    EpisodeStatus,
)
from nowrongdoor.records.clinical.models import Screening
from nowrongdoor.records.coordination.models import CARE_PLAN_SECTIONS, CarePlan, CaseNote
from nowrongdoor.records.directory.models import CLINICAL_ROLES, Service
from nowrongdoor.records.people import models as people
from nowrongdoor.records.people.models import Person
from nowrongdoor.records.referrals.models import Referral, ReferralStatus
from nowrongdoor.services import access, audit, use_case
from nowrongdoor.services.actor import Actor

JSON = dict[str, Any]

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
NWD = "https://nowrongdoor.org/fhir/"
EXTENSION = NWD + "StructureDefinition/"
CODES = NWD + "CodeSystem/"
SERVICE_ID = NWD + "Id/service"
USER_ID = NWD + "Id/user"
EPISODE_EXTENSION = EXTENSION + "episode-of-care"
OVERRIDE_EXTENSION = EXTENSION + "safeguarding-override"
ALTERNATIVE_ROUTE_EXTENSION = EXTENSION + "alternative-route"
CARE_PLAN_EXTENSION = EXTENSION + "care-plan"
CARE_PLAN_SECTION_EXTENSION = EXTENSION + "care-plan-section"
NOT_FOR_PERSON_EXTENSION = EXTENSION + "not-for-person"
RECOMMENDATION_SYSTEM = CODES + "recommendation"
PURPOSE_SYSTEM = CODES + "consent-purpose"
SETTING_SYSTEM = CODES + "service-setting"

# Equality fields travel as extensions carrying this project's own codes, so "not stated"
# (asked, chose not to say) stays distinct from an absent extension (not known).
EQUALITY = {
    name: (EXTENSION + f"equality-{name.replace('_', '-')}", dict(choices))
    for name, choices in (
        ("ethnicity", people.ETHNICITY),
        ("sex", people.SEX),
        ("gender_identity", people.GENDER_IDENTITY),
        ("sexual_orientation", people.SEXUAL_ORIENTATION),
        ("religion", people.RELIGION),
        ("disability", people.DISABILITY),
    )
}
# Patient.gender is administrative gender: a lossy view for other systems; import reads sex.
GENDER = {"female": "female", "male": "male", "intersex": "other", people.NOT_STATED: "unknown"}

# Our four stages onto FHIR's statuses: assessment is the first contact of care, so active.
EPISODE_STATUS = {
    EpisodeStatus.REFERRAL_RECEIVED: "waitlist",
    EpisodeStatus.ASSESSED: "active",
    EpisodeStatus.IN_TREATMENT: "active",
    EpisodeStatus.DISCHARGED: "finished",
}
# For episodes from other systems (no stage extension): what each FHIR status means here.
EPISODE_STAGE = {
    "planned": EpisodeStatus.REFERRAL_RECEIVED,
    "waitlist": EpisodeStatus.REFERRAL_RECEIVED,
    "active": EpisodeStatus.IN_TREATMENT,
    "onhold": EpisodeStatus.IN_TREATMENT,
    "finished": EpisodeStatus.DISCHARGED,
    "cancelled": EpisodeStatus.DISCHARGED,
}
CONSENT_STATUS = {
    ConsentState.GIVEN: "active",
    ConsentState.REFUSED: "rejected",
    ConsentState.WITHDRAWN: "inactive",
}
CONSENT_STATE = {status: state for state, status in CONSENT_STATUS.items()}
# A declined referral was not carried out: revoked (its alternative route is an extension).
REFERRAL_STATUS = {
    ReferralStatus.SENT: "active",
    ReferralStatus.ACCEPTED: "completed",
    ReferralStatus.DECLINED: "revoked",
}


# ---------------------------------------------------------------------------- ids


class Ids(Protocol):
    """How resources are named: `urn:uuid` in an exported Bundle, `Type/id` on the server."""

    def id(self, kind: str, pk: int) -> str: ...

    def reference(self, kind: str, pk: int) -> str: ...

    def full_url(self, kind: str, pk: int) -> str: ...


class BundleIds:
    """uuid5 of the row's table and key: meaningless elsewhere, the same on every export."""

    def id(self, kind: str, pk: int) -> str:
        own = str(uuid.uuid5(NAMESPACE, f"{KINDS[kind].model._meta.db_table}:{pk}"))
        # The Observation is built from the same screening row as the QuestionnaireResponse.
        return str(uuid.uuid5(NAMESPACE, f"observation:{own}")) if kind == "Observation" else own

    def reference(self, kind: str, pk: int) -> str:
        return f"urn:uuid:{self.id(kind, pk)}"

    def full_url(self, kind: str, pk: int) -> str:
        return self.reference(kind, pk)


@dataclass(frozen=True)
class ServerIds:
    """The primary key, as in the REST API (`/api/people/5` is `Patient/5`)."""

    base: str  # the absolute base URL, without a trailing slash

    def id(self, kind: str, pk: int) -> str:
        return str(pk)

    def reference(self, kind: str, pk: int) -> str:
        return f"{kind}/{pk}"

    def full_url(self, kind: str, pk: int) -> str:
        return f"{self.base}/{kind}/{pk}"


def _service(service: Service) -> JSON:
    return {
        "identifier": {"system": SERVICE_ID, "value": str(service.pk)},
        "display": service.name,
    }


def _user(user: User) -> JSON:
    username = user.get_username()
    return {"identifier": {"system": USER_ID, "value": username}, "display": username}


def _instant(moment: datetime) -> str:
    return moment.isoformat()  # microseconds kept: the latest consent decision counts


# ------------------------------------------------------------------- one resource each


def _patient(person: Person, ids: Ids) -> JSON:
    resource: JSON = {}
    extension = [
        {
            "url": url,
            "valueCoding": {
                "system": CODES + url.rsplit("/", 1)[1],
                "code": getattr(person, name),
                "display": labels[getattr(person, name)],
            },
        }
        for name, (url, labels) in EQUALITY.items()
        if getattr(person, name)
    ]
    if extension:
        resource["extension"] = extension
    if person.nhs_number:
        resource["identifier"] = [{"system": NHS_NUMBER_SYSTEM, "value": person.nhs_number}]
    resource["name"] = [
        {"use": "official", "family": person.family_name, "given": [person.given_name]}
    ]
    telecom = [
        {"system": system, "value": value}
        for system, value in (("phone", person.phone), ("email", person.email))
        if value
    ]
    if telecom:
        resource["telecom"] = telecom
    if person.sex in GENDER:
        resource["gender"] = GENDER[person.sex]
    if person.date_of_birth:
        resource["birthDate"] = person.date_of_birth.isoformat()
    if person.address:
        resource["address"] = [{"text": person.address}]
    return resource


def _episode(episode: EpisodeOfCare, ids: Ids) -> JSON:
    stage: list[JSON] = [{"url": "stage", "valueCode": episode.status}]
    if episode.assessed:
        stage.append({"url": "assessed", "valueDate": episode.assessed.isoformat()})
    if episode.treatment_started:
        stage.append(
            {"url": "treatmentStarted", "valueDate": episode.treatment_started.isoformat()}
        )
    if episode.discharge_type:
        stage.append({"url": "dischargeType", "valueCode": episode.discharge_type})
    if episode.discharge_reason:
        stage.append({"url": "dischargeReason", "valueString": episode.discharge_reason})
    started = episode.assessed or episode.treatment_started
    history: list[JSON] = [
        {
            "status": "waitlist",
            "period": {"start": episode.referral_received.isoformat()}
            | ({"end": started.isoformat()} if started else {}),
        }
    ]
    if started:
        history.append(
            {
                "status": "active",
                "period": {"start": started.isoformat()}
                | ({"end": episode.discharged.isoformat()} if episode.discharged else {}),
            }
        )
    period = {"start": episode.referral_received.isoformat()}
    if episode.discharged:
        period["end"] = episode.discharged.isoformat()
    return {
        "extension": [{"url": EPISODE_EXTENSION, "extension": stage}],
        "status": EPISODE_STATUS[EpisodeStatus(episode.status)],
        "statusHistory": history,
        "type": [
            {
                "coding": [{"system": SETTING_SYSTEM, "code": episode.service.setting}],
                "text": episode.service.get_setting_display(),
            }
        ],
        "patient": {"reference": ids.reference("Patient", episode.person_id)},
        "managingOrganization": _service(episode.service),
        "period": period,
    }


def _consent(consent: Consent, ids: Ids) -> JSON:
    resource: JSON = {}
    if consent.safeguarding_override:
        resource["extension"] = [
            {"url": OVERRIDE_EXTENSION, "valueString": consent.override_reason}
        ]
    given = consent.state == ConsentState.GIVEN
    return resource | {
        "status": CONSENT_STATUS[ConsentState(consent.state)],
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "patient-privacy",
                }
            ]
        },
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
        "patient": {"reference": ids.reference("Patient", consent.person_id)},
        "dateTime": _instant(consent.recorded_at),
        "performer": [{"display": consent.recorded_by.get_username()}],
        "policyRule": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                    "code": "OPTIN" if given else "OPTOUT",
                }
            ]
        },
        "provision": {
            "type": "permit" if given or consent.safeguarding_override else "deny",
            "actor": [
                {
                    "role": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                "code": "IRCP",
                            }
                        ]
                    },
                    "reference": _service(consent.recipient),
                }
            ],
            "purpose": [{"system": PURPOSE_SYSTEM, "code": consent.purpose}],
        },
    }


def _stored_score(screening: Screening, instrument: Instrument) -> Score:
    """The score exactly as stored: exported as recorded, never recomputed."""
    total = screening.total
    return Score(
        instrument=screening.instrument,
        total=int(total) if float(total).is_integer() else total,
        band=screening.band,
        items=list(screening.points),
        flags=list(screening.flags),
        positions=list(screening.answers),
    )


def _scored(screening: Screening) -> tuple[JSON, JSON]:
    """The engine's QuestionnaireResponse and Observation for a screening as stored."""
    instrument = instruments.load(screening.instrument)
    built = score_bundle(instrument, _stored_score(screening, instrument))
    response, observation = (entry["resource"] for entry in built["entry"])
    return response, observation


def _questionnaire_response(screening: Screening, ids: Ids) -> JSON:
    response, _ = _scored(screening)
    return response | {
        "subject": {"reference": ids.reference("Patient", screening.person_id)},
        "authored": _instant(screening.recorded_at),
    }


def _observation(screening: Screening, ids: Ids) -> JSON:
    _, observation = _scored(screening)
    return observation | {
        "subject": {"reference": ids.reference("Patient", screening.person_id)},
        "effectiveDateTime": _instant(screening.recorded_at),
        "derivedFrom": [{"reference": ids.reference("QuestionnaireResponse", screening.pk)}],
    }


def _service_request(referral: Referral, ids: Ids) -> JSON:
    """A referral, with the consent decision it was sent under as supporting information."""
    resource: JSON = {}
    if referral.alternative_route:
        resource["extension"] = [
            {"url": ALTERNATIVE_ROUTE_EXTENSION, "valueString": referral.alternative_route}
        ]
    reason: JSON = {"text": referral.reason}
    if referral.recommendation_code:
        reason["coding"] = [{"system": RECOMMENDATION_SYSTEM, "code": referral.recommendation_code}]
    return resource | {
        "status": REFERRAL_STATUS[ReferralStatus(referral.status)],
        "intent": "order",
        "category": [
            {
                "coding": [
                    {"system": "http://snomed.info/sct", "code": "3457005"}  # patient referral
                ],
                "text": "Referral",
            }
        ],
        "subject": {"reference": ids.reference("Patient", referral.person_id)},
        "authoredOn": _instant(referral.sent_at),
        "requester": _service(referral.from_service),
        "performer": [_service(referral.to_service)],
        "reasonCode": [reason],
        "supportingInfo": [{"reference": ids.reference("Consent", referral.consent_id)}],
    }


def _care_plan(plan: CarePlan, ids: Ids) -> JSON:
    """The current version of the shared care plan; `meta.versionId` is its number."""
    latest = plan.versions.select_related("author").order_by("-number").first()
    assert latest is not None, "KINDS holds only care plans with a saved version"
    resource: JSON = {
        "meta": {"versionId": str(latest.number), "lastUpdated": _instant(latest.created_at)},
        "extension": [
            {
                "url": CARE_PLAN_EXTENSION,
                "extension": [
                    {"url": "nextReview", "valueDate": latest.next_review.isoformat()},
                    {"url": "agreedWithPerson", "valueBoolean": latest.agreed_with_person},
                ],
            }
        ],
        "status": "active",
        "intent": "plan",
        "title": "Shared care plan",
        "subject": {"reference": ids.reference("Patient", plan.person_id)},
        "created": _instant(latest.created_at),
        "author": _user(latest.author),
    }
    notes = [
        {"extension": [{"url": CARE_PLAN_SECTION_EXTENSION, "valueCode": name}], "text": text}
        for name in CARE_PLAN_SECTIONS
        if (text := latest.sections.get(name))
    ]
    if notes:
        resource["note"] = notes
    return resource


def _communication(note: CaseNote, ids: Ids) -> JSON:
    """A case note: communication between care plan reviews (PHE-COOC App5 §5); one not for
    the person says so, and why (only staff ever get it)."""
    resource: JSON = {}
    if note.not_for_person:
        resource["extension"] = [
            {
                "url": NOT_FOR_PERSON_EXTENSION,
                "extension": [
                    {"url": "reason", "valueCode": note.withheld_reason},
                    {"url": "detail", "valueString": note.withheld_detail},
                ],
            }
        ]
    return resource | {
        "status": "completed",
        "category": [{"text": "Case note"}],
        "subject": {"reference": ids.reference("Patient", note.person_id)},
        "sent": _instant(note.created_at),
        "sender": _service(note.service),
        "payload": [{"contentString": note.text}],
    }


@dataclass(frozen=True)
class Kind:
    """One resource type: the rows it is built from and how one row becomes the resource."""

    name: str
    model: type[models.Model]
    rows: Callable[[], models.QuerySet[Any]]  # every row, in the order a Bundle lists them
    build: Callable[[Any, Ids], JSON]
    owner: str = "person_id"  # the row's field holding the id of the person it belongs to

    def of_person(self, person_id: int) -> models.QuerySet[Any]:
        return self.rows().filter(**{self.owner: person_id})

    def resource(self, row: Any, ids: Ids) -> JSON:
        built = self.build(row, ids)
        rest = {k: v for k, v in built.items() if k not in ("resourceType", "id")}
        return {"resourceType": self.name, "id": ids.id(self.name, row.pk), **rest}

    def entry(self, row: Any, ids: Ids) -> JSON:
        return {"fullUrl": ids.full_url(self.name, row.pk), "resource": self.resource(row, ids)}


def _screenings() -> models.QuerySet[Screening]:
    return Screening.objects.order_by("recorded_at", "pk")


# Every resource type exported and served, in the order a Bundle lists them.
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("Patient", Person, lambda: Person.objects.order_by("pk"), _patient, owner="pk"),
        Kind(
            "EpisodeOfCare",
            EpisodeOfCare,
            lambda: EpisodeOfCare.objects.select_related("service").order_by("pk"),
            _episode,
        ),
        Kind(
            "Consent",
            Consent,
            lambda: Consent.objects.select_related("recipient", "recorded_by").order_by(
                "recorded_at", "pk"
            ),
            _consent,
        ),
        Kind("QuestionnaireResponse", Screening, _screenings, _questionnaire_response),
        Kind("Observation", Screening, _screenings, _observation),
        Kind(
            "ServiceRequest",
            Referral,
            lambda: Referral.objects.select_related("from_service", "to_service").order_by(
                "sent_at", "pk"
            ),
            _service_request,
        ),
        Kind(
            "CarePlan",
            CarePlan,
            lambda: CarePlan.objects.filter(version__gt=0).order_by("pk"),
            _care_plan,
        ),
        Kind(
            "Communication",
            CaseNote,
            lambda: CaseNote.objects.select_related("service").order_by("created_at", "pk"),
            _communication,
        ),
    )
}
EXCHANGED = (*KINDS, "Provenance")  # what an imported Bundle may hold


def _valid(resource: JSON) -> JSON:
    """The resource, once `fhir.resources` accepts it: we never send invalid FHIR."""
    error = _invalid(resource)
    if error is not None:
        raise DataError(f"not valid FHIR: {error}")
    return resource


# ---------------------------------------------------------------------------- export


def _provenance(actor: Actor, person: Person, targets: list[str]) -> JSON:
    agent: JSON = {
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                    "code": "assembler",
                }
            ]
        },
        "who": _user(actor.user),
    }
    if actor.service is not None:
        agent["onBehalfOf"] = _service(actor.service)
    person_uuid = BundleIds().id("Patient", person.pk)
    provenance_id = str(uuid.uuid5(NAMESPACE, f"export:{person_uuid}:{actor.user.get_username()}"))
    return {
        "fullUrl": f"urn:uuid:{provenance_id}",
        "resource": {
            "resourceType": "Provenance",
            "id": provenance_id,
            "target": [{"reference": target} for target in targets],
            "recorded": _instant(timezone.now()),
            "agent": [agent],
        },
    }


def export_person(actor: Actor, person_id: int) -> JSON:
    """Everything recorded for the person that the actor sees; audited either way."""
    with use_case(actor):
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise InputError("person", f"person: {person_id} not found")
        sight = access.require_sight(actor, person, "person.export")
        ground = sight.ground
        ids = BundleIds()
        entries = [
            kind.entry(row, ids)
            for kind in KINDS.values()
            for row in sight.rows(kind.of_person(person.pk))
        ]
        entries.append(_provenance(actor, person, [e["fullUrl"] for e in entries]))
        bundle = _valid(
            {
                "resourceType": "Bundle",
                "id": str(uuid.uuid5(NAMESPACE, f"bundle:{ids.id('Patient', person.pk)}")),
                "type": "collection",
                "entry": entries,
            }
        )
        audit.record(actor, "person.export", person_id=person.pk, obj=person, reason=ground)
    return bundle


# ------------------------------------------------------------- the FHIR REST interactions


def _visible(actor: Actor, person_id: int, interaction: str) -> access.Sight:
    """The actor's sight of the person, by the rule for reading the record in the pages and
    the REST API (`person.read`); a refusal is audited under the FHIR interaction."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise InputError("patient", f"Patient/{person_id}: not found")
    ground = access.why_allowed(actor, person, "person.read")
    if ground is None:
        raise AccessDenied(
            f"{actor.user.get_username()} has no care relationship or consent for this person",
            action=interaction,
            person_id=person.pk,
        )
    return access.sight_of(actor, person, ground)


def read_resource(actor: Actor, kind_name: str, pk: int, ids: Ids) -> JSON:
    """One resource by type and id, if the actor may see its person; audited either way."""
    kind = KINDS[kind_name]
    with use_case(actor):
        row = kind.rows().filter(pk=pk).first()
        if row is None:
            raise InputError("id", f"{kind.name}/{pk}: not found")
        sight = _visible(actor, getattr(row, kind.owner), "fhir.read")
        person, ground = sight.person, sight.ground
        if not sight.rows(kind.rows().filter(pk=pk)).exists():
            raise AccessDenied(
                f"{kind.name}/{pk} is outside what this caller sees of the record",
                action="fhir.read",
                person_id=person.pk,
            )
        resource = _valid(kind.resource(row, ids))
        audit.record(
            actor, "fhir.read", person_id=person.pk, obj=row, reason=f"{kind.name}; {ground}"
        )
    return resource


def search_resources(actor: Actor, kind_name: str, person_id: int, ids: Ids) -> JSON:
    """A searchset Bundle of one person's resources of one type; audited either way."""
    kind = KINDS[kind_name]
    with use_case(actor):
        sight = _visible(actor, person_id, "fhir.search")
        person, ground = sight.person, sight.ground
        entries = [
            kind.entry(row, ids) | {"search": {"mode": "match"}}
            for row in sight.rows(kind.of_person(person.pk))
        ]
        bundle: JSON = {"resourceType": "Bundle", "type": "searchset", "total": len(entries)}
        if entries:
            bundle["entry"] = entries
        _valid(bundle)
        audit.record(
            actor, "fhir.search", person_id=person.pk, obj=person, reason=f"{kind.name}; {ground}"
        )
    return bundle


# ---------------------------------------------------------------------------- import


def _invalid(resource: JSON) -> InputError | None:
    """The first field `fhir.resources` finds wrong in the resource (a Bundle's entries named
    by their type), as an `InputError`."""
    from fhir.resources.R4B import get_fhir_model_class  # heavy: only when FHIR is asked for
    from pydantic import ValidationError as Invalid

    try:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    except Invalid as invalid:
        first = invalid.errors()[0]
        path = ""
        for part in first["loc"]:
            path += f"[{part}]" if isinstance(part, int) else f".{part}"
        entries = resource.get("entry") or []
        loc = first["loc"]
        if len(loc) > 2 and loc[0] == "entry" and isinstance(loc[1], int) and loc[2] == "resource":
            kind = entries[loc[1]].get("resource", {}).get("resourceType", "resource")
            path = f".entry[{loc[1]}].{kind}" + path.split(".resource", 1)[1]
        where = resource["resourceType"] + path
        message = str(first["msg"]).removeprefix("Value error, ")
        return InputError(where, f"{where}: {message}")
    return None


@dataclass
class _Parsed:
    """Everything the Bundle says, checked and scored before anything is written."""

    person: Person
    patient_refs: set[str]
    episodes: list[EpisodeOfCare] = field(default_factory=list)
    consents: list[tuple[Consent, datetime | None]] = field(default_factory=list)
    screenings: list[tuple[Screening, datetime | None]] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


def _moment(value: str | None) -> datetime | None:
    """A FHIR dateTime to an aware datetime; partial dates (year, month) give None."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _day(value: str | None, where: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise InputError(where, f"{where}: expected a full date (YYYY-MM-DD)") from None


def _extension(element: JSON, url: str) -> JSON | None:
    return next((e for e in element.get("extension", ()) if e.get("url") == url), None)


def _read_patient(resource: JSON) -> Person:
    numbers = [
        i.get("value", "").replace(" ", "")
        for i in resource.get("identifier", ())
        if i.get("system") == NHS_NUMBER_SYSTEM
    ]
    names = resource.get("name") or [{}]
    name = next((n for n in names if n.get("use") == "official"), names[0])
    telecom = {t.get("system"): t.get("value", "") for t in reversed(resource.get("telecom", []))}
    addresses = resource.get("address") or [{}]
    address = (
        addresses[0].get("text")
        or "\n".join(
            [
                *addresses[0].get("line", ()),
                addresses[0].get("city", ""),
                addresses[0].get("postalCode", ""),
            ]
        ).strip()
    )
    person = Person(
        nhs_number=numbers[0] if numbers else None,
        given_name=" ".join(name.get("given", ())),
        family_name=name.get("family", ""),
        date_of_birth=_day(resource.get("birthDate"), "Patient.birthDate"),
        phone=telecom.get("phone", ""),
        email=telecom.get("email", ""),
        address=address,
    )
    for attribute, (url, labels) in EQUALITY.items():
        extension = _extension(resource, url)
        if extension is None:
            continue
        code = (extension.get("valueCoding") or {}).get("code")
        if code not in labels:
            where = f"Patient.extension({url})"
            raise InputError(where, f"{where}: expected one of {', '.join(labels)}")
        setattr(person, attribute, code)
    if person.nhs_number and Person.objects.filter(nhs_number=person.nhs_number).exists():
        raise InputError("Patient.identifier", "Patient.identifier: NHS number already registered")
    try:
        person.full_clean(exclude=["user"])
    except ValidationError as error:
        attribute, messages = next(iter(error.message_dict.items()))
        where = PATIENT_PATHS.get(attribute, f"Patient.{attribute}")
        raise InputError(where, f"{where}: {messages[0]}") from None
    return person


PATIENT_PATHS = {
    "nhs_number": "Patient.identifier",
    "given_name": "Patient.name.given",
    "family_name": "Patient.name.family",
    "date_of_birth": "Patient.birthDate",
    "phone": "Patient.telecom",
    "email": "Patient.telecom",
    "address": "Patient.address",
}


def _read_episode(parsed: _Parsed, resource: JSON, where: str, actor: Actor) -> None:
    """Reopened at the actor's service: services elsewhere are not matched by name."""
    status = resource.get("status")
    if status == "entered-in-error":
        parsed.skip("EpisodeOfCare entered in error")
        return
    if status not in EPISODE_STAGE:
        raise InputError(f"{where}.status", f"{where}.status: unknown status {status!r}")
    details = _extension(resource, EPISODE_EXTENSION) or {}
    parts = {e.get("url"): e for e in details.get("extension", ())}

    def part(name: str, kind: str) -> Any:
        return parts.get(name, {}).get(kind)

    stage = part("stage", "valueCode") or EPISODE_STAGE[status]
    if stage not in EpisodeStatus.values:
        raise InputError(f"{where}.extension", f"{where}.extension: unknown stage {stage!r}")
    period = resource.get("period") or {}
    received = _day(period.get("start"), f"{where}.period.start")
    if received is None:
        raise InputError(f"{where}.period.start", f"{where}.period.start: missing")
    discharge_type = part("dischargeType", "valueCode") or ""
    if discharge_type and discharge_type not in DischargeType.values:
        raise InputError(f"{where}.extension", f"{where}.extension: bad discharge type")
    assert actor.service is not None
    parsed.episodes.append(
        EpisodeOfCare(
            service=actor.service,
            status=stage,
            referral_received=received,
            assessed=_day(part("assessed", "valueDate"), f"{where}.extension"),
            treatment_started=_day(part("treatmentStarted", "valueDate"), f"{where}.extension"),
            discharged=_day(period.get("end"), f"{where}.period.end"),
            discharge_type=discharge_type,
            discharge_reason=part("dischargeReason", "valueString") or "",
        )
    )


def _recipient(resource: JSON) -> Service | None:
    """The recipient service, by exact name: ids are local to the system that exported."""
    for actor in (resource.get("provision") or {}).get("actor", ()):
        name = (actor.get("reference") or {}).get("display")
        matches = list(Service.objects.filter(name=name)[:2]) if name else []
        if len(matches) == 1:
            return matches[0]
    return None


def _read_consent(parsed: _Parsed, resource: JSON, where: str, actor: Actor) -> None:
    state = CONSENT_STATE.get(resource.get("status", ""))
    if state is None:
        parsed.skip(f"Consent with status {resource.get('status')}")
        return
    recipient = _recipient(resource)
    if recipient is None:
        parsed.skip("Consent for a service not known here")
        return
    purposes = (resource.get("provision") or {}).get("purpose", ())
    purpose = next((p["code"] for p in purposes if p.get("system") == PURPOSE_SYSTEM), "care")
    override = _extension(resource, OVERRIDE_EXTENSION)
    reason = str((override or {}).get("valueString", "")).strip()
    if override is not None and not reason:
        raise InputError(f"{where}.extension", f"{where}.extension: override without a reason")
    consent = Consent(
        recipient=recipient,
        purpose=purpose,
        state=state,
        safeguarding_override=bool(reason),
        override_reason=reason,
        flagged_for_review=bool(reason),
        recorded_by=actor.user,
        service=actor.service,
    )
    parsed.consents.append((consent, _moment(resource.get("dateTime"))))


def _instrument(canonical: str | None, where: str) -> tuple[str, Instrument]:
    url, _, version = (canonical or "").partition("|")
    for name in instruments.names():
        loaded = instruments.load(name)
        if loaded.url == url:
            if version and version != loaded.version:
                raise InputError(
                    where,
                    f"{where}: {name} version {version} given, this engine has {loaded.version}",
                )
            return name, loaded
    raise InputError(where, f"{where}: {canonical!r} is not a shipped instrument")


def _read_response(parsed: _Parsed, resource: JSON, where: str, actor: Actor) -> None:
    """Re-scored by the engine from the answers' codings: the file's totals are ignored."""
    name, instrument = _instrument(resource.get("questionnaire"), f"{where}.questionnaire")
    codings: dict[str, JSON] = {}
    for item in resource.get("item", ()):
        for answer in item.get("answer", ())[:1]:
            if "valueCoding" in answer:
                codings[item.get("linkId")] = answer["valueCoding"]
    positions: list[int] = []
    for item in instrument.items:
        given = codings.get(item.link_id)
        if given is None:
            break
        option = item.option_for(Coding(given.get("system"), given.get("code", "")))
        if option is None:
            path = f"{where}.item({item.link_id})"
            raise InputError(path, f"{path}: {given.get('code')!r} is not among its options")
        positions.append(item.options.index(option))
    answered = {i.link_id for i in instrument.items[: len(positions)]}
    extra = [link for link in codings if link not in answered]
    if extra:
        path = f"{where}.item({extra[0]})"
        raise InputError(path, f"{path}: answered after an unanswered item, or not in {name}")
    try:
        score = score_positions(instrument, positions)
    except InputError as error:
        raise InputError(f"{where}.item", f"{where}.item: {error}") from None
    assert actor.service is not None
    screening = Screening(
        service=actor.service,
        instrument=name,
        instrument_version=instrument.version or "",
        answers=positions,
        points=list(score.items),
        total=score.total,
        band=score.band,
        flags=list(score.flags),
        recorded_by=actor.user,
    )
    parsed.screenings.append((screening, _moment(resource.get("authored"))))


def _derived(parsed: _Parsed, resource: JSON, where: str, actor: Actor) -> None:
    """Observations are the engine's output: re-derived from the QuestionnaireResponse."""


def _not_stored_yet(parsed: _Parsed, resource: JSON, where: str, actor: Actor) -> None:
    parsed.skip(f"{resource['resourceType']} (not stored here yet)")


def _ignored(parsed: _Parsed, resource: JSON, where: str, actor: Actor) -> None:
    """The exporter's Provenance: the import is audited here instead."""


Reader = Callable[[_Parsed, JSON, str, Actor], None]
READERS: dict[str, Reader] = {
    "EpisodeOfCare": _read_episode,
    "Consent": _read_consent,
    "QuestionnaireResponse": _read_response,
    "Observation": _derived,
    "ServiceRequest": _not_stored_yet,
    "CarePlan": _not_stored_yet,
    "Communication": _not_stored_yet,
    "Provenance": _ignored,
}
SUBJECT = {"EpisodeOfCare": "patient", "Consent": "patient", "QuestionnaireResponse": "subject"}


def _parse(bundle: Any, actor: Actor) -> _Parsed:
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise InputError("resourceType", "resourceType: expected a FHIR Bundle")
    entries = bundle.get("entry")
    if not isinstance(entries, list):
        raise InputError("Bundle.entry", "Bundle.entry: expected a list of entries")
    for index, entry in enumerate(entries):
        kind = (
            (entry.get("resource") or {}).get("resourceType") if isinstance(entry, dict) else None
        )
        if kind not in EXCHANGED:
            where = f"Bundle.entry[{index}].resource"
            raise InputError(where, f"{where}: {kind!r} is not one of {', '.join(EXCHANGED)}")
    error = _invalid(bundle)
    if error is not None:
        raise error
    patients = [(i, e) for i, e in enumerate(entries) if e["resource"]["resourceType"] == "Patient"]
    if len(patients) != 1:
        raise InputError(
            "Bundle.entry", f"Bundle.entry: expected one Patient, found {len(patients)}"
        )
    index, patient = patients[0]
    refs = {patient.get("fullUrl"), f"Patient/{patient['resource'].get('id')}"}
    parsed = _Parsed(person=_read_patient(patient["resource"]), patient_refs=refs - {None})
    for index, entry in enumerate(entries):
        resource = entry["resource"]
        kind = resource["resourceType"]
        where = f"Bundle.entry[{index}].{kind}"
        subject = SUBJECT.get(kind)
        if subject and (resource.get(subject) or {}).get("reference") not in parsed.patient_refs:
            raise InputError(
                f"{where}.{subject}", f"{where}.{subject}: must refer to the bundle's Patient"
            )
        if kind != "Patient":
            READERS[kind](parsed, resource, where, actor)
    return parsed


def import_bundle(actor: Actor, bundle: JSON) -> Person:
    """Create a person and their records from a Bundle: all of it, or nothing."""
    with use_case(actor):
        if actor.role not in CLINICAL_ROLES or actor.service is None:
            raise AccessDenied("only staff of a service can import a person", "person.import")
        parsed = _parse(bundle, actor)
        person = parsed.person
        person.save()
        if not any(e.status != EpisodeStatus.DISCHARGED for e in parsed.episodes):
            # The import is a referral in: without an open episode the importer could not
            # see the record it has just created.
            parsed.episodes.append(
                EpisodeOfCare(
                    service=actor.service,
                    status=EpisodeStatus.REFERRAL_RECEIVED,
                    referral_received=timezone.localdate(),
                )
            )
        summary = ", ".join(f"{n} x {why}" for why, n in sorted(parsed.skipped.items()))
        audit.record(
            actor,
            "person.import",
            person_id=person.pk,
            obj=person,
            reason=f"skipped: {summary}" if summary else "",
        )
        for episode in parsed.episodes:
            episode.person = person
            episode.save()
            audit.record(actor, "episode.open", person_id=person.pk, obj=episode)
        for consent, when in parsed.consents:
            consent.person = person
            consent.save()
            if when is not None:  # keep the decision's own time: the latest one counts
                Consent.objects.filter(pk=consent.pk).update(recorded_at=when)
            audit.record(actor, f"consent.{consent.state}", person_id=person.pk, obj=consent)
        for screening, when in parsed.screenings:
            screening.person = person
            screening.save()
            if when is not None:
                Screening.objects.filter(pk=screening.pk).update(recorded_at=when)
            audit.record(actor, "screening.record", person_id=person.pk, obj=screening)
    return person
