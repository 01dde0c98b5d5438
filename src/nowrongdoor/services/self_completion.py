"""Questionnaires the person answers themselves: by a single-use link, or in their own space.

A practitioner who may screen the person makes the link; only the token's hash is kept.
Answering spends the link, so it cannot be replayed; an expired link is refused. The
screening is saved for the service that asked, and audited as answered by the person.
When the person stops sharing with a service, its open links are cancelled (they expire at
once): the person is not left answering for a service they have just said no to.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from nowrongdoor.errors import AccessDenied, InputError
from nowrongdoor.guidance import instruments
from nowrongdoor.guidance.scoring import score_positions
from nowrongdoor.records.clinical.models import Screening, SelfCompletionLink
from nowrongdoor.records.directory.models import Role
from nowrongdoor.services import access, audit, checks, use_case
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.clinical import store_screening

VALID_FOR = timedelta(days=3)
UNUSABLE = "link: this link has expired or has already been used; ask your service for a new one"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_link(actor: Actor, person_id: int, instrument: str) -> tuple[SelfCompletionLink, str]:
    """A new link and its token (shown once: only its hash is stored)."""
    instruments.load(instrument)  # an unknown instrument is an InputError naming it
    token = secrets.token_urlsafe(24)
    with use_case(actor):
        person = access.person_for(actor, person_id, "screening.record")
        assert actor.service is not None
        link = SelfCompletionLink.objects.create(
            person=person,
            service=actor.service,
            instrument=instrument,
            token_sha256=_hash(token),
            created_by=actor.user,
            expires_at=timezone.now() + VALID_FOR,
        )
        audit.record(actor, "self_link.create", person_id=person.pk, obj=link)
    return link, token


def _open(link: SelfCompletionLink | None) -> SelfCompletionLink:
    if link is None or link.screening_id is not None or link.expires_at <= timezone.now():
        raise InputError("link", UNUSABLE)
    return link


def cancel_open_links(actor: Actor, person_id: int, service_id: int, why: str) -> int:
    """Expire the service's open links for the person now, each cancellation audited; call
    inside the use case that decided it. Returns how many were cancelled."""
    now = timezone.now()
    links = SelfCompletionLink.objects.select_for_update().filter(
        person_id=person_id, service_id=service_id, screening__isnull=True, expires_at__gt=now
    )
    cancelled = 0
    for link in links:
        SelfCompletionLink.objects.filter(pk=link.pk).update(expires_at=now)
        audit.record(actor, "self_link.cancel", person_id=person_id, obj=link, reason=why)
        cancelled += 1
    return cancelled


def link_for_token(token: str) -> SelfCompletionLink:
    """The open link a token names, or `InputError` (expired, used or unknown look alike)."""
    found = SelfCompletionLink.objects.filter(token_sha256=_hash(token)).first()
    return _open(found)


def open_links(actor: Actor) -> list[SelfCompletionLink]:
    """The questionnaires waiting for the signed-in person."""
    return list(
        SelfCompletionLink.objects.filter(
            person__user=actor.user, screening__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("service")
        .order_by("created_at")
    )


def link_of_person(actor: Actor, link_id: int) -> SelfCompletionLink:
    """One of the signed-in person's own open questionnaires; anyone else's is refused."""
    found = (
        SelfCompletionLink.objects.filter(pk=checks.an_id(link_id, "link"))
        .select_related("person")
        .first()
    )
    with use_case(actor):  # a refusal is audited
        if found is not None and (
            actor.role != Role.PERSON or found.person.user_id != actor.user.pk
        ):
            raise AccessDenied(
                "not this person's questionnaire",
                action="self_link.open",
                person_id=found.person_id,
            )
    return _open(found)


def answer(link: SelfCompletionLink, answers: list[int], by: Actor | None = None) -> Screening:
    """Score and save the person's answers, spending the link in the same transaction.

    `by` is the signed-in person answering in their own space; with a bare link nobody is
    signed in, so the event is recorded under the practitioner who made the link, naming it.
    """
    loaded = instruments.load(link.instrument)
    score = score_positions(loaded, answers)
    requester = Actor.of(link.created_by, service=link.service)
    actor = by if by is not None else requester
    with use_case(actor):
        spent = SelfCompletionLink.objects.filter(
            pk=link.pk, screening__isnull=True, expires_at__gt=timezone.now()
        ).select_for_update()
        if not spent.exists():
            raise InputError("link", UNUSABLE)
        screening = store_screening(
            link.person, link.service, loaded, answers, score, requester.user
        )
        spent.update(screening=screening)
        audit.record(
            actor,
            "screening.self_complete",
            person_id=link.person_id,
            obj=screening,
            reason=f"answered by the person through self-completion link {link.pk}",
        )
    return screening
