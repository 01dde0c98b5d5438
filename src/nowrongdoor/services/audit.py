"""Writing and verifying the hash-chained audit trail."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from nowrongdoor.records.audit.models import AuditEvent, AuditHead
from nowrongdoor.services.actor import Actor

GENESIS = "0" * 64
_LOCK_KEY = 727_386_411  # PostgreSQL advisory lock serialising writers of the chain


def _digest(previous: str, fields: tuple[object, ...]) -> str:
    text = previous + "\x1f" + "\x1f".join("" if f is None else str(f) for f in fields)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fields(event: AuditEvent) -> tuple[object, ...]:
    return (
        event.sequence,
        event.at.isoformat(),
        event.actor,
        event.role,
        event.service_id,
        event.action,
        event.person_id,
        event.object_type,
        event.object_id,
        event.outcome,
        event.reason,
    )


def record(
    actor: Actor,
    action: str,
    *,
    person_id: int | None = None,
    obj: object | None = None,
    outcome: str = "allowed",
    reason: str = "",
) -> AuditEvent:
    """Append one event; call inside the use case's transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    last = AuditEvent.objects.order_by("-sequence").only("sequence", "hash").first()
    event = AuditEvent(
        sequence=(last.sequence + 1) if last else 1,
        at=timezone.now(),
        actor=actor.user.get_username(),
        role=actor.role,
        service_id=actor.service.pk if actor.service else None,
        action=action,
        person_id=person_id,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "pk", "") or "") if obj is not None else "",
        outcome=outcome,
        reason=reason,
        previous_hash=last.hash if last else GENESIS,
    )
    event.hash = _digest(event.previous_hash, _fields(event))
    event.save(force_insert=True)
    AuditHead.objects.update_or_create(
        pk=1, defaults={"sequence": event.sequence, "hash": event.hash}
    )
    return event


@dataclass(frozen=True)
class Verdict:
    intact: bool
    events: int
    broken_at: int | None = None
    problem: str = ""


def _rows() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("sequence").iterator(chunk_size=20_000)


def verify() -> Verdict:
    """Recompute the chain: a changed, removed or reordered event breaks it."""
    previous, expected_sequence, count = GENESIS, 1, 0
    for event in _rows():
        count += 1
        if event.sequence != expected_sequence:
            return Verdict(False, count, event.sequence, f"expected event {expected_sequence} here")
        if event.previous_hash != previous or _digest(previous, _fields(event)) != event.hash:
            return Verdict(False, count, event.sequence, "its hash does not match its contents")
        previous, expected_sequence = event.hash, expected_sequence + 1
    head = AuditHead.objects.filter(pk=1).first()
    last = expected_sequence - 1
    if head is not None and (head.sequence != last or head.hash != previous):
        return Verdict(
            False, count, last + 1, f"events after {last} are missing (head is {head.sequence})"
        )
    return Verdict(True, count)
