"""API: the named care coordinator, the care plan's versions (409 on a lost update), case
notes and recovery goals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from record_area import Area
from test_api import assert_refused, client_for, get, post, register, therapist

__all__ = ["therapist"]
NEXT_MONTH = (date.today() + timedelta(days=30)).isoformat()


@pytest.fixture
def person_id(therapist: Client) -> int:
    return register(therapist)


def test_naming_and_handing_over_the_coordinator(
    area: Area, therapist: Client, person_id: int
) -> None:
    url = f"/api/people/{person_id}/coordinator"
    assert get(therapist, url) == (
        404,
        {"detail": "coordinator: none is named yet", "field": "coordinator"},
    )
    status, named = post(therapist, url, {"coordinator": area.therapist.user.pk, "basis": "cpa"})
    assert (status, named["coordinator_id"], named["ended"]) == (201, area.therapist.user.pk, None)
    assert get(therapist, url)[1]["id"] == named["id"]
    again = post(therapist, url, {"coordinator": area.therapist.user.pk, "basis": "cpa"})
    assert (again[0], again[1]["field"]) == (422, "coordinator")
    handover = {"coordinator": area.keyworker.user.pk, "note": "moving to the hub"}
    refused = post(therapist, f"{url}/hand-over", handover)  # the hub cannot see them yet
    assert (refused[0], refused[1]["field"]) == (422, "coordinator")
    consent = {"recipient_service": area.drugs.pk, "state": "given"}
    post(therapist, f"/api/people/{person_id}/consents", consent)
    status, next_one = post(therapist, f"{url}/hand-over", handover)
    assert (status, next_one["coordinator_id"]) == (201, area.keyworker.user.pk)
    assert get(therapist, url)[1]["service_id"] == area.drugs.pk


def test_coordinator_bad_input_and_refusal(area: Area, therapist: Client, person_id: int) -> None:
    url = f"/api/people/{person_id}/coordinator"
    bad = post(therapist, url, {"coordinator": area.therapist.user.pk, "basis": "friend"})
    assert (bad[0], bad[1]["field"]) == (422, "basis")
    gp = client_for(area.gp_doctor)
    body = {"coordinator": area.gp_doctor.user.pk, "basis": "cpa"}
    assert_refused(post(gp, url, body), "coordinator.name")
    assert_refused(get(gp, url), "person.read")


def test_care_plan_versions_and_a_lost_update_is_409(therapist: Client, person_id: int) -> None:
    url = f"/api/people/{person_id}/care-plan"
    assert get(therapist, url)[0] == 404
    first = {"expected_version": 0, "sections": {"needs": "housing"}, "next_review": NEXT_MONTH}
    status, version = post(therapist, url, first)
    assert (status, version["number"], version["change_summary"]) == (201, 1, "needs")
    stale = {**first, "sections": {"needs": "a flat"}}
    status, problem = post(therapist, url, stale)
    assert status == 409
    assert problem["detail"].startswith("care plan: changed by someone else since version 0")
    second = {"expected_version": 1, "sections": {"crisis_plan": "call"}, "next_review": NEXT_MONTH}
    assert post(therapist, url, second)[0] == 201
    status, current = get(therapist, url)
    assert (status, current["number"]) == (200, 2)
    assert (current["sections"]["needs"], current["sections"]["crisis_plan"]) == ("housing", "call")
    assert [v["number"] for v in get(therapist, f"{url}/versions")[1]] == [2, 1]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sections": {"wishes": "x"}}, "sections.wishes"),
        ({"next_review": "01/02/2030"}, "next_review"),
        ({"next_review": "2001-01-01"}, "next_review"),
        ({"expected_version": -1}, "expected_version"),
        ({"agreed_with_person": "yes"}, "agreed_with_person"),
    ],
)
def test_care_plan_bad_input_is_422_naming_the_field(
    therapist: Client, person_id: int, change: dict[str, object], field: str
) -> None:
    body = {"expected_version": 0, "sections": {}, "next_review": NEXT_MONTH, **change}
    status, problem = post(therapist, f"/api/people/{person_id}/care-plan", body)
    assert (status, problem["field"]) == (422, field)


def test_care_plan_refused(area: Area, person_id: int) -> None:
    body = {"expected_version": 0, "sections": {}, "next_review": NEXT_MONTH}
    gp = client_for(area.gp_doctor)
    assert_refused(post(gp, f"/api/people/{person_id}/care-plan", body), "care_plan.revise")


def test_case_notes(area: Area, therapist: Client, person_id: int) -> None:
    url = f"/api/people/{person_id}/case-notes"
    status, note = post(therapist, url, {"text": "phoned; doing better"})
    assert (status, note["text"]) == (201, "phoned; doing better")
    assert [n["id"] for n in get(therapist, url)[1]] == [note["id"]]
    assert post(therapist, url, {"text": " "})[1]["field"] == "text"
    assert post(therapist, url, {"text": "x", "urgent": True})[1]["field"] == "urgent"
    assert_refused(post(client_for(area.gp_doctor), url, {"text": "x"}), "case_note.add")


def test_recovery_goals_and_their_review(area: Area, therapist: Client, person_id: int) -> None:
    url = f"/api/people/{person_id}/recovery-goals"
    status, goal = post(therapist, url, {"in_their_words": "walk the dog every day"})
    assert (status, goal["written_by_person"]) == (201, False)
    assert [g["id"] for g in get(therapist, url)[1]] == [goal["id"]]
    review = f"/api/recovery-goals/{goal['id']}/review"
    status, reviewed = post(therapist, review, {"achieved": True, "on": date.today().isoformat()})
    assert (status, reviewed["achieved"], reviewed["last_reviewed"]) == (
        200,
        True,
        date.today().isoformat(),
    )
    assert post(therapist, review, {"achieved": True, "on": "today"})[1]["field"] == "on"
    body = {"achieved": False, "on": date.today().isoformat()}
    assert_refused(post(client_for(area.gp_doctor), review, body), "recovery_goal.review")
    assert post(therapist, "/api/recovery-goals/999999/review", body)[0] == 404
