"""Each form: the error beside its field, what was typed kept, nothing half-written; and
the single-use self-completion link."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from record_area import Area, browser_for

from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.care.models import Consent
from nowrongdoor.records.clinical.models import Assessment, Screening, SelfCompletionLink
from nowrongdoor.records.coordination.models import CarePlanVersion, CaseNote
from nowrongdoor.records.people.models import Person
from nowrongdoor.records.referrals.models import Referral
from nowrongdoor.services import consent, referrals
from nowrongdoor.services.people import register_person
from nowrongdoor.web.forms import field_id


@pytest.fixture
def person(area: Area) -> Person:
    return register_person(area.therapist, {"given_name": "Ash", "family_name": "Lee"})


def error_beside(html: str, field_id: str, text: str) -> bool:
    """The NHS.UK error message element for that field holds the text."""
    start = html.find(f'id="{field_id}-error"')
    return start != -1 and text in html[start : start + 400]


def test_a_number_typed_as_words_is_named_and_kept(area: Area, person: Person) -> None:
    response = browser_for(area.therapist.user).post(
        f"/people/{person.pk}/assess", {"alcohol.units_per_day": "lots", "age": "40"}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert error_beside(html, "alcohol-units_per_day", "must be a number")
    assert 'value="lots"' in html
    assert not Assessment.objects.exists()


def test_the_engine_s_own_check_lands_beside_its_field(area: Area, person: Person) -> None:
    response = browser_for(area.therapist.user).post(
        f"/people/{person.pk}/assess",
        {"drugs.0.substance": "heroin", "drugs.0.days_used_past_28": "40"},
    )
    assert response.status_code == 422
    assert error_beside(response.content.decode(), "drugs-0-days_used_past_28", "28 or less")


# The case contract's additions (December 2026) and the words the form asks them in.
ADDITIONS = {
    "circumstances.children_elsewhere": "Children who do not live with them",
    "circumstances.cares_for_someone_who_uses": "Cares for someone who uses alcohol or drugs",
    "circumstances.needs_interpreter": "Needs an interpreter or accessible information",
    "circumstances.trauma_reported": "Trauma or abuse reported",
    "engagement.safe_to_get_home": "Safe to get home (if intoxicated)",
    "engagement.previous_unplanned_exit": "A past contact with a service ended unplanned",
    "mental_health.capacity_concern": "Doubt about capacity for this decision",
}


def test_the_case_additions_are_asked_in_plain_words(area: Area, person: Person) -> None:
    html = browser_for(area.therapist.user).get(f"/people/{person.pk}/assess").content.decode()
    for name, label in ADDITIONS.items():
        assert f'name="{name}"' in html
        assert label in html
        assert f'id="{field_id(name)}-hint"' in html
    assert 'data-prevent-double-click="true"' in html  # the Assess button


@pytest.mark.parametrize(
    ("typed", "message"), [("-1", "must be 0 or more"), ("two", "must be a whole number")]
)
def test_a_bad_count_of_children_elsewhere_saves_nothing_until_corrected(
    area: Area, person: Person, typed: str, message: str
) -> None:
    therapist = browser_for(area.therapist.user)
    url = f"/people/{person.pk}/assess"
    typed_in = {
        "contact": "first",
        "circumstances.children_elsewhere": typed,
        "engagement.safe_to_get_home": "no",
    }
    for _ in range(2):
        response = therapist.post(url, typed_in)
        html = response.content.decode()
        assert response.status_code == 422
        assert 'href="#circumstances-children_elsewhere"' in html  # in the error summary
        assert error_beside(html, "circumstances-children_elsewhere", message)
        assert f'value="{typed}"' in html
        assert re.search(r'id="engagement-safe_to_get_home-2"[^>]*value="no"\s+checked', html)
    assert not Assessment.objects.exists()
    corrected = therapist.post(url, {**typed_in, "circumstances.children_elsewhere": "1"})
    assert corrected.status_code == 302
    stored = Assessment.objects.get()
    assert stored.case["circumstances"] == {"children_elsewhere": 1}
    assert stored.case["engagement"] == {"safe_to_get_home": False}


def test_a_blank_recommendation_action_is_refused_beside_it(area: Area, person: Person) -> None:
    therapist = browser_for(area.therapist.user)
    therapist.post(f"/people/{person.pk}/assess", {"age": "30", "contact": "first"})
    assessment = Assessment.objects.get()
    code = assessment.output["recommendations"][0]["code"]
    response = therapist.post(f"/assessments/{assessment.pk}", {"code": code, f"note.{code}": "x"})
    html = response.content.decode()
    assert response.status_code == 422
    assert error_beside(html, f"kind-{code}", "must be one of")
    assert not assessment.actions.exists()
    done = therapist.post(
        f"/assessments/{assessment.pk}", {"code": code, f"kind.{code}": "offered"}
    )
    assert done.status_code == 302
    assert assessment.actions.get().kind == "offered"


def test_referring_without_consent_is_refused_beside_the_consent_box(
    area: Area, person: Person
) -> None:
    response = browser_for(area.therapist.user).post(
        f"/people/{person.pk}/refer", {"to_service": str(area.drugs.pk), "reason": "alcohol"}
    )
    assert response.status_code == 422
    assert error_beside(response.content.decode(), "consent", "no recorded consent")
    assert not Referral.objects.exists()


def test_declining_needs_the_alternative_route(area: Area, person: Person) -> None:
    consent.record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    referral = referrals.refer(area.therapist, person.pk, area.drugs.pk, "alcohol")
    keyworker = browser_for(area.keyworker.user)
    response = keyworker.post(f"/referrals/{referral.pk}", {"decision": "decline"})
    assert response.status_code == 422
    assert error_beside(response.content.decode(), "alternative_route", "required")
    referral.refresh_from_db()
    assert referral.status == "sent"
    response = keyworker.post(
        f"/referrals/{referral.pk}",
        {"decision": "decline", "alternative_route": "Community alcohol team, Mill Road"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.alternative_route == "Community alcohol team, Mill Road"


def test_another_service_cannot_open_a_referral_not_sent_to_it(area: Area, person: Person) -> None:
    consent.record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    referral = referrals.refer(area.therapist, person.pk, area.drugs.pk, "alcohol")
    assert browser_for(area.gp_doctor.user).get(f"/referrals/{referral.pk}").status_code == 404
    assert AuditEvent.objects.filter(action="referral.decide", outcome="denied").exists()


def test_a_care_plan_saved_by_someone_else_first_is_a_conflict(area: Area, person: Person) -> None:
    therapist = browser_for(area.therapist.user)
    review = (date.today() + timedelta(days=14)).isoformat()
    mine = {"version": "0", "sections.needs": "housing", "next_review": review}
    assert therapist.post(f"/people/{person.pk}/care-plan", mine).status_code == 302
    theirs = {"version": "0", "sections.needs": "debt advice", "next_review": review}
    response = therapist.post(f"/people/{person.pk}/care-plan", theirs)
    html = response.content.decode()
    assert response.status_code == 422
    assert "changed by someone else" in html
    assert "debt advice" in html  # what they typed is still there to copy
    assert CarePlanVersion.objects.count() == 1


def test_a_care_plan_review_date_in_words_is_named(area: Area, person: Person) -> None:
    response = browser_for(area.therapist.user).post(
        f"/people/{person.pk}/care-plan", {"version": "0", "next_review": "next week"}
    )
    assert response.status_code == 422
    assert error_beside(response.content.decode(), "next_review", "enter a date")


def test_an_empty_case_note_is_refused_on_the_person_page(area: Area, person: Person) -> None:
    response = browser_for(area.therapist.user).post(f"/people/{person.pk}/notes", {"text": " "})
    assert response.status_code == 422
    assert error_beside(response.content.decode(), "text", "required")
    assert not CaseNote.objects.exists()


def test_handover_needs_a_note(area: Area, person: Person) -> None:
    therapist = browser_for(area.therapist.user)
    named = therapist.post(
        f"/people/{person.pk}/coordinator",
        {"coordinator": str(area.therapist.user.pk), "basis": "case-manager"},
    )
    assert named.status_code == 302
    consent.record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    response = therapist.post(
        f"/people/{person.pk}/coordinator", {"coordinator": str(area.keyworker.user.pk)}
    )
    assert response.status_code == 422
    assert error_beside(response.content.decode(), "note", "required")


def test_a_self_completion_link_works_once(area: Area, person: Person) -> None:
    therapist = browser_for(area.therapist.user)
    page = therapist.post(f"/people/{person.pk}/screen/link", {"instrument": "gad7"})
    html = page.content.decode()
    address = html[html.index('id="self-link">') + len('id="self-link">') :].split("<")[0]
    path = address[address.index("/answer/") :]
    phone = Client()  # nobody signed in
    form = phone.get(path).content.decode()
    assert "Ash" not in form  # the link shows no name
    answers = {f"answers.{i}": "2" for i in range(1, 8)}
    assert phone.post(path, answers).status_code == 200
    screening = Screening.objects.get(person=person)
    assert (screening.instrument, screening.total) == ("gad7", 14)
    assert phone.post(path, answers).status_code == 410  # spent
    assert Screening.objects.count() == 1
    assert AuditEvent.objects.filter(action="screening.self_complete").count() == 1


def test_an_expired_link_is_refused(area: Area, person: Person) -> None:
    therapist = browser_for(area.therapist.user)
    html = therapist.post(f"/people/{person.pk}/screen/link", {"instrument": "phq9"})
    text = html.content.decode()
    path = text[text.index("/answer/") :].split("<")[0]
    SelfCompletionLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(path).status_code == 410


def test_the_person_answers_a_waiting_questionnaire_in_their_space(
    area: Area, person: Person
) -> None:
    person.user = User.objects.create(username="ash")
    person.save()
    browser_for(area.therapist.user).post(
        f"/people/{person.pk}/screen/link", {"instrument": "gad7"}
    )
    link = SelfCompletionLink.objects.get()
    own = browser_for(person.user)
    assert f"/me/questionnaires/{link.pk}" in own.get("/me").content.decode()
    answers = {f"answers.{i}": "0" for i in range(1, 8)}
    assert own.post(f"/me/questionnaires/{link.pk}", answers).status_code == 302
    assert Screening.objects.get().total == 0
    someone_else = User.objects.create(username="someone")
    Person.objects.create(given_name="S", family_name="E", user=someone_else)
    response = browser_for(someone_else).get(f"/me/questionnaires/{link.pk}")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="self_link.open", outcome="denied").exists()


def test_the_person_gives_and_withdraws_consent_per_service(area: Area, person: Person) -> None:
    person.user = User.objects.create(username="ash")
    person.save()
    own = browser_for(person.user)
    own.post("/me/consent", {"service": str(area.gp.pk), "state": "given"})
    own.post("/me/consent", {"service": str(area.gp.pk), "state": "withdrawn"})
    states = list(Consent.objects.filter(recipient=area.gp).values_list("state", flat=True))
    assert states == ["given", "withdrawn"]
    assert own.post("/me/consent", {"service": "x", "state": "given"}).status_code == 400


def test_staff_have_no_own_space(area: Area) -> None:
    assert browser_for(area.therapist.user).get("/me").status_code == 404


def test_the_caseload_prompts_for_a_coordinator_until_one_is_named(
    area: Area, person: Person
) -> None:
    from nowrongdoor.services import clinical, coordination

    clinical.record_assessment(
        area.therapist,
        person.pk,
        {
            "setting": "iapt",
            "alcohol": {"units_per_day": 19, "dependence_suspected": True},
            "mental_health": {"conditions": ["anxiety"]},
        },
    )
    therapist = browser_for(area.therapist.user)
    assert 'id="no-coordinator"' in therapist.get("/").content.decode()
    coordination.name_coordinator(area.therapist, person.pk, area.therapist.user.pk, "case-manager")
    assert 'id="no-coordinator"' not in therapist.get("/").content.decode()


def test_a_goal_is_reviewed_with_the_person_in_their_words(area: Area, person: Person) -> None:
    from nowrongdoor.services import coordination

    goal = coordination.add_recovery_goal(area.therapist, person.pk, "Back to work by spring")
    therapist = browser_for(area.therapist.user)
    assert f"/goals/{goal.pk}/review" in therapist.get(f"/people/{person.pk}").content.decode()
    assert therapist.post(f"/goals/{goal.pk}/review", {"achieved": "yes"}).status_code == 302
    goal.refresh_from_db()
    assert (goal.achieved, goal.last_reviewed, goal.in_their_words) == (
        True,
        timezone.localdate(),
        "Back to work by spring",
    )
    assert therapist.post(f"/goals/{goal.pk}/review", {"achieved": "?"}).status_code == 400
    outsider = browser_for(area.gp_doctor.user)
    assert outsider.post(f"/goals/{goal.pk}/review", {"achieved": "no"}).status_code == 404
