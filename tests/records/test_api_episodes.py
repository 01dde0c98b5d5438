"""API: an episode moving along (assessed, treatment, discharge with the App5 §6
checklist) and the recovery check-ups after it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from record_area import Area
from test_api import assert_refused, client_for, get, post, register, therapist

from nowrongdoor.records.coordination.models import DISCHARGE_CHECKLIST

__all__ = ["therapist"]
TODAY = date.today().isoformat()
ALL_DONE = dict.fromkeys(DISCHARGE_CHECKLIST, True)


@pytest.fixture
def episode(therapist: Client) -> tuple[int, int]:
    """A person registered today, and their episode at Talking Therapies."""
    person_id = register(therapist)
    status, episodes = get(therapist, f"/api/people/{person_id}/episodes")
    assert (status, [e["status"] for e in episodes]) == (200, ["referral-received"])
    return person_id, episodes[0]["id"]


def discharge_body(**change: Any) -> dict[str, Any]:
    return {"on": TODAY, "kind": "planned", "reason": "goals met", "checklist": ALL_DONE, **change}


def test_assessed_treated_and_discharged_with_check_ups(
    area: Area, therapist: Client, episode: tuple[int, int]
) -> None:
    person_id, episode_id = episode
    # After discharge only consent lets the service see the person (and its check-ups).
    consent = {"recipient_service": area.iapt.pk, "state": "given"}
    assert post(therapist, f"/api/people/{person_id}/consents", consent)[0] == 201
    status, assessed = post(therapist, f"/api/episodes/{episode_id}/assessed", {"on": TODAY})
    assert (status, assessed["status"], assessed["assessed"]) == (200, "assessed", TODAY)
    again = post(therapist, f"/api/episodes/{episode_id}/assessed", {"on": TODAY})
    assert (again[0], again[1]["field"]) == (422, "episode")
    status, treated = post(therapist, f"/api/episodes/{episode_id}/treatment", {"on": TODAY})
    assert (status, treated["status"]) == (200, "in-treatment")
    status, record = post(therapist, f"/api/episodes/{episode_id}/discharge", discharge_body())
    assert (status, record["checklist"], record["episode_id"]) == (201, ALL_DONE, episode_id)
    status, check_ups = get(therapist, f"/api/people/{person_id}/check-ups")
    assert status == 200
    assert [c["due"] for c in check_ups] == [
        (date.today() + timedelta(days=d)).isoformat() for d in (30, 91, 182)
    ]
    status, episodes = get(therapist, f"/api/people/{person_id}/episodes")
    assert (episodes[0]["status"], episodes[0]["discharge_type"]) == ("discharged", "planned")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"checklist": {**ALL_DONE, "housing_support": False}}, "checklist.housing_support"),
        ({"checklist": {"pets": True}}, "checklist.pets"),
        ({"kind": "escaped"}, "kind"),
        ({"reason": ""}, "reason"),
        ({"on": "2024-13-01"}, "on"),
        ({"on": 20240101}, "on"),
    ],
)
def test_discharge_bad_input_is_422_naming_the_field(
    therapist: Client, episode: tuple[int, int], change: dict[str, Any], field: str
) -> None:
    _, episode_id = episode
    status, problem = post(
        therapist, f"/api/episodes/{episode_id}/discharge", discharge_body(**change)
    )
    assert (status, problem["field"]) == (422, field)


def test_an_incomplete_checklist_needs_a_reason(
    therapist: Client, episode: tuple[int, int]
) -> None:
    _, episode_id = episode
    body = discharge_body(kind="unplanned", checklist={}, incomplete_reason="did not return")
    status, record = post(therapist, f"/api/episodes/{episode_id}/discharge", body)
    assert (status, record["incomplete_reason"]) == (201, "did not return")
    assert not any(record["checklist"].values())


def test_another_service_may_not_move_the_episode(area: Area, episode: tuple[int, int]) -> None:
    _, episode_id = episode
    gp = client_for(area.gp_doctor)
    assert_refused(
        post(gp, f"/api/episodes/{episode_id}/assessed", {"on": TODAY}), "episode.assessed"
    )
    discharge = post(gp, f"/api/episodes/{episode_id}/discharge", discharge_body())
    assert_refused(discharge, "episode.discharge")
    assert post(gp, "/api/episodes/999999/treatment", {"on": TODAY})[0] == 404


def test_check_ups_scheduled_and_done(
    area: Area, therapist: Client, episode: tuple[int, int]
) -> None:
    person_id, _ = episode
    due = (date.today() + timedelta(days=7)).isoformat()
    status, check_up = post(therapist, f"/api/people/{person_id}/check-ups", {"due": due})
    assert (status, check_up["due"], check_up["done"]) == (201, due, None)
    done_url = f"/api/check-ups/{check_up['id']}/done"
    assert_refused(post(client_for(area.gp_doctor), done_url, {"on": TODAY}), "check_up.done")
    status, done = post(therapist, done_url, {"on": TODAY})
    assert (status, done["done"]) == (200, TODAY)
    again = post(therapist, done_url, {"on": TODAY})
    assert (again[0], again[1]["field"]) == (422, "check_up")
    bad = post(therapist, f"/api/people/{person_id}/check-ups", {"due": "3000-01-01"})
    assert (bad[0], bad[1]["field"]) == (422, "due")
