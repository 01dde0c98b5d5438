"""The commissioner's figures in the web app: the same indicator pack as `nwd report`,
disclosure control applied in the engine, and never a person.

Only commissioners and service managers see it; each view is audited (with no person id,
since none is shown). The figures are `area_report.figures`, as `nwd report`'s: the records
extracted to a temporary folder and counted with the embedded engine.
"""

from __future__ import annotations

from datetime import date

from nowrongdoor.analytics.indicators import Period
from nowrongdoor.errors import AccessDenied, InputError
from nowrongdoor.records.directory.models import Role
from nowrongdoor.services import audit, use_case
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.area_report import Figures, figures

MAY_SEE = (Role.COMMISSIONER, Role.SERVICE_MANAGER)
LONGEST = 3 * 366  # days: a period is a year or so, not the whole history at once


def period_of(start: date, end: date) -> Period:
    if end < start:
        raise InputError("end", "end: must not be before the start")
    if (end - start).days > LONGEST:
        raise InputError("end", "end: a period of at most three years")
    return Period(start, end)


def area_figures(actor: Actor, period: Period) -> Figures:
    """Every indicator for the area over `period`, and the headline ones by quarter, as
    published (suppressed and rounded)."""
    with use_case(actor):
        if actor.role not in MAY_SEE:
            raise AccessDenied(
                "the area's figures are for commissioners and managers", action="report.read"
            )
        audit.record(actor, "report.read", reason=f"{period.start}:{period.end}")
    return figures(period, quarterly=True)
