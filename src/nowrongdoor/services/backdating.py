"""Steps recorded after the fact: a use case that takes an optional date (checked with
`checks.a_past_date`) stores it in a timestamp the database would otherwise set to now.

The records' `auto_now_add` timestamps are set on insert whatever is passed, so a given
date is written by an update in the same transaction, inside the use case that audits it.
The audit event keeps the real time the step was recorded.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import models
from django.utils import timezone


def moment(on: date | None) -> datetime:
    """Now for today (or no date); midday local time for an earlier day."""
    if on is None or on >= timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(on, time(12)))


def stamp(record: models.Model, field: str, on: date | None) -> None:
    """Date `record`'s timestamp `field` on `on` (nothing to do for today or no date)."""
    if on is None or on >= timezone.localdate():
        return
    when = moment(on)
    type(record)._default_manager.filter(pk=record.pk).update(**{field: when})
    setattr(record, field, when)
