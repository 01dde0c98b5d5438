"""Recording and withdrawing consent to share with another service (UK-ALC 2.2.4).

What a decision means (docs/decisions/0018): a service caring for the person always sees
what it recorded itself; the person's consent governs what it sees from other services and
what it receives. Stopping sharing takes effect at once and cancels the service's open
self-completion links.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from nowrongdoor.errors import AccessDenied, InputError
from nowrongdoor.records.care.models import Consent, ConsentState
from nowrongdoor.records.directory.models import Role, Service
from nowrongdoor.services import access, audit, backdating, checks, self_completion, use_case
from nowrongdoor.services.actor import Actor


@dataclass(frozen=True)
class Decision:
    """A consent decision as recorded, and how many open questionnaires it cancelled."""

    consent: Consent
    links_cancelled: int


def record_consent(
    actor: Actor,
    person_id: int,
    recipient_id: int,
    state: str,
    purpose: str = "care",
    safeguarding_reason: str = "",
    on: date | None = None,
) -> Consent:
    """A new consent decision (`decide`, without what it cancelled)."""
    return decide(actor, person_id, recipient_id, state, purpose, safeguarding_reason, on).consent


def decide(
    actor: Actor,
    person_id: int,
    recipient_id: int,
    state: str,
    purpose: str = "care",
    safeguarding_reason: str = "",
    on: date | None = None,
) -> Decision:
    """A new consent decision; the latest decision for a recipient is the one that counts.

    A decision that stops sharing for care (refused or withdrawn, without an override) also
    cancels the recipient's open self-completion links, in the same transaction. A
    safeguarding override (sharing without consent) needs a reason and is flagged for
    review. The person may record their own decisions. `on`, for a decision recorded later,
    may not be before the recipient's latest decision: row order is what counts, so the dates
    must agree with it.
    """
    if state not in ConsentState.values:
        raise InputError("state", f"state: must be one of {', '.join(ConsentState.values)}")
    purpose = checks.some_text(purpose, "purpose", max_length=40)
    safeguarding_reason = checks.some_text(
        safeguarding_reason, "safeguarding_reason", required=False
    )
    recipient = Service.objects.filter(pk=checks.an_id(recipient_id, "recipient")).first()
    if recipient is None:
        raise InputError("recipient", f"recipient: {recipient_id} not found")
    with use_case(actor):
        person = access.person_for(actor, person_id, "consent.record")
        if on is not None:
            latest = access.latest_consent(person.pk, recipient.pk, purpose)
            checks.a_past_date(
                on,
                "date",
                not_before=timezone.localdate(latest.recorded_at) if latest else None,
                after="the latest decision for this service",
            )
        override = bool(safeguarding_reason)
        if override and actor.role == Role.PERSON:
            raise AccessDenied(
                "a safeguarding override is recorded by staff, not by the person",
                action="consent.override",
                person_id=person.pk,
            )
        consent = Consent.objects.create(
            person=person,
            recipient=recipient,
            purpose=purpose,
            state=state,
            safeguarding_override=override,
            override_reason=safeguarding_reason.strip(),
            flagged_for_review=override,
            recorded_by=actor.user,
            service=actor.service,
        )
        backdating.stamp(consent, "recorded_at", on)
        audit.record(
            actor, f"consent.{state}", person_id=person.pk, obj=consent, reason=safeguarding_reason
        )
        cancelled = 0
        if purpose == "care" and access.ground_of(consent) is None:
            cancelled = self_completion.cancel_open_links(
                actor, person.pk, recipient.pk, f"consent {state} for {recipient.name}"
            )
    return Decision(consent, cancelled)


def withdraw_consent(
    actor: Actor, person_id: int, recipient_id: int, purpose: str = "care"
) -> Consent:
    """Withdrawal takes effect at once: from this row the recipient sees nothing another
    service recorded (and nothing at all, if it is not caring for the person)."""
    return record_consent(actor, person_id, recipient_id, ConsentState.WITHDRAWN, purpose)
