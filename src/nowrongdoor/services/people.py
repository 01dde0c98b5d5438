"""Registering people and reading their record."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from nowrongdoor.errors import AccessDenied, InputError
from nowrongdoor.records.care.models import EpisodeOfCare, EpisodeStatus
from nowrongdoor.records.directory.models import CLINICAL_ROLES
from nowrongdoor.records.people.models import Person
from nowrongdoor.services import access, audit, use_case
from nowrongdoor.services.actor import Actor

PERSON_FIELDS = {
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "phone",
    "email",
    "address",
    "ethnicity",
    "sex",
    "gender_identity",
    "sexual_orientation",
    "religion",
    "disability",
}


def _validated(person: Person) -> None:
    try:
        person.full_clean(exclude=["user"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise InputError(field, f"{field}: {messages[0]}") from None


def register_person(
    actor: Actor, details: dict[str, Any], referral_date: date | None = None
) -> Person:
    """Register a person at the actor's service, which opens their first episode of care."""
    unknown = set(details) - PERSON_FIELDS
    if unknown:
        field = sorted(unknown)[0]
        raise InputError(field, f"{field}: unknown field")
    with use_case(actor):
        if actor.role not in CLINICAL_ROLES or actor.service is None:
            raise AccessDenied(
                "only staff of a service can register a person", action="person.register"
            )
        person = Person(**{k: ("" if v is None else v) for k, v in details.items()})
        person.nhs_number = (person.nhs_number or "").replace(" ", "") or None
        person.date_of_birth = details.get("date_of_birth")
        _validated(person)
        if person.date_of_birth and person.date_of_birth > date.today():
            raise InputError("date_of_birth", "date_of_birth: must not be in the future")
        person.save()
        episode = EpisodeOfCare.objects.create(
            person=person,
            service=actor.service,
            status=EpisodeStatus.REFERRAL_RECEIVED,
            referral_received=referral_date or date.today(),
        )
        audit.record(actor, "person.register", person_id=person.pk, obj=person)
        audit.record(actor, "episode.open", person_id=person.pk, obj=episode)
    return person


def read_person(actor: Actor, person_id: int, reason: str = "") -> Person:
    """A person's record, if the actor may see it; the read is audited either way."""
    with use_case(actor):
        person, ground = access.person_with_ground(actor, person_id, "person.read")
        audit.record(actor, "person.read", person_id=person.pk, obj=person, reason=reason or ground)
    return person
