"""People: register, read, consent decisions, screenings."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from nowrongdoor.api.acting import actor_of
from nowrongdoor.api.schemas.common import ERRORS, PathId
from nowrongdoor.api.schemas.people import (
    ConsentCreate,
    ConsentPublic,
    PeopleFoundPublic,
    PersonCreate,
    PersonPublic,
    ScreeningCreate,
    ScreeningPublic,
)
from nowrongdoor.services import clinical, consent, people

router = Router(tags=["people"])
PERSON_PUBLIC = ("given_name", "family_name", "nhs_number", "date_of_birth")


@router.post("/people", response={201: PersonPublic, **ERRORS})
def register(request: HttpRequest, body: PersonCreate) -> Any:
    """Register a person at your service (this opens their first episode of care).

    409 (naming `nhs_number`) if their NHS number is already recorded: a person has one
    record. 409 (naming `confirmed_different`) if someone your service may see has the same
    date of birth and a likely same name: check them (`GET /api/people`), then send
    `confirmed_different: true` if this is someone else.
    """
    details = body.model_dump(exclude_defaults=True)
    confirmed = bool(details.pop("confirmed_different", False))
    person = people.register_person(actor_of(request), details, confirmed_different=confirmed)
    return Status(201, person)


@router.get("/people", response={200: PeopleFoundPublic, **ERRORS})
def search(
    request: HttpRequest,
    q: Annotated[
        str,
        Query(
            max_length=200,
            description="all or the start of any part of the name; accents and case aside",
        ),
    ] = "",
    nhs_number: Annotated[str, Query(max_length=20, description="10 digits, spaces allowed")] = "",
    birth_date: Annotated[str, Query(max_length=10, description="YYYY-MM-DD")] = "",
) -> Any:
    """Find people your service may see (care relationship or consent) by name, NHS number
    or date of birth; every criterion given must match. The search is audited."""
    found = people.search_people(
        actor_of(request), q=q, nhs_number=nhs_number, birth_date=birth_date or None
    )
    return {
        "people": [
            {
                **{f: getattr(row.person, f) for f in PERSON_PUBLIC},
                "id": row.person.pk,
                "services": [
                    {"id": s.service.pk, "name": s.service.name, "open": s.open}
                    for s in row.services
                ],
            }
            for row in found.found
        ],
        "more": found.more,
    }


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
