"""The person's own space: their care plan as agreed with them, who has looked at their
record (service and role, when, why: never a name), case notes not for them, and their
record to print or download (UK-ALC 2.2.4, 2.2.5; docs/decisions/0018)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from fhir.resources.R4B.bundle import Bundle
from record_area import Area, browser_for

from nowrongdoor.api.auth import issue_token
from nowrongdoor.errors import AccessDenied, InputError
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.coordination.models import CaseNote
from nowrongdoor.records.people.models import Person
from nowrongdoor.services import consent, coordination, exchange, own_space
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.people import read_person, register_person

WITHHELD = "Her brother told us he is worried about her drinking."
SHARED = "Agreed to try the Tuesday group."


@pytest.fixture
def person(area: Area) -> Person:
    """Registered at Talking Therapies, who can sign in; shares with the Recovery Hub."""
    person = register_person(area.therapist, {"given_name": "Ash", "family_name": "Green"})
    person.user = User.objects.create(username="ash")
    person.save()
    consent.record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    return person


def me(person: Person) -> Actor:
    assert person.user is not None
    return Actor.of(person.user)


def withheld_note(area: Area, person: Person) -> CaseNote:
    return coordination.add_case_note(
        area.therapist, person.pk, WITHHELD, "third-party", "told us by her brother in confidence"
    )


# ------------------------------------------------------------------ who has looked


def test_who_looked_names_the_service_and_role_when_and_why_never_the_user(
    area: Area, person: Person
) -> None:
    read_person(area.therapist, person.pk)
    read_person(area.keyworker, person.pk)
    exchange.export_person(area.keyworker, person.pk)
    looks = own_space.who_looked(me(person), person.pk)
    assert [(x.service, x.role, x.what, x.why) for x in looks] == [
        (
            "Recovery Hub",
            "Care coordinator",
            "Downloaded your record",
            "You agreed to share your record with them",
        ),
        (
            "Recovery Hub",
            "Care coordinator",
            "Looked at your record",
            "You agreed to share your record with them",
        ),
        ("Talking Therapies", "Practitioner", "Looked at your record", "They are caring for you"),
    ]
    page = browser_for(person.user).get("/me").content.decode()
    section = page.split('id="who-looked"', 1)[1].split('id="my-record"', 1)[0]
    assert "Recovery Hub" in section
    assert "Care coordinator" in section
    assert "They are caring for you" in section
    for username in ("therapist", "keyworker"):
        assert username not in section


def test_who_looked_leaves_out_refusals_and_the_persons_own_reads(
    area: Area, person: Person
) -> None:
    with pytest.raises(AccessDenied):
        read_person(area.gp_doctor, person.pk)
    read_person(me(person), person.pk)
    assert own_space.who_looked(me(person), person.pk) == []
    assert AuditEvent.objects.filter(action="access_log.read", person_id=person.pk).exists()


def test_a_safeguarding_look_says_so(area: Area, person: Person) -> None:
    consent.record_consent(
        area.therapist, person.pk, area.gp.pk, "refused", safeguarding_reason="child at risk"
    )
    read_person(area.gp_doctor, person.pk)
    (look,) = own_space.who_looked(me(person), person.pk)
    assert (look.service, look.why) == (
        "Elm Street Surgery",
        "A safeguarding concern: shared without your agreement",
    )


def test_staff_cannot_read_the_persons_who_looked_list(area: Area, person: Person) -> None:
    with pytest.raises(AccessDenied):
        own_space.who_looked(area.therapist, person.pk)
    refused = AuditEvent.objects.filter(outcome="denied").last()
    assert refused is not None
    assert (refused.action, refused.person_id) == ("access_log.read", person.pk)


# ------------------------------------------------------------------ case notes not for them


def test_a_withheld_note_needs_a_reason_and_what_it_is(area: Area, person: Person) -> None:
    with pytest.raises(InputError, match=r"^withheld_reason: "):
        coordination.add_case_note(area.therapist, person.pk, "x", "because", "detail")
    with pytest.raises(InputError, match=r"^withheld_detail: "):
        coordination.add_case_note(area.therapist, person.pk, "x", "serious-harm", "  ")
    assert not CaseNote.objects.exists()
    page = browser_for(area.therapist.user).post(
        f"/people/{person.pk}/notes", {"text": WITHHELD, "withheld_reason": "third-party"}
    )
    assert page.status_code == 422
    html = page.content.decode()
    assert 'id="withheld_detail-error"' in html or "withheld_detail-error" in html
    assert WITHHELD.replace("'", "&#39;") in html  # what was typed is kept
    assert not CaseNote.objects.exists()


def test_withholding_is_recorded_with_the_reason_and_audited(area: Area, person: Person) -> None:
    note = withheld_note(area, person)
    assert (note.withheld_reason, note.not_for_person) == ("third-party", True)
    event = AuditEvent.objects.get(action="case_note.withhold")
    assert (event.object_id, event.actor, event.reason) == (
        str(note.pk),
        "therapist",
        "third-party: told us by her brother in confidence",
    )
    later = coordination.add_case_note(area.therapist, person.pk, "Mentioned a neighbour.")
    coordination.withhold_case_note(
        area.therapist, later.pk, "serious-harm", "clinician's judgement, reviewed 7 Dec"
    )
    later.refresh_from_db()
    assert later.withheld_reason == "serious-harm"
    assert AuditEvent.objects.filter(action="case_note.withhold").count() == 2
    with pytest.raises(AccessDenied):
        coordination.withhold_case_note(me(person), later.pk, "third-party", "mine")


def test_a_withheld_note_is_absent_from_everything_the_person_sees(
    area: Area, person: Person
) -> None:
    withheld_note(area, person)
    coordination.add_case_note(area.therapist, person.pk, SHARED)
    own = browser_for(person.user)
    printable = own.get("/me/record").content.decode()
    assert SHARED in printable
    assert "brother" not in printable
    api = Client(headers={"Authorization": f"Bearer {issue_token(person.user)}"})
    notes = api.get(f"/api/people/{person.pk}/case-notes").json()
    assert [n["text"] for n in notes] == [SHARED]
    fhir = api.get(f"/fhir/Communication?patient={person.pk}").json()
    assert [e["resource"]["payload"][0]["contentString"] for e in fhir["entry"]] == [SHARED]
    withheld_id = CaseNote.objects.get(text=WITHHELD).pk
    assert api.get(f"/fhir/Communication/{withheld_id}").status_code == 404
    download = own.get("/me/record.json")
    assert download["Content-Disposition"] == 'attachment; filename="my-record.json"'
    assert "brother" not in download.content.decode()
    assert SHARED in download.content.decode()


def test_a_withheld_note_is_present_for_staff_marked_as_such(area: Area, person: Person) -> None:
    note = withheld_note(area, person)
    page = browser_for(area.therapist.user).get(f"/people/{person.pk}").content.decode()
    assert WITHHELD.replace("'", "&#39;") in page
    assert "Not for the person" in page
    assert "It is about someone else (third-party information)" in page
    api = Client(headers={"Authorization": f"Bearer {issue_token(area.keyworker.user)}"})
    (listed,) = api.get(f"/api/people/{person.pk}/case-notes").json()
    assert (listed["text"], listed["withheld_reason"]) == (WITHHELD, "third-party")
    bundle = exchange.export_person(area.therapist, person.pk)
    (communication,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Communication"
    ]
    assert communication["id"]
    assert communication["extension"][0]["extension"][0] == {
        "url": "reason",
        "valueCode": "third-party",
    }
    assert CaseNote.objects.get(pk=note.pk).text == WITHHELD


def test_a_note_marked_through_the_api_is_withheld_from_then_on(area: Area, person: Person) -> None:
    note = coordination.add_case_note(area.therapist, person.pk, WITHHELD)
    api = Client(headers={"Authorization": f"Bearer {issue_token(area.therapist.user)}"})
    response = api.post(
        f"/api/case-notes/{note.pk}/withhold",
        {"withheld_reason": "third-party", "withheld_detail": "from her brother"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    bad = api.post(
        f"/api/case-notes/{note.pk}/withhold",
        {"withheld_reason": "because"},
        content_type="application/json",
    )
    assert (bad.status_code, bad.json()["field"]) == (422, "withheld_reason")
    own = browser_for(person.user)
    assert "brother" not in own.get("/me/record").content.decode()


# ------------------------------------------------------------------ the download


def test_the_download_is_a_valid_fhir_bundle_of_their_record(area: Area, person: Person) -> None:
    coordination.add_case_note(area.therapist, person.pk, SHARED)
    own = browser_for(person.user)
    response = own.get("/me/record.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    bundle = json.loads(response.content)
    Bundle.model_validate(bundle)
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Patient", "EpisodeOfCare", "Consent", "Communication", "Provenance"} <= kinds
    event = AuditEvent.objects.filter(action="person.export").last()
    assert event is not None
    assert (event.person_id, event.role) == (person.pk, "person")


def test_the_printable_record_and_the_download_are_the_persons_only(
    area: Area, person: Person
) -> None:
    assert browser_for(area.therapist.user).get("/me/record").status_code == 404
    assert browser_for(area.therapist.user).get("/me/record.json").status_code == 404
    with pytest.raises(AccessDenied):
        own_space.own_record(area.therapist, person.pk)


# ------------------------------------------------------------------ the care plan as agreed


def test_the_care_plan_shown_is_the_one_agreed_with_them(area: Area, person: Person) -> None:
    soon = date.today() + timedelta(days=28)
    own = browser_for(person.user)
    assert "You do not have a care plan agreed with you yet." in own.get("/me").content.decode()
    coordination.revise_care_plan(
        area.therapist,
        person.pk,
        0,
        {"crisis_plan": "Ring Sam, then the crisis line", "needs": "Somewhere to live"},
        soon,
        agreed_with_person=True,
    )
    coordination.revise_care_plan(
        area.therapist, person.pk, 1, {"needs": "Draft, not yet talked through"}, soon, False
    )
    page = own.get("/me").content.decode()
    section = page.split('id="care-plan"', 1)[1].split('id="recovery-plan"', 1)[0]
    assert "Your crisis plan" in section
    assert "Ring Sam, then the crisis line" in section
    assert "Somewhere to live" in section
    assert "Draft, not yet talked through" not in section
    assert "Your care team has changed the plan since then." in section
    assert section.index("Your crisis plan") < section.index("What you need help with")
    assert "Review of your care plan" in page


def test_the_person_is_told_their_goals_are_seen_by_services_caring_for_them(
    area: Area, person: Person
) -> None:
    page = browser_for(person.user).get("/me").content.decode()
    assert "Every service caring for you sees the goals you write here." in page
