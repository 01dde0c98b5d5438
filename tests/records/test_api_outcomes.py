"""API: TOP interviews and the change between two; Talking Therapies courses, their
sessions and the outcome computed from them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from record_area import Area
from test_api import assert_refused, client_for, get, post, register, therapist

__all__ = ["therapist"]


@pytest.fixture
def person_id(therapist: Client) -> int:
    return register(therapist)


def top(stage: str, **answers: Any) -> dict[str, Any]:
    return {"stage": stage, "on": "2025-01-10", "answers": answers}


def test_two_top_records_and_the_change_between_them(therapist: Client, person_id: int) -> None:
    url = f"/api/people/{person_id}/top-records"
    status, start = post(therapist, url, top("start", alcohol_days=20, alcohol_amount=12.5))
    assert (status, start["answers"]["alcohol_days"], start["answers"]["opioids_days"]) == (
        201,
        20,
        None,
    )
    status, review = post(therapist, url, top("review", alcohol_days=8, alcohol_amount="6.25"))
    assert status == 201
    assert [r["stage"] for r in get(therapist, url)[1]] == ["start", "review"]
    status, changes = get(therapist, f"/api/top-records/{start['id']}/change/{review['id']}")
    alcohol = next(c for c in changes if c["field"] == "alcohol_days")
    assert (status, alcohol["change"], alcohol["direction"]) == (200, -12, "better")
    opioids = next(c for c in changes if c["field"] == "opioids_days")
    assert (opioids["direction"], opioids["reason"]) == (
        None,
        "not answered on the earlier and later record",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (top("start", alcohol_days=29), "answers.alcohol_days"),
        (top("start", beer_days=3), "answers.beer_days"),
        (top("start", alcohol_amount="1.234"), "answers.alcohol_amount"),
        (top("start", vehicle_theft="no"), "answers.vehicle_theft"),
        (top("middle"), "stage"),
    ],
)
def test_top_bad_input_is_422_naming_the_field(
    therapist: Client, person_id: int, body: dict[str, Any], field: str
) -> None:
    status, problem = post(therapist, f"/api/people/{person_id}/top-records", body)
    assert (status, problem["field"]) == (422, field)


def test_top_refused_for_another_service(area: Area, therapist: Client, person_id: int) -> None:
    _, record = post(therapist, f"/api/people/{person_id}/top-records", top("start"))
    gp = client_for(area.gp_doctor)
    assert_refused(post(gp, f"/api/people/{person_id}/top-records", top("start")), "top.record")
    change = f"/api/top-records/{record['id']}/change/{record['id']}"
    assert_refused(get(gp, change), "outcome.read")
    assert get(therapist, f"/api/top-records/{record['id']}/change/999999")[0] == 404


def test_a_course_its_sessions_and_its_outcome(therapist: Client, person_id: int) -> None:
    status, course = post(therapist, f"/api/people/{person_id}/courses", {"started": "2025-01-06"})
    assert (status, course["ended"]) == (201, None)
    again = post(therapist, f"/api/people/{person_id}/courses", {})
    assert (again[0], again[1]["field"]) == (422, "course")
    sessions = f"/api/courses/{course['id']}/sessions"
    for number, phq9, gad7 in ((1, 18, 14), (2, 4, 3)):
        body = {
            "session_number": number,
            "phq9_total": phq9,
            "gad7_total": gad7,
            "on": "2025-01-20",
        }
        assert post(therapist, sessions, body)[0] == 201
    status, ended = post(therapist, f"/api/courses/{course['id']}/end", {"ended": "2025-02-01"})
    assert (status, ended["ended"]) == (200, "2025-02-01")
    status, outcome = get(therapist, f"/api/courses/{course['id']}/outcome")
    assert (status, outcome["treatment_sessions"], outcome["recovered"]) == (200, 2, True)
    assert [c["id"] for c in get(therapist, f"/api/people/{person_id}/courses")[1]] == [
        course["id"]
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"session_number": 0, "phq9_total": 3, "gad7_total": 3}, "session_number"),
        ({"session_number": 1, "phq9_total": 28, "gad7_total": 3}, "phq9_total"),
        ({"session_number": 1, "phq9_total": 3, "gad7_total": "3"}, "gad7_total"),
        ({"session_number": 1, "phq9_total": 3, "gad7_total": 3, "on": "2020-01-01"}, "date"),
    ],
)
def test_session_bad_input_is_422_naming_the_field(
    therapist: Client, person_id: int, body: dict[str, Any], field: str
) -> None:
    _, course = post(therapist, f"/api/people/{person_id}/courses", {"started": "2025-01-06"})
    status, problem = post(therapist, f"/api/courses/{course['id']}/sessions", body)
    assert (status, problem["field"]) == (422, field)


def test_only_the_courses_own_service_records_it(
    area: Area, therapist: Client, person_id: int
) -> None:
    _, course = post(therapist, f"/api/people/{person_id}/courses", {})
    consent = {"recipient_service": area.drugs.pk, "state": "given"}
    post(therapist, f"/api/people/{person_id}/consents", consent)
    keyworker = client_for(area.keyworker)  # may read the person, not write the course
    assert get(keyworker, f"/api/courses/{course['id']}/outcome")[0] == 200
    body = {"session_number": 1, "phq9_total": 3, "gad7_total": 3}
    assert_refused(post(keyworker, f"/api/courses/{course['id']}/sessions", body), "session.record")
    assert_refused(
        get(client_for(area.gp_doctor), f"/api/courses/{course['id']}/outcome"), "outcome.read"
    )
