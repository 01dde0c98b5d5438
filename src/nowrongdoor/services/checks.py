"""Checks on the values callers pass to use cases: one `InputError` naming the field."""

from __future__ import annotations

from datetime import date
from typing import Any

from nowrongdoor.errors import InputError


def an_id(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputError(field, f"{field}: must be a record id (a positive whole number)")
    return value


def a_date(value: Any, field: str) -> date:
    if not isinstance(value, date):
        raise InputError(field, f"{field}: must be a date")
    return value


def some_text(value: Any, field: str, *, required: bool = True, max_length: int = 10_000) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InputError(field, f"{field}: must be text")
    text = value.strip()
    if required and not text:
        raise InputError(field, f"{field}: required")
    if len(text) > max_length:
        raise InputError(field, f"{field}: at most {max_length} characters")
    return text


def a_past_date(value: Any, field: str, *, not_before: date | None = None, after: str = "") -> date:
    """A date that is not in the future and, given `not_before`, not before it (`after`
    names that earlier step in the message): for steps recorded after the fact."""
    from django.utils import timezone

    day = a_date(value, field)
    if day > timezone.localdate():
        raise InputError(field, f"{field}: {day.isoformat()} is in the future")
    if not_before is not None and day < not_before:
        raise InputError(
            field, f"{field}: {day.isoformat()} is before {after or not_before.isoformat()}"
        )
    return day
