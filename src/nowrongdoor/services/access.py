"""Who may see a person's record: a care relationship, consent, or a safeguarding override.

A practitioner sees a person only through a service that has an active episode of care with
them, or recovery check-ups still due with them after discharge, or the person's latest
consent decision for that service is "given" (or a recorded safeguarding override).
Commissioners and administrators see no identifiable record. The person sees their own.
Withdrawal takes effect at once: only the latest decision counts.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from nowrongdoor.errors import AccessDenied, InputError
from nowrongdoor.records.care.models import Consent, ConsentState, EpisodeOfCare, EpisodeStatus
from nowrongdoor.records.coordination.models import RecoveryCheckUp
from nowrongdoor.records.directory.models import CLINICAL_ROLES, Role, Service
from nowrongdoor.records.people.models import Person
from nowrongdoor.services import checks
from nowrongdoor.services.actor import Actor

# What a person may do with their own record; everything else is staff work.
PERSON_ACTIONS = frozenset(
    {"person.read", "person.export", "consent.record", "recovery_goal.add", "outcome.read"}
)


def _open_episodes(person: Person | OuterRef, service: Service) -> QuerySet[EpisodeOfCare]:
    """The service's episodes of care with the person that are not discharged."""
    episodes = EpisodeOfCare.objects.filter(person=person, service=service)
    return episodes.exclude(status=EpisodeStatus.DISCHARGED)


def why_allowed(actor: Actor, person: Person, action: str = "person.read") -> str | None:
    """The ground on which `actor` may do `action` on `person`'s record, or None."""
    if actor.role == Role.PERSON:
        own = person.user_id == actor.user.pk and action in PERSON_ACTIONS
        return "own record" if own else None
    if actor.role not in CLINICAL_ROLES or actor.service is None:
        return None
    if _open_episodes(person, actor.service).exists():
        return "active episode of care"
    return _ground_without_episode(person.pk, actor.service)


def _ground_without_episode(person_id: int, service: Service) -> str | None:
    """After (or without) an episode: recovery check-ups still due, then consent."""
    if RecoveryCheckUp.objects.filter(
        person_id=person_id, service=service, done__isnull=True
    ).exists():
        return "recovery check-up due"  # care continues after discharge (UK-ALC 2.6.5)
    return sharing_ground(person_id, service.pk)


def _denied(actor: Actor, person: Person, action: str) -> AccessDenied:
    return AccessDenied(
        f"{actor.user.get_username()} has no care relationship or consent for this person",
        action=action,
        person_id=person.pk,
    )


def require(actor: Actor, person: Person, action: str) -> str:
    """Allow (returning the ground), or raise `AccessDenied`, which `use_case` audits."""
    ground = why_allowed(actor, person, action)
    if ground is None:
        raise _denied(actor, person, action)
    return ground


def latest_consent(person_id: int, service_id: int, purpose: str = "care") -> Consent | None:
    """The decision that counts: the last one recorded (row order, not a stated time, so an
    imported or back-dated decision can never outrank a later withdrawal) for the purpose."""
    return (
        Consent.objects.filter(person_id=person_id, recipient_id=service_id, purpose=purpose)
        .order_by("-pk")
        .first()
    )


def sharing_ground(person_id: int, service_id: int) -> str | None:
    """Why the person's record may be shared with a service (its latest decision), or None."""
    return ground_of(latest_consent(person_id, service_id))


def ground_of(decision: Consent | None) -> str | None:
    """The ground a consent decision gives for sharing: consent, an override, or none."""
    if decision is None:
        return None
    if decision.safeguarding_override:
        return "safeguarding override"
    return "consent to share" if decision.state == ConsentState.GIVEN else None


def person_for(actor: Actor, person_id: int, action: str) -> Person:
    """The person, if they exist and `actor` may act on their record for `action`."""
    return person_with_ground(actor, person_id, action)[0]


def person_with_ground(actor: Actor, person_id: int, action: str) -> tuple[Person, str]:
    """The person and the ground `require` gives, the care check made in the same query
    as the fetch for staff (one round trip fewer on every use case about a person)."""
    people = Person.objects.filter(pk=checks.an_id(person_id, "person"))
    service = actor.service if actor.role in CLINICAL_ROLES else None
    if service is not None:
        people = people.annotate(in_care=Exists(_open_episodes(OuterRef("pk"), service)))
    person = people.first()
    if person is None:
        raise InputError("person", f"person: {person_id} not found")
    if service is None:
        return person, require(actor, person, action)
    in_care: bool = person.in_care  # type: ignore[attr-defined]  # the annotation above
    ground = "active episode of care" if in_care else _ground_without_episode(person.pk, service)
    if ground is None:
        raise _denied(actor, person, action)
    return person, ground
