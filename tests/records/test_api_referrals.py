"""API: referrals sent with consent, the receiving inbox, accept, decline with a route."""

from __future__ import annotations

import pytest
from django.test import Client
from record_area import Area
from test_api import assert_refused, client_for, get, post, register, therapist

__all__ = ["therapist"]


@pytest.fixture
def keyworker(area: Area) -> Client:
    return client_for(area.keyworker)


def consented_referral(area: Area, therapist: Client) -> tuple[int, int]:
    """A person at Talking Therapies, referred to the Recovery Hub with their consent."""
    person_id = register(therapist)
    consent = {"recipient_service": area.drugs.pk, "state": "given"}
    assert post(therapist, f"/api/people/{person_id}/consents", consent)[0] == 201
    body = {"to_service": area.drugs.pk, "reason": "drinking most days"}
    status, referral = post(therapist, f"/api/people/{person_id}/referrals", body)
    assert (status, referral["status"], referral["to_service_id"]) == (201, "sent", area.drugs.pk)
    return person_id, referral["id"]


def test_the_receiving_service_sees_and_accepts_it(
    area: Area, therapist: Client, keyworker: Client
) -> None:
    person_id, referral_id = consented_referral(area, therapist)
    status, waiting = get(keyworker, "/api/referrals/inbox")
    assert (status, [r["id"] for r in waiting]) == (200, [referral_id])
    status, episode = post(keyworker, f"/api/referrals/{referral_id}/accept")
    assert (status, episode["service_id"], episode["person_id"]) == (200, area.drugs.pk, person_id)
    assert episode["status"] == "referral-received"
    assert get(keyworker, "/api/referrals/inbox") == (200, [])
    again = post(keyworker, f"/api/referrals/{referral_id}/accept")
    assert (again[0], again[1]["field"]) == (422, "referral")


def test_a_decline_needs_the_route_that_can_help(
    area: Area, therapist: Client, keyworker: Client
) -> None:
    _, referral_id = consented_referral(area, therapist)
    url = f"/api/referrals/{referral_id}/decline"
    assert post(keyworker, url, {})[1]["field"] == "alternative_route"
    assert post(keyworker, url, {"alternative_route": "  "})[1]["field"] == "alternative_route"
    status, declined = post(keyworker, url, {"alternative_route": "Elm Street Surgery"})
    assert (status, declined["status"]) == (200, "declined")
    assert declined["alternative_route"] == "Elm Street Surgery"


def test_no_consent_no_referral(area: Area, therapist: Client) -> None:
    person_id = register(therapist)
    body = {"to_service": area.drugs.pk, "reason": "drinking"}
    status, problem = post(therapist, f"/api/people/{person_id}/referrals", body)
    assert (status, problem["field"]) == (422, "consent")
    status, problem = post(therapist, f"/api/people/{person_id}/referrals", {"reason": "x"})
    assert (status, problem["field"]) == (422, "to_service")


def test_only_the_receiving_service_decides(area: Area, therapist: Client) -> None:
    person_id, referral_id = consented_referral(area, therapist)
    assert_refused(post(therapist, f"/api/referrals/{referral_id}/accept"), "referral.decide")
    gp = client_for(area.gp_doctor)
    body = {"to_service": area.drugs.pk, "reason": "drinking"}
    assert_refused(post(gp, f"/api/people/{person_id}/referrals", body), "referral.send")
    assert get(gp, "/api/referrals/inbox") == (200, [])
    assert post(therapist, "/api/referrals/999999/accept")[0] == 404
