"""The FHIR R4 REST API at /fhir: every body is valid FHIR, the access rules are the record's."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from fhir.resources.R4B import get_fhir_model_class
from record_area import Area

from nowrongdoor.api.auth import issue_token
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.people.models import Person
from nowrongdoor.services import coordination, referrals
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.clinical import record_screening
from nowrongdoor.services.consent import record_consent
from nowrongdoor.services.exchange import export_person, import_bundle
from nowrongdoor.services.people import register_person

TYPES = (
    "Patient",
    "EpisodeOfCare",
    "QuestionnaireResponse",
    "Observation",
    "ServiceRequest",
    "Consent",
    "CarePlan",
    "Communication",
)
# Where each type names its person.
SUBJECT = {
    "EpisodeOfCare": "patient",
    "Consent": "patient",
    "QuestionnaireResponse": "subject",
    "Observation": "subject",
    "ServiceRequest": "subject",
    "CarePlan": "subject",
    "Communication": "subject",
}


def client_for(actor: Actor) -> Client:
    return Client(headers={"Authorization": f"Bearer {issue_token(actor.user)}"})


def fhir_get(client: Client, url: str, status: int = 200) -> dict[str, Any]:
    """GET, check the status and content type, and parse the body back with fhir.resources."""
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    body: dict[str, Any] = response.json()
    get_fhir_model_class(body["resourceType"]).model_validate(body)
    return body


def issue(body: dict[str, Any]) -> dict[str, Any]:
    assert body["resourceType"] == "OperationOutcome"
    (only,) = body["issue"]
    return only


def last_event() -> AuditEvent:
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event is not None
    return event


def search_url(kind: str, person_id: int | str) -> str:
    return f"/fhir/{kind}?{'_id' if kind == 'Patient' else 'patient'}={person_id}"


@pytest.fixture
def person(area: Area) -> Person:
    """Registered at Talking Therapies, with one record of each of the eight types."""
    person = register_person(area.therapist, {"given_name": "Ali", "family_name": "Khan"})
    record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    referrals.refer(
        area.therapist,
        person.pk,
        area.drugs.pk,
        "alcohol dependence",
        "DRUG-SPECIALIST-REFERRAL",
    )
    record_screening(area.therapist, person.pk, "phq9", [1, 2, 0, 3, 1, 0, 2, 1, 2])
    coordination.revise_care_plan(
        area.therapist,
        person.pk,
        0,
        {"crisis_plan": "Call the crisis line; Sam stays with them."},
        date.today() + timedelta(days=28),
        agreed_with_person=True,
    )
    coordination.add_case_note(area.therapist, person.pk, "Talked through the crisis plan.")
    return person


@pytest.fixture
def therapist(area: Area) -> Client:
    return client_for(area.therapist)


def test_metadata_is_a_public_capability_statement_of_the_eight_types(area: Area) -> None:
    statement = fhir_get(Client(), "/fhir/metadata")
    assert statement["resourceType"] == "CapabilityStatement"
    assert (statement["fhirVersion"], statement["format"]) == ("4.0.1", ["json"])
    (rest,) = statement["rest"]
    served = {r["type"]: r for r in rest["resource"]}
    assert set(served) == set(TYPES)
    for kind, resource in served.items():
        assert [i["code"] for i in resource["interaction"]] == ["read", "search-type"]
        expected = "_id" if kind == "Patient" else "patient"
        assert [p["name"] for p in resource["searchParam"]] == [expected]


@pytest.mark.parametrize("kind", TYPES)
def test_search_then_read_each_type(
    area: Area, person: Person, therapist: Client, kind: str
) -> None:
    bundle = fhir_get(therapist, search_url(kind, person.pk))
    assert bundle["type"] == "searchset"
    assert bundle["total"] == len(bundle["entry"]) >= 1
    search = last_event()
    assert (search.action, search.outcome, search.person_id) == (
        "fhir.search",
        "allowed",
        person.pk,
    )
    assert search.reason.startswith(kind)
    for entry in bundle["entry"]:
        found = entry["resource"]
        assert found["resourceType"] == kind
        assert entry["fullUrl"] == f"http://testserver/fhir/{kind}/{found['id']}"
        if kind in SUBJECT:
            assert found[SUBJECT[kind]] == {"reference": f"Patient/{person.pk}"}
        assert fhir_get(therapist, f"/fhir/{kind}/{found['id']}") == found
        read = last_event()
        assert (read.action, read.outcome, read.person_id) == ("fhir.read", "allowed", person.pk)


def test_the_resources_say_what_was_recorded(person: Person, therapist: Client) -> None:
    def only(kind: str) -> dict[str, Any]:
        (entry,) = fhir_get(therapist, search_url(kind, person.pk))["entry"]
        resource: dict[str, Any] = entry["resource"]
        return resource

    observation = only("Observation")
    response = only("QuestionnaireResponse")
    assert observation["valueInteger"] == 12
    assert observation["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{response['id']}"}]
    referral, consent = only("ServiceRequest"), only("Consent")
    assert referral["status"] == "active"
    assert referral["performer"][0]["display"] == "Recovery Hub"
    assert referral["supportingInfo"] == [{"reference": f"Consent/{consent['id']}"}]
    assert referral["reasonCode"][0]["coding"][0]["code"] == "DRUG-SPECIALIST-REFERRAL"
    plan = only("CarePlan")
    assert plan["meta"]["versionId"] == "1"
    assert [n["text"] for n in plan["note"]] == ["Call the crisis line; Sam stays with them."]


def test_patient_reference_form_finds_the_same(person: Person, therapist: Client) -> None:
    plain = fhir_get(therapist, f"/fhir/Consent?patient={person.pk}")
    typed = fhir_get(therapist, f"/fhir/Consent?patient=Patient/{person.pk}")
    assert plain == typed


def test_a_kind_with_nothing_recorded_is_an_empty_searchset(area: Area, therapist: Client) -> None:
    person = register_person(area.therapist, {"given_name": "Jo", "family_name": "Ray"})
    bundle = fhir_get(therapist, search_url("ServiceRequest", person.pk))
    assert (bundle["total"], "entry" in bundle) == (0, False)


def test_another_services_person_is_404_like_a_missing_one_and_audited(
    area: Area, person: Person
) -> None:
    gp = client_for(area.gp_doctor)
    observation_id = fhir_get(client_for(area.therapist), search_url("Observation", person.pk))[
        "entry"
    ][0]["resource"]["id"]

    refused = issue(fhir_get(gp, search_url("Observation", person.pk), 404))
    event = last_event()
    assert (event.action, event.outcome, event.actor, event.person_id) == (
        "fhir.search",
        "denied",
        "gp",
        person.pk,
    )
    missing = issue(fhir_get(gp, search_url("Observation", 999_999), 404))
    assert refused["code"] == missing["code"] == "not-found"
    assert refused["diagnostics"].replace(str(person.pk), "N") == missing["diagnostics"].replace(
        "999999", "N"
    )

    assert issue(fhir_get(gp, f"/fhir/Observation/{observation_id}", 404))["code"] == "not-found"
    event = last_event()
    assert (event.action, event.outcome, event.person_id) == ("fhir.read", "denied", person.pk)
    fhir_get(gp, f"/fhir/Patient/{person.pk}", 404)
    fhir_get(client_for(area.commissioner), f"/fhir/Patient/{person.pk}", 404)


def test_consent_withdrawn_closes_the_record_at_once(area: Area, person: Person) -> None:
    keyworker = client_for(area.keyworker)  # Recovery Hub: consent given, no episode
    patient = f"/fhir/Patient/{person.pk}"
    assert fhir_get(keyworker, patient)["id"] == str(person.pk)
    record_consent(area.therapist, person.pk, area.drugs.pk, "withdrawn")
    fhir_get(keyworker, patient, 404)
    fhir_get(keyworker, search_url("CarePlan", person.pk), 404)
    event = last_event()
    assert (event.action, event.outcome, event.actor) == ("fhir.search", "denied", "keyworker")


def test_the_person_reads_their_own_record_and_no_one_elses(area: Area, person: Person) -> None:
    user = User.objects.create(username="ali")
    person.user = user
    person.save()
    own = Client()
    own.force_login(user)
    assert fhir_get(own, f"/fhir/Patient/{person.pk}")["id"] == str(person.pk)
    other = register_person(area.therapist, {"given_name": "Jo", "family_name": "Ray"})
    fhir_get(own, f"/fhir/Patient/{other.pk}", 404)


def test_a_signed_in_session_works_like_a_token(area: Area, person: Person) -> None:
    browser = Client()
    browser.force_login(area.therapist.user)
    bundle = fhir_get(browser, search_url("EpisodeOfCare", person.pk))
    assert bundle["total"] == 1


def test_no_token_no_session_is_401_and_nothing_is_read(person: Person) -> None:
    before = AuditEvent.objects.count()
    for client in (Client(), Client(headers={"Authorization": "Bearer nwd_not-a-token"})):
        response = client.get(f"/fhir/Patient/{person.pk}")
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        body = response.json()
        get_fhir_model_class("OperationOutcome").model_validate(body)
        assert issue(body)["code"] == "login"
        assert client.get(search_url("Patient", person.pk)).status_code == 401
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("/fhir/Observation", "patient"),
        ("/fhir/Observation?patient=", "patient"),
        ("/fhir/Observation?patient=abc", "patient"),
        ("/fhir/Observation?patient=Observation/1", "patient"),
        ("/fhir/Observation?patient=1,2", "patient"),
        ("/fhir/Observation?patient=1&patient=2", "patient"),
        ("/fhir/Observation?patient=" + "9" * 30, "patient"),
        ("/fhir/Observation?subject=1", "subject"),
        ("/fhir/Observation?patient:missing=true", "patient:missing"),
        ("/fhir/Patient?patient=1", "patient"),
        ("/fhir/Patient", "_id"),
        ("/fhir/Patient?_id=-1", "_id"),
        ("/fhir/metadata?_format=xml", "_format"),
    ],
)
def test_a_bad_search_parameter_is_400_naming_it(
    therapist: Client, query: str, parameter: str
) -> None:
    problem = issue(fhir_get(therapist, query, 400))
    assert problem["expression"] == [parameter]
    assert problem["diagnostics"].startswith(f"{parameter}: ")


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/fhir/Medication?patient=1", "not-supported"),
        ("/fhir/Medication/1", "not-supported"),
        ("/fhir/patient/1", "not-supported"),
        ("/fhir/Patient/1/_history", "not-supported"),
        ("/fhir/", "not-supported"),
        ("/fhir/Observation/abc", "not-found"),
        ("/fhir/Observation/0", "not-found"),
        ("/fhir/Observation/" + "9" * 30, "not-found"),
        ("/fhir/CarePlan/999999", "not-found"),
    ],
)
def test_unknown_types_and_ids_are_404_never_500(therapist: Client, url: str, code: str) -> None:
    assert issue(fhir_get(therapist, url, 404))["code"] == code


def test_only_get_is_served(therapist: Client) -> None:
    response = therapist.post("/fhir/Patient", data="{}", content_type="application/fhir+json")
    assert (response.status_code, response["Allow"]) == (405, "GET")
    assert issue(response.json())["code"] == "not-supported"


def test_export_carries_referrals_and_the_care_plan_and_still_imports(
    area: Area, person: Person
) -> None:
    bundle = export_person(area.therapist, person.pk)
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    (referral,) = [r for r in by_url.values() if r["resourceType"] == "ServiceRequest"]
    (plan,) = [r for r in by_url.values() if r["resourceType"] == "CarePlan"]
    assert by_url[referral["supportingInfo"][0]["reference"]]["resourceType"] == "Consent"
    assert by_url[plan["subject"]["reference"]]["resourceType"] == "Patient"
    copy = import_bundle(area.keyworker, bundle)
    assert copy.pk != person.pk
    assert "ServiceRequest (not stored here yet)" in last_event_of(copy, "person.import").reason


def last_event_of(person: Person, action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(person_id=person.pk, action=action).last()
    assert event is not None
    return event
