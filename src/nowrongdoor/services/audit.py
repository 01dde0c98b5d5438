"""Writing and verifying the hash-chained audit trail."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import connection
from django.utils import timezone

from nowrongdoor.records.audit.models import AuditEvent, AuditHead
from nowrongdoor.services.actor import Actor

GENESIS = "0" * 64
_LOCK_KEY = 727_386_411  # PostgreSQL advisory lock serialising the first writers


def _digest(previous: str, fields: tuple[object, ...]) -> str:
    text = previous + "\x1f" + "\x1f".join(["" if f is None else str(f) for f in fields])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The fields an event's hash covers, in order (the hash and the previous hash excepted).
HASHED = (
    "sequence",
    "at",
    "actor",
    "role",
    "service_id",
    "action",
    "person_id",
    "object_type",
    "object_id",
    "outcome",
    "reason",
)


def _fields(values: tuple[Any, ...]) -> tuple[object, ...]:
    """The hashed values, with the time in ISO 8601 (as written)."""
    return (values[0], values[1].isoformat(), *values[2:])


def _last() -> tuple[int, str]:
    """The chain's last sequence and hash, with the right to append after them: the head
    row, locked until commit (on PostgreSQL; SQLite's immediate transactions serialise
    writers already). Without a head (an empty chain), writers queue on an advisory lock
    and chain from the last event, as `record` then creates the head."""
    head = AuditHead.objects.select_for_update().filter(pk=1).values_list("sequence", "hash")
    found = head.first()
    if found is None and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        found = head.first()
    if found is None:
        last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
        found = last or (0, GENESIS)
    return found


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
    sequence, previous = _last()
    event = AuditEvent(
        sequence=sequence + 1,
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
        previous_hash=previous,
    )
    event.hash = _digest(previous, _fields(tuple(getattr(event, f) for f in HASHED)))
    event.save(force_insert=True)
    # One UPDATE of the row locked above, not update_or_create (a savepoint, a second
    # SELECT ... FOR UPDATE, the UPDATE and a release).
    if not AuditHead.objects.filter(pk=1).update(sequence=event.sequence, hash=event.hash):
        AuditHead.objects.create(pk=1, sequence=event.sequence, hash=event.hash)
    return event


@dataclass(frozen=True)
class Verdict:
    intact: bool
    events: int
    broken_at: int | None = None
    problem: str = ""


def _rows() -> Iterator[tuple[Any, ...]]:
    """Every event as a plain row (hashed fields, previous hash, hash), in sequence order.

    A raw cursor, not model instances: building a million Django objects costs more than
    hashing them (benchmarks/records.py). Chunked: a server-side cursor on PostgreSQL.
    """
    # AuditEvent has plain fields only (no foreign keys), so column names are field names.
    columns = ", ".join((*HASHED, "previous_hash", "hash"))
    table = AuditEvent._meta.db_table
    with connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} ORDER BY sequence")
        while chunk := cursor.fetchmany(20_000):
            for row in chunk:
                at = row[1]
                if at.tzinfo is None:  # SQLite hands stored UTC times back naive
                    row = (row[0], at.replace(tzinfo=UTC), *row[2:])
                yield row


def verify() -> Verdict:
    """Recompute the chain: a changed, removed or reordered event breaks it."""
    previous, expected_sequence, count = GENESIS, 1, 0
    for row in _rows():
        count += 1
        sequence, stored_previous, stored_hash = row[0], row[-2], row[-1]
        if sequence != expected_sequence:
            return Verdict(False, count, sequence, f"expected event {expected_sequence} here")
        if stored_previous != previous or _digest(previous, _fields(row[:-2])) != stored_hash:
            return Verdict(False, count, sequence, "its hash does not match its contents")
        previous, expected_sequence = stored_hash, expected_sequence + 1
    head = AuditHead.objects.filter(pk=1).first()
    last = expected_sequence - 1
    if head is None and count:
        return Verdict(False, count, None, "the head row is missing")
    if head is not None and (head.sequence != last or head.hash != previous):
        return Verdict(
            False, count, last + 1, f"events after {last} are missing (head is {head.sequence})"
        )
    return Verdict(True, count)
