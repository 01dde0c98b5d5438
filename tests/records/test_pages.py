"""The pages: sign in, caseload, a person's record with risk first; 404 for another service."""

from __future__ import annotations

import pytest
from django.test import Client
from record_area import Area

from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.people.models import Person
from nowrongdoor.services.clinical import record_screening
from nowrongdoor.services.people import register_person


@pytest.fixture
def person(area: Area) -> Person:
    person = register_person(area.therapist, {"given_name": "Kit", "family_name": "Moss"})
    record_screening(area.therapist, person.pk, "phq9", [0] * 8 + [1])
    return person


def signed_in(area: Area, who: str) -> Client:
    user = getattr(area, who).user
    user.set_password("correct horse battery staple")
    user.save()
    client = Client(enforce_csrf_checks=True)
    page = client.get("/sign-in")
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/sign-in",
        {
            "username": user.username,
            "password": "correct horse battery staple",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    return client


def test_sign_in_page_uses_the_nhsuk_frontend(area: Area) -> None:
    html = Client().get("/sign-in").content.decode()
    assert "nhsuk-frontend.min.css" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_wrong_password_shows_the_error_beside_the_field(area: Area) -> None:
    client = Client()
    response = client.post("/sign-in", {"username": "therapist", "password": "nope"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter a correct username and password" in html
    assert 'value="therapist"' in html  # nothing typed is lost


def test_pages_need_sign_in(area: Area) -> None:
    assert Client().get("/").status_code == 302


def test_caseload_lists_my_people_with_their_risk_flags(area: Area, person: Person) -> None:
    html = signed_in(area, "therapist").get("/").content.decode()
    assert "Kit Moss" in html
    assert "Thoughts of self-harm" in html


def test_person_page_shows_the_risk_flag_first(area: Area, person: Person) -> None:
    html = signed_in(area, "therapist").get(f"/people/{person.pk}").content.decode()
    assert html.index("Risk: Thoughts of self-harm") < html.index("Consent to share")


def test_another_service_gets_404_and_the_attempt_is_audited(area: Area, person: Person) -> None:
    response = signed_in(area, "gp_doctor").get(f"/people/{person.pk}")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="person.read", outcome="denied", actor="gp").exists()


def test_static_files_are_served(area: Area) -> None:
    response = Client().get("/static/nhsuk/nhsuk-frontend.min.css")
    assert response.status_code == 200


def test_pages_carry_a_content_security_policy_with_the_scripts_nonce(area: Area) -> None:
    response = Client().get("/sign-in")
    policy = response.headers["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_repeated_failed_sign_ins_lock_the_account_for_a_while(area: Area) -> None:
    user = area.therapist.user
    user.set_password("correct horse battery staple")
    user.save()
    client = Client()
    for _ in range(5):
        client.post("/sign-in", {"username": "therapist", "password": "wrong"})
    locked = client.post(
        "/sign-in", {"username": "therapist", "password": "correct horse battery staple"}
    )
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()


def test_a_cookie_that_is_no_session_key_is_signed_out_not_a_server_error(area: Area) -> None:
    """PostgreSQL refuses a NUL byte in a query: the pages never pass such a cookie on."""
    client = Client()
    client.cookies["sessionid"] = "abc\x00defghijk"
    assert client.get("/").status_code == 302  # to sign in
