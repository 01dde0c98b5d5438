"""The commissioner's figures in the web app: the same indicator pack as `nwd report`,
disclosure control applied in the engine, and never a person.

Only commissioners and service managers see it, on the pages and through the API; each view
is audited (with no person id, since none is shown), whether or not the figures were kept.
The figures are `area_report.figures`, as `nwd report`'s: the records extracted to a temporary
folder and counted with the embedded engine, kept between views until the records change
(`area_report.cached_figures`).
"""

from __future__ import annotations

from datetime import date

from nowrongdoor.analytics.indicators import Period
from nowrongdoor.errors import AccessDenied, InputError
from nowrongdoor.records.directory.models import Role
from nowrongdoor.services import audit, use_case
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.area_report import Figures, cached_figures

MAY_SEE = (Role.COMMISSIONER, Role.SERVICE_MANAGER)
LONGEST = 3 * 366  # days: a period is a year or so, not the whole history at once


def period_of(start: date, end: date, *, end_field: str = "end") -> Period:
    """The period from `start` to `end`; an error names `end_field` (the API's is `to`)."""
    if end < start:
        raise InputError(end_field, f"{end_field}: must not be before the start")
    if (end - start).days > LONGEST:
        raise InputError(end_field, f"{end_field}: a period of at most three years")
    return Period(start, end)


def area_figures(actor: Actor, period: Period) -> Figures:
    """Every indicator for the area over `period`, and the headline ones by quarter, as
    published (suppressed and rounded); the view is audited before they are looked up."""
    with use_case(actor):
        if actor.role not in MAY_SEE:
            raise AccessDenied(
                "the area's figures are for commissioners and managers", action="report.read"
            )
        audit.record(actor, "report.read", reason=f"{period.start}:{period.end}")
    return cached_figures(period, quarterly=True)
