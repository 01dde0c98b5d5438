"""Who is calling, and reading a person's record the way the pages do."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja import Body

from nowrongdoor.records.people.models import Person
from nowrongdoor.services import people
from nowrongdoor.services.access import Sight
from nowrongdoor.services.actor import Actor

JSON_BODY: Any = Body(...)  # type: ignore[type-arg]  # ninja.Body is generic only for typing


def actor_of(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User)  # the API's auth has run
    return Actor.of(user)


def readable_person(request: HttpRequest, person_id: int) -> Person:
    """Listing part of a record is a read of it: checked and audited by `read_person`."""
    return people.read_person(actor_of(request), person_id)


def readable_record(request: HttpRequest, person_id: int) -> Sight:
    """The caller's sight of a person's record (checked and audited by `read_record`):
    every list of part of the record goes through `Sight.rows` (docs/decisions/0018)."""
    return people.read_record(actor_of(request), person_id)
