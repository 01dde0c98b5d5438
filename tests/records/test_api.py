"""The REST API: the CLI contract over HTTP, the same access rules, one-line errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from record_area import Area

from nowrongdoor.api.auth import issue_token
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.services.actor import Actor


def client_for(actor: Actor) -> Client:
    return Client(headers={"Authorization": f"Bearer {issue_token(actor.user)}"})


def post(client: Client, url: str, body: Any = None) -> tuple[int, Any]:
    response = client.post(url, data=json.dumps(body or {}), content_type="application/json")
    return response.status_code, response.json()


def get(client: Client, url: str) -> tuple[int, Any]:
    response = client.get(url)
    return response.status_code, response.json()


def register(client: Client) -> int:
    """A person registered by `client`'s service, which opens an episode there."""
    status, person = post(client, "/api/people", {"given_name": "Jo", "family_name": "Ray"})
    assert status == 201
    return int(person["id"])


def assert_refused(answer: tuple[int, Any], action: str) -> None:
    """Answered like an unknown record, and the attempt audited as denied."""
    assert answer == (404, {"detail": "not found", "field": None})
    assert AuditEvent.objects.filter(action=action, outcome="denied").exists()


@pytest.fixture
def therapist(area: Area) -> Client:
    return client_for(area.therapist)


def test_score_mirrors_the_cli_contract(therapist: Client) -> None:
    status, body = post(therapist, "/api/score/audit", {"answers": [2, 1, 2, 1, 1, 0, 2, 2, 2, 1]})
    assert status == 200
    assert body == {
        "instrument": "audit",
        "total": 17,
        "band": "higher-risk",
        "items": [2, 1, 2, 1, 1, 0, 2, 2, 4, 2],
        "flags": ["dependence-symptoms", "harm-last-year"],
        "ignored": None,
    }


@pytest.mark.parametrize(
    ("url", "body", "detail"),
    [
        ("/api/score/phq9", {"answers": [0] * 8 + [4]}, "phq9: answer 9 is 4, expected 0-3"),
        ("/api/score/phq10", {"answers": [0]}, "phq10: unknown instrument"),
        ("/api/score/phq9", {"answrs": [0]}, "phq9: answrs: unknown field"),
        ("/api/assess", {"setting": "iapt", "scrrens": {}}, "scrrens: unknown field"),
        ("/api/assess", {"setting": "pub"}, "setting: must be one of"),
    ],
)
def test_bad_input_is_422_with_one_line_naming_the_field(
    therapist: Client, url: str, body: Any, detail: str
) -> None:
    status, answer = post(therapist, url, body)
    assert status == 422
    assert answer["detail"].startswith(detail)
    assert "\n" not in answer["detail"]


def test_assess_returns_the_assessment(therapist: Client) -> None:
    status, body = post(
        therapist, "/api/assess", {"setting": "iapt", "screens": {"phq9": [0] * 8 + [2]}}
    )
    assert status == 200
    assert body["schema"] == "nowrongdoor.assessment/1"
    assert body["recommendations"][0]["code"] == "RISK-SUICIDE"


def test_no_token_no_session_is_401(area: Area) -> None:
    status, body = post(Client(), "/api/score/phq9", {"answers": [0] * 9})
    assert status == 401
    assert body["detail"].startswith("sign in")
    bad = Client(headers={"Authorization": "Bearer nwd_not-a-token"})
    assert bad.get("/api/people/1").status_code == 401


def test_people_register_read_consent_and_screen(area: Area, therapist: Client) -> None:
    status, person = post(therapist, "/api/people", {"given_name": "Jo", "family_name": "Ray"})
    assert status == 201
    assert therapist.get(f"/api/people/{person['id']}").json()["given_name"] == "Jo"
    status, screening = post(
        therapist,
        f"/api/people/{person['id']}/screenings",
        {"instrument": "gad7", "answers": [2] * 7},
    )
    assert (status, screening["band"], screening["flags"]) == (201, "moderate", ["caseness"])
    keyworker = client_for(area.keyworker)
    assert keyworker.get(f"/api/people/{person['id']}").status_code == 404
    status, _ = post(
        therapist,
        f"/api/people/{person['id']}/consents",
        {"recipient_service": area.drugs.pk, "state": "given"},
    )
    assert status == 201
    assert keyworker.get(f"/api/people/{person['id']}").status_code == 200


def test_another_services_record_is_404_and_the_attempt_is_audited(
    area: Area, therapist: Client
) -> None:
    _, person = post(therapist, "/api/people", {"given_name": "Jo", "family_name": "Ray"})
    response = client_for(area.gp_doctor).get(f"/api/people/{person['id']}")
    assert response.status_code == 404
    assert response.json() == {"detail": "not found", "field": None}
    assert AuditEvent.objects.filter(action="person.read", outcome="denied", actor="gp").exists()


def test_an_unknown_record_is_404_like_a_refused_one(therapist: Client) -> None:
    assert get(therapist, "/api/people/999999") == (404, {"detail": "not found", "field": None})
    assert get(therapist, "/api/courses/999999/outcome")[0] == 404


def test_bad_nhs_number_is_422_naming_the_field(therapist: Client) -> None:
    status, body = post(
        therapist,
        "/api/people",
        {"given_name": "Jo", "family_name": "Ray", "nhs_number": "9434765918"},
    )
    assert status == 422
    assert body["field"] == "nhs_number"


def test_openapi_document_lists_the_operations(area: Area) -> None:
    schema = Client().get("/api/openapi.json").json()
    assert {
        "/api/score/{instrument}",
        "/api/assess",
        "/api/people",
        "/api/people/{person_id}",
    } <= set(schema["paths"])
    assert "PersonCreate" in schema["components"]["schemas"]


def test_a_cookie_that_is_no_session_key_is_401_not_a_server_error(area: Area) -> None:
    """PostgreSQL refuses a NUL byte in a query: such a cookie must never reach it."""
    client = Client()
    client.cookies["sessionid"] = "abc\x00defghijk"
    assert post(client, "/api/score/phq9", {"answers": [0] * 9})[0] == 401
