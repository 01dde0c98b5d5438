"""People: register, read, consent decisions, screenings."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from nowrongdoor.api.acting import actor_of
from nowrongdoor.api.schemas.common import ERRORS, PathId
from nowrongdoor.api.schemas.people import (
    ConsentCreate,
    ConsentPublic,
    PersonCreate,
    PersonPublic,
    ScreeningCreate,
    ScreeningPublic,
)
from nowrongdoor.services import clinical, consent, people

router = Router(tags=["people"])


@router.post("/people", response={201: PersonPublic, **ERRORS})
def register(request: HttpRequest, body: PersonCreate) -> Any:
    """Register a person at your service (this opens their first episode of care)."""
    person = people.register_person(actor_of(request), body.model_dump(exclude_defaults=True))
    return Status(201, person)


@router.get("/people/{person_id}", response={200: PersonPublic, **ERRORS})
def read(request: HttpRequest, person_id: PathId) -> Any:
    """A person's record, if your service cares for them or holds their consent."""
    return people.read_person(actor_of(request), person_id)


@router.post("/people/{person_id}/consents", response={201: ConsentPublic, **ERRORS})
def record_consent(request: HttpRequest, person_id: PathId, body: ConsentCreate) -> Any:
    """Record a consent decision (the latest for a service counts; withdrawal is at once)."""
    decision = consent.record_consent(
        actor_of(request),
        person_id,
        body.recipient_service,
        body.state,
        body.purpose,
        body.safeguarding_reason,
    )
    return Status(201, decision)


@router.post("/people/{person_id}/screenings", response={201: ScreeningPublic, **ERRORS})
def record_screening(request: HttpRequest, person_id: PathId, body: ScreeningCreate) -> Any:
    """Score and store a screening for the person."""
    screening = clinical.record_screening(
        actor_of(request), person_id, body.instrument, body.answers
    )
    return Status(201, screening)
