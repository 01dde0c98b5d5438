"""Outcome and discharge pages: TOP, Talking Therapies courses with the recovery chart,
episode steps, discharge with the App5 §6 checklist, recovery check-ups."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from record_area import Area

from nowrongdoor.guidance.outcomes import GAD7_CASENESS, PHQ9_CASENESS, TOP_FIELDS
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.care.models import DischargeType, EpisodeOfCare, EpisodeStatus
from nowrongdoor.records.coordination.models import DISCHARGE_CHECKLIST, RecoveryCheckUp
from nowrongdoor.records.outcomes.models import SessionMeasure, TherapyCourse, TopRecord
from nowrongdoor.records.people.models import Person
from nowrongdoor.services import episodes
from nowrongdoor.services.outcomes import record_session, record_top, start_course
from nowrongdoor.services.people import register_person
from nowrongdoor.web import recovery_chart

TODAY = date.today()
LONG_AGO = TODAY - timedelta(days=100)


@pytest.fixture
def person(area: Area) -> Person:
    return register_person(
        area.therapist, {"given_name": "Kit", "family_name": "Moss"}, referral_date=LONG_AGO
    )


@pytest.fixture
def course(area: Area, person: Person) -> TherapyCourse:
    """PHQ-9 18, 10, 6 and GAD-7 12, not taken, 5 over three sessions."""
    course = start_course(area.therapist, person.pk, LONG_AGO)
    for number, (phq9, gad7) in enumerate(((18, 12), (10, None), (6, 5)), start=1):
        on = LONG_AGO + timedelta(days=7 * number)
        record_session(area.therapist, course.pk, number, phq9, gad7, on=on)
    return course


def client_of(area: Area, who: str = "therapist") -> Client:
    client = Client()
    client.force_login(getattr(area, who).user)
    return client


def error_beside(html: str, field_id: str) -> str:
    """The error message shown beside a field (and linked from the summary), or ''."""
    assert f'href="#{field_id}"' in html, "the summary links to the field"
    hidden = r"\s*<span[^>]*>Error:\s*</span>"
    found = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>{hidden}(.*?)</span>', html, re.S)
    return found.group(1).strip() if found else ""


def test_outcomes_page_shows_tops_their_change_and_course_results(
    area: Area, person: Person, course: TherapyCourse
) -> None:
    record_top(area.therapist, person.pk, "start", {"alcohol_days": 24}, LONG_AGO)
    record_top(area.therapist, person.pk, "review", {"alcohol_days": 10}, TODAY)
    response = client_of(area).get(f"/people/{person.pk}/outcomes")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Review during treatment" in html
    assert "Cannabis: days used cannabis" not in html  # answered on neither record
    row = re.search(r"Alcohol: days drank alcohol</th>(.*?)</tr>", html, re.S)
    assert row is not None
    assert re.sub(r"<[^>]+>|\s+", " ", row.group(1)).split() == ["24", "10", "-14", "better"]
    assert f'href="/courses/{course.pk}"' in html
    assert re.search(r"Reliable improvement</dt>\s*<dd[^>]*>Yes", html)
    assert re.search(r"Recovery</dt>\s*<dd[^>]*>Yes", html)


@pytest.mark.parametrize(
    "page",
    [
        "/people/{person}/outcomes",
        "/people/{person}/top",
        "/courses/{course}",
        "/episodes/{episode}",
        "/episodes/{episode}/discharge",
        "/people/{person}/check-ups",
    ],
)
def test_another_service_gets_404_and_the_refusal_is_audited(
    area: Area, person: Person, course: TherapyCourse, page: str
) -> None:
    episode = person.episodes.get()
    address = page.format(person=person.pk, course=course.pk, episode=episode.pk)
    assert client_of(area, "gp_doctor").get(address).status_code == 404
    assert AuditEvent.objects.filter(actor="gp", outcome="denied", person_id=person.pk).exists()


def test_the_top_form_has_every_top_item_and_saves_blank_as_not_answered(
    area: Area, person: Person
) -> None:
    client = client_of(area)
    html = client.get(f"/people/{person.pk}/top").content.decode()
    for spec in TOP_FIELDS:
        assert f'name="{spec.name}"' in html, spec.name
    response = client.post(
        f"/people/{person.pk}/top",
        {
            "stage": "start",
            "date": "2026-01-05",
            "alcohol_days": "20",
            "alcohol_amount": "12.5",
            "shared_equipment": "no",
            "psychological_health": "",
        },
    )
    assert response.status_code == 302
    record = TopRecord.objects.get(person=person)
    assert (record.date, record.alcohol_days, record.alcohol_amount) == (date(2026, 1, 5), 20, 12.5)
    assert record.shared_equipment is False
    assert record.psychological_health is None


def test_a_bad_top_answer_is_shown_beside_its_field_with_nothing_lost(
    area: Area, person: Person
) -> None:
    response = client_of(area).post(
        f"/people/{person.pk}/top",
        {"stage": "exit", "date": "2026-01-05", "alcohol_days": "40", "alcohol_amount": "3.25"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert error_beside(html, "alcohol_days") == "40 is outside 0-28"
    assert 'value="40"' in html
    assert 'value="3.25"' in html
    assert re.search(r'value="exit"\s+checked', html)
    assert not TopRecord.objects.exists()


def test_starting_a_course_needs_a_date_and_only_one_open_course(
    area: Area, person: Person
) -> None:
    client = client_of(area)
    response = client.post(f"/people/{person.pk}/courses/start", {"started": "31/02/2026"})
    assert response.status_code == 422
    assert "enter a date" in error_beside(response.content.decode(), "started")
    assert 'value="31/02/2026"' in response.content.decode()
    response = client.post(f"/people/{person.pk}/courses/start", {"started": "2026-01-05"})
    course = TherapyCourse.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == f"/courses/{course.pk}"
    again = client.post(f"/people/{person.pk}/courses/start", {"started": "2026-01-06"})
    assert again.status_code == 422
    assert "still open" in error_beside(again.content.decode(), "started")


def test_a_session_is_recorded_and_a_bad_total_is_shown_beside_its_field(
    area: Area, course: TherapyCourse
) -> None:
    client = client_of(area)
    page = f"/courses/{course.pk}"
    bad = {"session_number": "4", "date": TODAY.isoformat(), "phq9_total": "30", "gad7_total": "7"}
    response = client.post(page, bad)
    html = response.content.decode()
    assert response.status_code == 422
    assert error_beside(html, "phq9_total") == "30 is outside 0-27"
    assert 'value="30"' in html
    assert 'value="7"' in html
    response = client.post(page, bad | {"phq9_total": ""})
    assert response.status_code == 302
    session = SessionMeasure.objects.get(course=course, session_number=4)
    assert (session.phq9_total, session.gad7_total) == (None, 7)


def test_the_recovery_chart_has_the_caseness_lines_and_one_point_per_measure(
    area: Area, course: TherapyCourse
) -> None:
    html = client_of(area).get(f"/courses/{course.pk}").content.decode()
    start = html.index('<svg class="nwd-recovery-chart"')
    svg = html[start : html.index("</svg>", start)]
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "<desc" in svg
    assert "style=" not in svg  # the CSP allows no inline style

    def group(instrument: str) -> str:
        return svg[svg.index(f'class="nwd-chart-{instrument}"') :].split("</g>")[0]

    phq9, gad7 = group("phq9"), group("gad7")
    assert 'data-caseness="10"' in phq9
    assert 'data-caseness="8"' in gad7
    assert phq9.count("<circle") == 3  # one per session with a PHQ-9 total
    assert gad7.count("<rect") == 2  # session 2 had no GAD-7: a gap, not a point
    caseness_y = re.search(r'data-caseness="10"[^>]*y1="([\d.]+)"', phq9)
    at_ten = re.search(r'cy="([\d.]+)" r="4"[^>]*><title>Session 2: PHQ-9 10<', phq9)
    assert caseness_y
    assert at_ten
    assert caseness_y.group(1) == at_ten.group(1)
    table = html[html.index('id="session-table"') :].split("</table>")[0]
    assert table.count("Not taken") == 1
    for total in ("18", "10", "6", "12", "5"):
        assert f">{total}</td>" in table


def test_the_chart_draws_caseness_where_the_results_judge_it() -> None:
    """The lines come from the instrument data; the results from the core: they must agree."""
    assert recovery_chart.caseness("phq9") == PHQ9_CASENESS
    assert recovery_chart.caseness("gad7") == GAD7_CASENESS


def test_ending_a_course_before_it_started_is_refused_beside_the_date(
    area: Area, course: TherapyCourse
) -> None:
    client = client_of(area)
    before = (LONG_AGO - timedelta(days=1)).isoformat()
    response = client.post(f"/courses/{course.pk}/end", {"ended": before})
    assert response.status_code == 422
    assert "before the course started" in error_beside(response.content.decode(), "ended")
    assert f'value="{before}"' in response.content.decode()
    assert client.post(f"/courses/{course.pk}/end", {"ended": TODAY.isoformat()}).status_code == 302
    course.refresh_from_db()
    assert course.ended == TODAY


def test_episode_steps_mark_assessed_then_start_treatment(area: Area, person: Person) -> None:
    client = client_of(area)
    episode = person.episodes.get()
    page = f"/episodes/{episode.pk}"
    assert "Mark assessed" in client.get(page).content.decode()
    too_early = (LONG_AGO - timedelta(days=1)).isoformat()
    response = client.post(page, {"step": "assessed", "assessed": too_early})
    assert response.status_code == 422
    assert "before the referral" in error_beside(response.content.decode(), "assessed")
    assert f'value="{too_early}"' in response.content.decode()
    assert client.post(page, {"step": "assessed", "assessed": TODAY.isoformat()}).status_code == 302
    on = TODAY.isoformat()
    assert (
        client.post(page, {"step": "treatment_started", "treatment_started": on}).status_code == 302
    )
    episode.refresh_from_db()
    assert (episode.status, episode.assessed) == (EpisodeStatus.IN_TREATMENT, TODAY)


def discharge_form(**changes: str) -> dict[str, str]:
    form = {f"checklist.{item}": "done" for item in DISCHARGE_CHECKLIST}
    form.update(discharged=TODAY.isoformat(), kind="planned", reason="goals met")
    form.update(changes)
    return form


def test_discharge_without_a_checklist_item_needs_a_reason_beside_the_item(
    area: Area, person: Person
) -> None:
    episode = person.episodes.get()
    episodes.start_treatment(area.therapist, episode.pk, LONG_AGO)
    client = client_of(area)
    page = f"/episodes/{episode.pk}/discharge"
    html = client.get(page).content.decode()
    for item in DISCHARGE_CHECKLIST:
        assert f'name="checklist.{item}"' in html
    for kind in DischargeType.values:
        assert f'name="kind" type="radio" value="{kind}"' in html
    form = discharge_form()
    del form["checklist.housing_support"]
    response = client.post(page, form)
    html = response.content.decode()
    assert response.status_code == 422
    assert error_beside(html, "checklist-housing_support").startswith("Not done")
    assert "goals met" in html  # the reason typed is kept
    for item in DISCHARGE_CHECKLIST:  # the ticks are kept, and the missing one stays blank
        ticked = re.search(rf'name="checklist.{item}"[^>]*value="done"\s+checked', html)
        assert bool(ticked) == (item != "housing_support"), item
    episode.refresh_from_db()
    assert episode.active
    reason = "housing team assessing next week"
    response = client.post(page, form | {"incomplete_reason": reason})
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.DISCHARGED
    assert episode.discharge_record.checklist["housing_support"] is False
    assert RecoveryCheckUp.objects.filter(person=person).count() == 3


def test_discharge_refuses_a_missing_reason_beside_the_field(area: Area, person: Person) -> None:
    episode = person.episodes.get()
    response = client_of(area).post(f"/episodes/{episode.pk}/discharge", discharge_form(reason=" "))
    assert response.status_code == 422
    assert error_beside(response.content.decode(), "reason") == "required"
    assert EpisodeOfCare.objects.get(pk=episode.pk).active


def test_check_ups_are_scheduled_and_marked_done(area: Area, person: Person) -> None:
    client = client_of(area)
    page = f"/people/{person.pk}/check-ups"
    response = client.post(page, {"action": "schedule", "due": "soon"})
    assert response.status_code == 422
    assert "enter a date" in error_beside(response.content.decode(), "due")
    assert 'value="soon"' in response.content.decode()
    due = (TODAY + timedelta(days=30)).isoformat()
    assert client.post(page, {"action": "schedule", "due": due}).status_code == 302
    check_up = RecoveryCheckUp.objects.get(person=person)
    field = f"done.{check_up.pk}"
    response = client.post(page, {"action": field, field: "yesterday"})
    assert response.status_code == 422
    assert "enter a date" in error_beside(response.content.decode(), f"done-{check_up.pk}")
    assert client.post(page, {"action": field, field: TODAY.isoformat()}).status_code == 302
    check_up.refresh_from_db()
    assert check_up.done == TODAY
    assert "Done on" in client.get(page).content.decode()


def test_every_form_carries_a_csrf_token(area: Area, person: Person, course: TherapyCourse) -> None:
    """The test client skips CSRF checks, so the token's presence is checked here."""
    client = client_of(area)
    episode = person.episodes.get().pk
    pages = (
        f"/people/{person.pk}/outcomes",
        f"/people/{person.pk}/top",
        f"/courses/{course.pk}",
        f"/episodes/{episode}",
        f"/episodes/{episode}/discharge",
        f"/people/{person.pk}/check-ups",
    )
    for page in pages:
        html = client.get(page).content.decode()
        forms = html.count('<form method="post"')
        assert forms > 0, page
        assert len(re.findall(r'name="csrfmiddlewaretoken" value="\w+"', html)) == forms, page
