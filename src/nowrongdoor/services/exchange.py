"""A person's record in and out as a FHIR R4 Bundle (docs/decisions/0008-fhir-exchange.md).

Export: Patient, an EpisodeOfCare per episode, a Consent per decision, a
QuestionnaireResponse and an Observation per screening, and a Provenance naming who exported
it. Ids are UUIDs derived from each row's table and primary key, so exporting the same data
twice gives the same Bundle apart from `Provenance.recorded`.

Import: the Bundle is validated with `fhir.resources`, everything is parsed and every
screening re-scored by the engine before anything is written, then the person and their
records are created in one transaction with its audit events.

Each kind of record is one export function in `SECTIONS` and one reader in `READERS`:
referrals (ServiceRequest) and care plans (CarePlan) will be one function each there once
their models exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

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
from nowrongdoor.records.directory.models import CLINICAL_ROLES, Service
from nowrongdoor.records.people import models as people
from nowrongdoor.records.people.models import Person
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

EXCHANGED = (
    "Patient",
    "EpisodeOfCare",
    "QuestionnaireResponse",
    "Observation",
    "ServiceRequest",
    "Consent",
    "CarePlan",
    "Provenance",
)


def _id(row: models.Model) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{row._meta.db_table}:{row.pk}"))


def _url(row: models.Model) -> str:
    return f"urn:uuid:{_id(row)}"


def _entry(row: models.Model, resource: JSON) -> JSON:
    kind, rest = (
        resource["resourceType"],
        {k: v for k, v in resource.items() if k != "resourceType"},
    )
    return {"fullUrl": _url(row), "resource": {"resourceType": kind, "id": _id(row), **rest}}


def _service(service: Service) -> JSON:
    return {
        "identifier": {"system": SERVICE_ID, "value": str(service.pk)},
        "display": service.name,
    }


def _instant(moment: datetime) -> str:
    return moment.isoformat()  # microseconds kept: the latest consent decision counts


# ---------------------------------------------------------------------------- export


def _patient(person: Person) -> JSON:
    resource: JSON = {"resourceType": "Patient"}
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
    return _entry(person, resource)


def _episodes(person: Person, patient: str) -> list[JSON]:
    entries = []
    for episode in person.episodes.select_related("service").order_by("pk"):
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
        resource = {
            "resourceType": "EpisodeOfCare",
            "extension": [{"url": EPISODE_EXTENSION, "extension": stage}],
            "status": EPISODE_STATUS[EpisodeStatus(episode.status)],
            "statusHistory": history,
            "type": [
                {
                    "coding": [{"system": SETTING_SYSTEM, "code": episode.service.setting}],
                    "text": episode.service.get_setting_display(),
                }
            ],
            "patient": {"reference": patient},
            "managingOrganization": _service(episode.service),
            "period": period,
        }
        entries.append(_entry(episode, resource))
    return entries


def _consents(person: Person, patient: str) -> list[JSON]:
    entries = []
    rows = person.consents.select_related("recipient", "recorded_by")
    for consent in rows.order_by("recorded_at", "pk"):
        resource: JSON = {"resourceType": "Consent"}
        if consent.safeguarding_override:
            resource["extension"] = [
                {"url": OVERRIDE_EXTENSION, "valueString": consent.override_reason}
            ]
        given = consent.state == ConsentState.GIVEN
        resource |= {
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
            "patient": {"reference": patient},
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
        entries.append(_entry(consent, resource))
    return entries


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


def _screenings(person: Person, patient: str) -> list[JSON]:
    entries = []
    for screening in person.screenings.order_by("recorded_at", "pk"):
        instrument = instruments.load(screening.instrument)
        built = score_bundle(instrument, _stored_score(screening, instrument))
        response, observation = (entry["resource"] for entry in built["entry"])
        response_id = _id(screening)
        observation_id = str(uuid.uuid5(NAMESPACE, f"observation:{response_id}"))
        when = _instant(screening.recorded_at)
        response = {
            "resourceType": "QuestionnaireResponse",
            "id": response_id,
            **{k: v for k, v in response.items() if k != "resourceType"},
            "subject": {"reference": patient},
            "authored": when,
        }
        observation |= {
            "id": observation_id,
            "subject": {"reference": patient},
            "effectiveDateTime": when,
            "derivedFrom": [{"reference": f"urn:uuid:{response_id}"}],
        }
        entries.append({"fullUrl": f"urn:uuid:{response_id}", "resource": response})
        entries.append({"fullUrl": f"urn:uuid:{observation_id}", "resource": observation})
    return entries


# One function per kind of record. ServiceRequest (referrals) and CarePlan will be
# `_referrals` and `_care_plans` here, with their readers in READERS below.
SECTIONS: tuple[Callable[[Person, str], list[JSON]], ...] = (_episodes, _consents, _screenings)


def _provenance(actor: Actor, person: Person, targets: list[str]) -> JSON:
    username = actor.user.get_username()
    agent: JSON = {
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                    "code": "assembler",
                }
            ]
        },
        "who": {"identifier": {"system": USER_ID, "value": username}, "display": username},
    }
    if actor.service is not None:
        agent["onBehalfOf"] = _service(actor.service)
    provenance_id = str(uuid.uuid5(NAMESPACE, f"export:{_id(person)}:{username}"))
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
    """Everything recorded for the person, if the actor may see them; audited either way."""
    with use_case(actor):
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise InputError("person", f"person: {person_id} not found")
        ground = access.require(actor, person, "person.export")
        patient = _patient(person)
        entries = [patient]
        for section in SECTIONS:
            entries.extend(section(person, patient["fullUrl"]))
        entries.append(_provenance(actor, person, [e["fullUrl"] for e in entries]))
        bundle: JSON = {
            "resourceType": "Bundle",
            "id": str(uuid.uuid5(NAMESPACE, f"bundle:{_id(person)}")),
            "type": "collection",
            "entry": entries,
        }
        error = _invalid(bundle)
        if error is not None:
            raise DataError(f"export of person {person_id} is not valid FHIR: {error}")
        audit.record(actor, "person.export", person_id=person.pk, obj=person, reason=ground)
    return bundle


# ---------------------------------------------------------------------------- import


def _invalid(bundle: JSON) -> InputError | None:
    """The first field `fhir.resources` finds wrong in the Bundle, as an `InputError`."""
    from fhir.resources.R4B.bundle import Bundle  # heavy import: only when FHIR is asked for
    from pydantic import ValidationError as Invalid

    try:
        Bundle.model_validate(bundle)
    except Invalid as invalid:
        first = invalid.errors()[0]
        path = ""
        for part in first["loc"]:
            path += f"[{part}]" if isinstance(part, int) else f".{part}"
        entries = bundle.get("entry") or []
        loc = first["loc"]
        if len(loc) > 2 and loc[0] == "entry" and isinstance(loc[1], int) and loc[2] == "resource":
            kind = entries[loc[1]].get("resource", {}).get("resourceType", "resource")
            path = f".entry[{loc[1]}].{kind}" + path.split(".resource", 1)[1]
        where = "Bundle" + path
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
