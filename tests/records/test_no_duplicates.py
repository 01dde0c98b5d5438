"""Forms that never save twice: every form that saves something, sent twice with the key it
was drawn with (a double click), or again after the back button, saves once; the repeat is
shown "already saved" with a link to what was saved, and is audited."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db.models import Model
from django.test import Client
from django.utils import timezone
from record_area import Area, browser_for

from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.care.models import Consent, EpisodeOfCare
from nowrongdoor.records.clinical.models import Assessment, Screening
from nowrongdoor.records.coordination.models import (
    DISCHARGE_CHECKLIST,
    CareCoordinator,
    CarePlanVersion,
    CaseNote,
    Discharge,
    RecoveryCheckUp,
    RecoveryGoal,
)
from nowrongdoor.records.idempotency.models import IdempotencyKey
from nowrongdoor.records.outcomes.models import SessionMeasure, TherapyCourse, TopRecord
from nowrongdoor.records.people.models import Person
from nowrongdoor.records.referrals.models import RecommendationAction, Referral
from nowrongdoor.services import clinical, consent, coordination, episodes, outcomes, referrals
from nowrongdoor.services.people import register_person
from nowrongdoor.services.self_completion import create_link
from nowrongdoor.web.once import FIELD

TODAY = date.today().isoformat()
SOON = (date.today() + timedelta(days=28)).isoformat()
FORM = re.compile(r"<form\b.*?</form>", re.S)
KEY = re.compile(rf'name="{FIELD}" value="([^"]+)"')
ALREADY = "This form was already saved"
PHQ9 = {f"answers.{n}": "1" for n in range(1, 10)}


def key_of(html: str, marker: str) -> str:
    """The key of the first form on the page that holds `marker`."""
    for form in FORM.findall(html):
        if marker in form:
            found = KEY.search(form)
            assert found, f"the form with {marker!r} has no {FIELD}"
            return found.group(1)
    raise AssertionError(f"no form holds {marker!r}")


def writes(user: User) -> int:
    """What the user's submits saved, as their audit events say (reads and repeats aside)."""
    events = AuditEvent.objects.filter(actor=user.get_username(), outcome="allowed")
    return events.exclude(action__endswith=".read").exclude(action="submission.repeat").count()


@pytest.fixture
def person(area: Area) -> Person:
    found = register_person(area.therapist, {"given_name": "Robin", "family_name": "Hale"})
    found.user = User.objects.create(username="robin")
    found.save()
    return found


@dataclass
class Case:
    """A form that saves: who fills it in, the page it is drawn on and a text only that
    form holds, where it is sent, what is sent, and the rows it saves."""

    user: User
    page: str
    marker: str
    url: str
    data: dict[str, Any]
    saved: type[Model] | None = None

    def rows(self) -> int:
        return self.saved.objects.count() if self.saved else 0


def _new_person(area: Area, p: Person) -> Case:
    data = {"given_name": "Ada", "family_name": "Lovell"}
    return Case(
        area.therapist.user, "/people/new", 'name="given_name"', "/people/new", data, Person
    )


def _screening(area: Area, p: Person) -> Case:
    url = f"/people/{p.pk}/screen/phq9"
    return Case(area.therapist.user, url, 'name="answers.1"', url, PHQ9, Screening)


def _assessment(area: Area, p: Person) -> Case:
    url = f"/people/{p.pk}/assess"
    data = {"age": "40", "contact": "first", "alcohol.units_per_day": "12"}
    return Case(area.therapist.user, url, 'name="age"', url, data, Assessment)


def _recommendation(area: Area, p: Person) -> Case:
    found = clinical.record_assessment(area.therapist, p.pk, {"setting": "iapt", "age": 40})
    code = found.output["recommendations"][0]["code"]
    url = f"/assessments/{found.pk}"
    data = {"code": code, f"kind.{code}": "offered", f"note.{code}": "talked it through"}
    return Case(area.therapist.user, url, f'value="{code}"', url, data, RecommendationAction)


def _referral(area: Area, p: Person) -> Case:
    url = f"/people/{p.pk}/refer"
    data = {"to_service": str(area.drugs.pk), "reason": "specialist help", "consent": "given"}
    return Case(area.therapist.user, url, 'name="reason"', url, data, Referral)


def _sent(area: Area, p: Person) -> Referral:
    consent.record_consent(area.therapist, p.pk, area.drugs.pk, "given")
    return referrals.refer(area.therapist, p.pk, area.drugs.pk, "specialist help")


def _accept(area: Area, p: Person) -> Case:
    url = f"/referrals/{_sent(area, p).pk}"
    data = {"decision": "accept"}
    return Case(area.keyworker.user, url, 'name="decision"', url, data, EpisodeOfCare)


def _decline(area: Area, p: Person) -> Case:
    url = f"/referrals/{_sent(area, p).pk}"
    data = {"decision": "decline", "alternative_route": "Their GP, for a talking therapy"}
    return Case(area.keyworker.user, url, 'name="decision"', url, data)


def _coordinator(area: Area, p: Person) -> Case:
    url = f"/people/{p.pk}/coordinator"
    data = {"coordinator": str(area.therapist.user.pk), "basis": "case-manager"}
    return Case(area.therapist.user, url, 'name="coordinator"', url, data, CareCoordinator)


def _care_plan(area: Area, p: Person) -> Case:
    url = f"/people/{p.pk}/care-plan"
    data = {"version": "0", "sections.needs": "Housing", "next_review": SOON, "agreed": "yes"}
    return Case(area.therapist.user, url, 'name="version"', url, data, CarePlanVersion)


def _case_note(area: Area, p: Person) -> Case:
    url = f"/people/{p.pk}/notes"
    data = {"text": "Phoned: doing better this week"}
    return Case(area.therapist.user, f"/people/{p.pk}", url, url, data, CaseNote)


def _goal_review(area: Area, p: Person) -> Case:
    goal = coordination.add_recovery_goal(area.therapist, p.pk, "Back to work")
    url = f"/goals/{goal.pk}/review"
    return Case(area.therapist.user, f"/people/{p.pk}", url, url, {"achieved": "yes"})


def _top(area: Area, p: Person) -> Case:
    url = f"/people/{p.pk}/top"
    data = {"stage": "start", "date": TODAY, "alcohol_days": "20"}
    return Case(area.therapist.user, url, 'name="stage"', url, data, TopRecord)


def _course(area: Area, p: Person) -> Case:
    url = f"/people/{p.pk}/courses/start"
    page = f"/people/{p.pk}/outcomes"
    return Case(area.therapist.user, page, url, url, {"started": TODAY}, TherapyCourse)


def _session(area: Area, p: Person) -> Case:
    course = outcomes.start_course(area.therapist, p.pk)
    url = f"/courses/{course.pk}"
    data = {"session_number": "1", "date": TODAY, "is_treatment": "yes", "phq9_total": "12"}
    return Case(area.therapist.user, url, 'name="session_number"', url, data, SessionMeasure)


def _course_end(area: Area, p: Person) -> Case:
    course = outcomes.start_course(area.therapist, p.pk)
    url = f"/courses/{course.pk}/end"
    return Case(area.therapist.user, f"/courses/{course.pk}", url, url, {"ended": TODAY})


def _step(step: str) -> Callable[[Area, Person], Case]:
    def case(area: Area, p: Person) -> Case:
        url = f"/episodes/{p.episodes.get().pk}"
        return Case(area.therapist.user, url, f'value="{step}"', url, {"step": step, step: TODAY})

    return case


def _discharge(area: Area, p: Person) -> Case:
    url = f"/episodes/{p.episodes.get().pk}/discharge"
    data = {"discharged": TODAY, "kind": "planned", "reason": "Finished treatment"}
    data |= {f"checklist.{item}": "done" for item in DISCHARGE_CHECKLIST}
    return Case(area.therapist.user, url, 'name="kind"', url, data, Discharge)


def _check_up(area: Area, p: Person) -> Case:
    url = f"/people/{p.pk}/check-ups"
    data = {"action": "schedule", "due": SOON}
    return Case(area.therapist.user, url, 'value="schedule"', url, data, RecoveryCheckUp)


def _check_up_done(area: Area, p: Person) -> Case:
    check_up = episodes.schedule_check_up(area.therapist, p.pk, date.today())
    url = f"/people/{p.pk}/check-ups"
    action = f"done.{check_up.pk}"
    return Case(
        area.therapist.user, url, f'value="{action}"', url, {"action": action, action: TODAY}
    )


def _own_goal(area: Area, p: Person) -> Case:
    assert p.user is not None
    data = {"in_their_words": "Walk my daughter to school"}
    return Case(p.user, "/me", "/me/goals", "/me/goals", data, RecoveryGoal)


def _own_consent(area: Area, p: Person) -> Case:
    assert p.user is not None
    marker = f'name="service" value="{area.drugs.pk}"'
    data = {"service": str(area.drugs.pk), "state": "given"}
    return Case(p.user, "/me", marker, "/me/consent", data, Consent)


def _own_questionnaire(area: Area, p: Person) -> Case:
    assert p.user is not None
    link, _token = create_link(area.therapist, p.pk, "phq9")
    url = f"/me/questionnaires/{link.pk}"
    return Case(p.user, url, 'name="answers.1"', url, PHQ9, Screening)


CASES: dict[str, Callable[[Area, Person], Case]] = {
    "person added": _new_person,
    "screening": _screening,
    "assessment": _assessment,
    "recommendation action": _recommendation,
    "referral with consent": _referral,
    "referral accepted": _accept,
    "referral declined": _decline,
    "care coordinator": _coordinator,
    "care plan version": _care_plan,
    "case note": _case_note,
    "recovery goal review": _goal_review,
    "TOP": _top,
    "Talking Therapies course": _course,
    "session measures": _session,
    "course ended": _course_end,
    "episode assessed": _step("assessed"),
    "treatment started": _step("treatment_started"),
    "discharge": _discharge,
    "recovery check-up": _check_up,
    "recovery check-up done": _check_up_done,
    "own recovery goal": _own_goal,
    "own consent to share": _own_consent,
    "own questionnaire": _own_questionnaire,
}


def _first(case: Case) -> tuple[Client, str, Any]:
    """Draw the form, send it once: the client, the key it was drawn with, the answer."""
    client = browser_for(case.user)
    drawn = client.get(case.page)
    assert drawn.status_code == 200, drawn.content.decode()[:1000]
    key = key_of(drawn.content.decode(), case.marker)
    first = client.post(case.url, {**case.data, FIELD: key})
    assert first.status_code == 302, first.content.decode()[:3000]
    return client, key, first


def _told_already_saved(repeat: Any, first: Any) -> None:
    html = repeat.content.decode()
    assert repeat.status_code == 200, html[:2000]
    assert ALREADY in html
    assert f'href="{first["Location"]}"' in html  # "View what was saved"


@pytest.mark.parametrize("name", CASES)
def test_a_double_click_saves_once(area: Area, person: Person, name: str) -> None:
    case = CASES[name](area, person)
    rows_before, writes_before = case.rows(), writes(case.user)
    client, key, first = _first(case)
    rows_once, writes_once = case.rows(), writes(case.user)
    assert writes_once > writes_before
    assert rows_once == rows_before + (1 if case.saved else 0)
    repeat = client.post(case.url, {**case.data, FIELD: key})
    _told_already_saved(repeat, first)
    assert (case.rows(), writes(case.user)) == (rows_once, writes_once)


@pytest.mark.parametrize("name", CASES)
def test_back_then_submit_again_saves_once(area: Area, person: Person, name: str) -> None:
    case = CASES[name](area, person)
    client, key, first = _first(case)
    client.get(first["Location"])  # where the save led
    rows_once, writes_once = case.rows(), writes(case.user)
    # The back button shows the form as it was drawn, key and all; it is sent again.
    repeat = client.post(case.url, {**case.data, FIELD: key})
    _told_already_saved(repeat, first)
    assert "changes were not saved" not in repeat.content.decode()
    assert (case.rows(), writes(case.user)) == (rows_once, writes_once)


def test_changes_made_after_going_back_are_not_saved_and_say_so(area: Area, person: Person) -> None:
    case = _case_note(area, person)
    client, key, first = _first(case)
    repeat = client.post(case.url, {"text": "Phoned: doing much better", FIELD: key})
    _told_already_saved(repeat, first)
    assert "those changes were not saved" in repeat.content.decode()
    assert list(CaseNote.objects.values_list("text", flat=True)) == [case.data["text"]]


def test_a_form_that_failed_keeps_its_key_so_the_corrected_submit_saves_once(
    area: Area, person: Person
) -> None:
    client = browser_for(area.therapist.user)
    url = f"/people/{person.pk}/screen/phq9"
    key = key_of(client.get(url).content.decode(), 'name="answers.1"')
    half = {f"answers.{n}": "1" for n in range(1, 5)}
    failed = client.post(url, {**half, FIELD: key})
    assert failed.status_code == 422
    assert key_of(failed.content.decode(), 'name="answers.1"') == key
    assert not Screening.objects.exists()  # the failed submit gave its key back
    assert client.post(url, {**PHQ9, FIELD: key}).status_code == 302
    # Back twice, to the form as first drawn (the same key), and sent again: nothing saved.
    assert ALREADY in client.post(url, {**PHQ9, FIELD: key}).content.decode()
    assert Screening.objects.count() == 1


def test_each_form_on_a_page_has_its_own_key(area: Area, person: Person) -> None:
    """The check-ups page: one form per check-up and one to schedule, all sent to one URL."""
    check_up = episodes.schedule_check_up(area.therapist, person.pk, date.today())
    client = browser_for(area.therapist.user)
    url = f"/people/{person.pk}/check-ups"
    html = client.get(url).content.decode()
    done, schedule = key_of(html, f'value="done.{check_up.pk}"'), key_of(html, 'value="schedule"')
    assert done != schedule
    action = f"done.{check_up.pk}"
    assert client.post(url, {"action": action, action: TODAY, FIELD: done}).status_code == 302
    scheduled = client.post(url, {"action": "schedule", "due": SOON, FIELD: schedule})
    assert scheduled.status_code == 302
    assert RecoveryCheckUp.objects.count() == 2


def test_a_page_drawn_again_keeps_each_form_s_key(area: Area, person: Person) -> None:
    """After a failed session, the course page is drawn again: both its forms keep their
    keys, so the end-course form is not taken for the session form, nor the reverse."""
    course = outcomes.start_course(area.therapist, person.pk)
    client = browser_for(area.therapist.user)
    page = client.get(f"/courses/{course.pk}").content.decode()
    session, end = key_of(page, 'name="session_number"'), key_of(page, "/end")
    failed = client.post(f"/courses/{course.pk}", {"session_number": "", FIELD: session})
    assert failed.status_code == 422
    again = failed.content.decode()
    assert (key_of(again, 'name="session_number"'), key_of(again, "/end")) == (session, end)


def test_the_key_is_kept_with_what_was_saved(area: Area, person: Person) -> None:
    case = _screening(area, person)
    _client, key, first = _first(case)
    row = IdempotencyKey.objects.get(key=key)
    screening = Screening.objects.get()
    assert (row.kind, row.record_id, row.person_id) == ("Screening", str(screening.pk), person.pk)
    assert (row.user, row.scope, row.location) == (case.user, f"web {case.url}", first["Location"])
    assert row.expires_at - row.created_at == timedelta(hours=24)


def test_a_repeat_is_audited(area: Area, person: Person) -> None:
    case = _case_note(area, person)
    client, key, _first_answer = _first(case)
    client.post(case.url, {**case.data, FIELD: key})
    event = AuditEvent.objects.get(action="submission.repeat")
    note = CaseNote.objects.get()
    assert (event.actor, event.person_id) == ("therapist", person.pk)
    assert event.reason == f"first saved CaseNote {note.pk}"


def test_an_expired_key_is_a_new_submit(area: Area, person: Person) -> None:
    case = _case_note(area, person)
    client, key, _first_answer = _first(case)
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.post(case.url, {**case.data, FIELD: key}).status_code == 302
    assert CaseNote.objects.count() == 2
    assert IdempotencyKey.objects.filter(key=key).count() == 1  # the expired one is gone


def test_a_key_is_the_user_s_own(area: Area, person: Person) -> None:
    """Someone else sending the same key (a copied page) is a submit of their own."""
    consent.record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    case = _case_note(area, person)
    _client, key, _first_answer = _first(case)
    other = browser_for(area.keyworker.user).post(case.url, {**case.data, FIELD: key})
    assert other.status_code == 302
    assert CaseNote.objects.count() == 2


def test_a_form_sent_without_a_key_still_saves(area: Area, person: Person) -> None:
    """Forms drawn before keys existed, and other clients of the pages, are not refused."""
    client = browser_for(area.therapist.user)
    for _ in range(2):
        assert client.post(f"/people/{person.pk}/notes", {"text": "A note"}).status_code == 302
    assert CaseNote.objects.count() == 2


def test_a_key_the_app_did_not_draw_is_refused(area: Area, person: Person) -> None:
    client = browser_for(area.therapist.user)
    response = client.post(f"/people/{person.pk}/notes", {"text": "A note", FIELD: "<made up>"})
    assert response.status_code == 400
    assert FIELD in response.content.decode()
    assert not CaseNote.objects.exists()


def test_htmx_shows_already_saved_in_place_of_the_page(area: Area, person: Person) -> None:
    case = _case_note(area, person)
    client, key, _first_answer = _first(case)
    repeat = client.post(case.url, {**case.data, FIELD: key}, headers={"HX-Request": "true"})
    assert ALREADY in repeat.content.decode()
    assert repeat["HX-Retarget"] == repeat["HX-Reselect"] == "#maincontent"


def test_a_repeat_without_the_csrf_token_is_refused(area: Area, person: Person) -> None:
    case = _case_note(area, person)
    _client, key, _first_answer = _first(case)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(case.user, backend="django.contrib.auth.backends.ModelBackend")
    assert strict.post(case.url, {**case.data, FIELD: key}).status_code == 403
