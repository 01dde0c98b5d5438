"""A person's record as a FHIR R4 Bundle: out, refused, back in, and refused when malformed."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from fhir.resources.R4B.bundle import Bundle
from record_area import Area
from typer.testing import CliRunner

from nowrongdoor.cli.exchange import exchange_app
from nowrongdoor.errors import AccessDenied, InputError
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.care.models import Consent, EpisodeOfCare
from nowrongdoor.records.clinical.models import Screening
from nowrongdoor.records.people.models import Person
from nowrongdoor.services import audit
from nowrongdoor.services.clinical import record_screening
from nowrongdoor.services.consent import record_consent
from nowrongdoor.services.exchange import NHS_NUMBER_SYSTEM, export_person, import_bundle
from nowrongdoor.services.people import register_person

PHQ9_TOTAL = "44261-6"
OTHER_NHS_NUMBER = "9000000009"


def sam(area: Area) -> Person:
    """A person with an episode, consents of each kind and two screenings."""
    person = register_person(
        area.therapist,
        {
            "given_name": "Sam",
            "family_name": "Jones",
            "nhs_number": "9434765919",
            "date_of_birth": "1990-04-01",
            "phone": "07700 900123",
            "email": "sam@example.org",
            "ethnicity": "Z",
            "sexual_orientation": "not-stated",
            "sex": "female",
        },
    )
    record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    record_consent(area.therapist, person.pk, area.drugs.pk, "withdrawn")
    record_consent(
        area.therapist, person.pk, area.gp.pk, "refused", safeguarding_reason="child at risk"
    )
    record_screening(area.therapist, person.pk, "phq9", [1, 2, 0, 3, 1, 0, 2, 1, 2])
    record_screening(area.therapist, person.pk, "fast", [0])  # decided by item 1 alone
    return person


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_export_is_a_valid_bundle_of_everything_recorded(area: Area) -> None:
    person = sam(area)
    bundle = export_person(area.therapist, person.pk)
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection"
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert kinds == {
        "Patient",
        "EpisodeOfCare",
        "Consent",
        "QuestionnaireResponse",
        "Observation",
        "Provenance",
    }
    (patient,) = resources(bundle, "Patient")
    assert patient["identifier"] == [{"system": NHS_NUMBER_SYSTEM, "value": "9434765919"}]
    assert patient["birthDate"] == "1990-04-01"
    assert [c["status"] for c in resources(bundle, "Consent")] == [
        "active",
        "inactive",
        "rejected",
    ]
    (episode,) = resources(bundle, "EpisodeOfCare")
    assert episode["status"] == "waitlist"
    observations = resources(bundle, "Observation")
    phq9 = next(o for o in observations if o["code"]["coding"][0]["code"] == PHQ9_TOTAL)
    assert phq9["code"]["coding"][0]["system"] == "http://loinc.org"
    assert phq9["valueInteger"] == 12
    assert phq9["interpretation"][0]["coding"][0]["code"] == "moderate"
    response_url = phq9["derivedFrom"][0]["reference"]
    urls = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    assert urls[response_url]["resourceType"] == "QuestionnaireResponse"
    (provenance,) = resources(bundle, "Provenance")
    assert provenance["agent"][0]["who"]["display"] == "therapist"
    assert len(provenance["target"]) == len(bundle["entry"]) - 1
    last = AuditEvent.objects.order_by("-sequence").first()
    assert last is not None
    assert (last.action, last.outcome, last.person_id) == ("person.export", "allowed", person.pk)


def test_export_is_identical_apart_from_provenance_time(area: Area) -> None:
    person = sam(area)
    first, second = (export_person(area.therapist, person.pk) for _ in range(2))
    for bundle in (first, second):
        del resources(bundle, "Provenance")[0]["recorded"]
    assert first == second


def test_an_unrelated_service_is_refused_and_the_attempt_audited(area: Area) -> None:
    person = sam(area)
    with pytest.raises(AccessDenied):
        export_person(area.keyworker, person.pk)  # consent given, then withdrawn
    last = AuditEvent.objects.order_by("-sequence").first()
    assert last is not None
    assert (last.action, last.outcome, last.actor) == ("person.export", "denied", "keyworker")


def test_round_trip_gives_the_same_scores_from_the_engine(area: Area) -> None:
    person = sam(area)
    bundle = export_person(area.therapist, person.pk)
    (patient,) = resources(bundle, "Patient")
    patient["identifier"][0]["value"] = OTHER_NHS_NUMBER
    # The file's totals are ignored: the engine re-scores the answers.
    for observation in resources(bundle, "Observation"):
        if "valueInteger" in observation:
            observation["valueInteger"] = 99
    copy_ = import_bundle(area.keyworker, bundle)
    assert copy_.pk != person.pk
    assert (copy_.nhs_number, copy_.given_name, copy_.ethnicity, copy_.sexual_orientation) == (
        OTHER_NHS_NUMBER,
        "Sam",
        "Z",
        "not-stated",
    )
    assert copy_.religion == ""  # not known stays distinct from not stated

    def scores(who: Person) -> list[tuple[Any, ...]]:
        return [
            (s.instrument, s.answers, s.points, s.total, s.band, s.flags)
            for s in Screening.objects.filter(person=who).order_by("pk")
        ]

    assert scores(copy_) == scores(person)
    assert {s.service for s in Screening.objects.filter(person=copy_)} == {area.drugs}
    episodes = EpisodeOfCare.objects.filter(person=copy_)
    assert [(e.service, e.status) for e in episodes] == [(area.drugs, "referral-received")]
    consents = Consent.objects.filter(person=copy_).order_by("recorded_at", "pk")
    assert [(c.recipient, c.state, c.safeguarding_override) for c in consents] == [
        (area.drugs, "given", False),
        (area.drugs, "withdrawn", False),
        (area.gp, "refused", True),
    ]
    assert consents[2].flagged_for_review
    assert AuditEvent.objects.filter(action="person.import", person_id=copy_.pk).exists()
    # ... and the copy exports the same screenings again.
    again = export_person(area.keyworker, copy_.pk)
    assert [o.get("valueInteger") for o in resources(again, "Observation")] == [
        o.get("valueInteger")
        for o in resources(export_person(area.therapist, person.pk), "Observation")
    ]


def test_a_known_nhs_number_is_refused(area: Area) -> None:
    person = sam(area)
    bundle = export_person(area.therapist, person.pk)
    with pytest.raises(InputError, match=r"^Patient.identifier: NHS number already registered$"):
        import_bundle(area.keyworker, bundle)


def nothing_written(area: Area, before: tuple[int, int]) -> bool:
    return (Person.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (
            lambda b: resources(b, "Patient")[0].update(birthDate="01/04/1990"),
            r"^Bundle\.entry\[0\]\.Patient\.birthDate: ",
        ),
        (
            lambda b: resources(b, "Consent")[0].pop("scope"),
            r"^Bundle\.entry\[2\]\.Consent\.scope: Field required",
        ),
        (
            lambda b: resources(b, "QuestionnaireResponse")[0]["item"][8]["answer"][0][
                "valueCoding"
            ].update(code="LA-bogus"),
            r"item\(9\): 'LA-bogus' is not among its options",
        ),
        (
            lambda b: resources(b, "EpisodeOfCare")[0]["patient"].update(reference="urn:uuid:x"),
            r"EpisodeOfCare\.patient: must refer to the bundle's Patient",
        ),
        (
            lambda b: b["entry"].append({"resource": {"resourceType": "Medication"}}),
            r"'Medication' is not one of",
        ),
    ],
)
def test_a_malformed_bundle_names_the_field_and_writes_nothing(
    area: Area, spoil: Any, message: str
) -> None:
    bundle = export_person(area.therapist, sam(area).pk)
    resources(bundle, "Patient")[0]["identifier"][0]["value"] = OTHER_NHS_NUMBER
    spoil(bundle)
    before = (Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InputError, match=message):
        import_bundle(area.keyworker, bundle)
    assert nothing_written(area, before)


def test_a_failure_after_the_first_write_leaves_nothing(
    area: Area, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = export_person(area.therapist, sam(area).pk)
    resources(bundle, "Patient")[0].pop("identifier")
    before = (Person.objects.count(), AuditEvent.objects.count())

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        import_bundle(area.keyworker, bundle)
    assert nothing_written(area, before)


def test_only_staff_of_a_service_import_and_the_refusal_is_audited(area: Area) -> None:
    bundle = export_person(area.therapist, sam(area).pk)
    resources(bundle, "Patient")[0].pop("identifier")
    with pytest.raises(AccessDenied):
        import_bundle(area.commissioner, bundle)
    last = AuditEvent.objects.order_by("-sequence").first()
    assert last is not None
    assert (last.action, last.outcome) == ("person.import", "denied")


def test_a_person_without_nhs_number_round_trips(area: Area) -> None:
    person = register_person(area.therapist, {"given_name": "Alex", "family_name": "Lee"})
    bundle = export_person(area.therapist, person.pk)
    assert "identifier" not in resources(bundle, "Patient")[0]
    assert import_bundle(area.therapist, copy.deepcopy(bundle)).nhs_number is None


def test_cli_exports_and_imports(area: Area, tmp_path: Any) -> None:
    person = sam(area)
    runner = CliRunner()
    out = runner.invoke(exchange_app, ["export", "--person", str(person.pk), "--as", "therapist"])
    assert out.exit_code == 0, out.output
    bundle = json.loads(out.stdout)
    assert bundle["resourceType"] == "Bundle"
    resources(bundle, "Patient")[0]["identifier"][0]["value"] = OTHER_NHS_NUMBER
    path = tmp_path / "sam.json"
    path.write_text(json.dumps(bundle))
    done = runner.invoke(exchange_app, ["import", str(path), "--as", "keyworker"])
    assert done.exit_code == 0, done.output
    assert Person.objects.get(pk=int(done.stdout)).nhs_number == OTHER_NHS_NUMBER
    refused = runner.invoke(
        exchange_app, ["export", "--person", str(person.pk), "--as", "commissioner"]
    )
    assert refused.exit_code == 3
    unknown = runner.invoke(exchange_app, ["import", str(path), "--as", "nobody"])
    assert unknown.exit_code == 2
    assert User.objects.filter(username="nobody").count() == 0
