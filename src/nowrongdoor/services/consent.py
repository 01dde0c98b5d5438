"""Recording and withdrawing consent to share with another service (UK-ALC 2.2.4)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from nowrongdoor.errors import AccessDenied, InputError
from nowrongdoor.records.care.models import Consent, ConsentState
from nowrongdoor.records.directory.models import Role, Service
from nowrongdoor.services import access, audit, backdating, checks, use_case
from nowrongdoor.services.actor import Actor


def record_consent(
    actor: Actor,
    person_id: int,
    recipient_id: int,
    state: str,
    purpose: str = "care",
    safeguarding_reason: str = "",
    on: date | None = None,
) -> Consent:
    """A new consent decision; the latest decision for a recipient is the one that counts.

    A safeguarding override (sharing without consent) needs a reason and is flagged for
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
        )
        backdating.stamp(consent, "recorded_at", on)
        audit.record(
            actor, f"consent.{state}", person_id=person.pk, obj=consent, reason=safeguarding_reason
        )
    return consent


def withdraw_consent(
    actor: Actor, person_id: int, recipient_id: int, purpose: str = "care"
) -> Consent:
    """Withdrawal takes effect at once: the recipient's access ends with this row."""
    return record_consent(actor, person_id, recipient_id, ConsentState.WITHDRAWN, purpose)
