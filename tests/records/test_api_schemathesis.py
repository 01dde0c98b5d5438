"""Schemathesis against the API's own OpenAPI document: generated requests for every
operation, as a seeded practitioner; no server error, every response as documented."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from record_area import Area
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from test_api import client_for, post, register

from nowrongdoor.api.auth import issue_token
from nowrongdoor.config.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def token(area: Area) -> str:
    """A practitioner with records to find: a person, their assessment, consent to share."""
    therapist = client_for(area.therapist)
    person_id = register(therapist)
    post(therapist, f"/api/people/{person_id}/assessments", {"setting": "iapt"})
    post(
        therapist,
        f"/api/people/{person_id}/consents",
        {"recipient_service": area.drugs.pk, "state": "given"},
    )
    return issue_token(area.therapist.user)


@pytest.fixture
def headers(token: str) -> Iterator[dict[str, str]]:
    """The practitioner's bearer token. Generated requests go straight to the WSGI app, which
    closes the database connection after each (ending the test's transaction on
    PostgreSQL); as Django's test client does, that is held off while they run."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {token}"}
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@schema.parametrize()
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_documented(case: Any, headers: dict[str, str]) -> None:
    case.call_and_validate(headers=headers, checks=CHECKS)
