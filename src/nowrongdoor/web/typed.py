"""Dates and whole numbers from what was typed, or an `InputError` naming the field, so a
typing slip lands beside its field the same way as a use case's error."""

from __future__ import annotations

from datetime import date

from nowrongdoor.errors import InputError
from nowrongdoor.web.forms import Form


def a_date(form: Form, name: str) -> date:
    try:
        return date.fromisoformat(form.value(name).strip())
    except ValueError:
        raise InputError(name, f"{name}: enter a date, like 2026-03-31") from None


def whole_number(form: Form, name: str) -> int | None:
    """None when left blank: a measure not taken is not a 0."""
    typed = form.value(name).strip()
    if typed == "":
        return None
    if not (typed.isascii() and typed.isdigit()):
        raise InputError(name, f"{name}: enter a whole number, like 12, or leave it blank")
    return int(typed)


def today() -> str:
    """The starting value of a date field."""
    return date.today().isoformat()
