"""The area's figures, one use case behind the dashboard and `nwd report`: an extract folder,
or the records database extracted to a temporary one, counted by an engine, with disclosure
control applied (docs/analytics.md).

Lifting disclosure control is an internal use by a named commissioner or admin, recorded in
the audit trail before any unsuppressed figure is computed (decision 0015).

`cached_figures` is the same computation on the records database, kept between calls until
the records change (services/figure_cache.py): the dashboard, the figures API and `nwd report`
on the records use it; lifted figures are never kept.

Django is imported only to read the records or to audit, so a Parquet extract can be reported
on without a records database.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from nowrongdoor.analytics.disclosure import Lifting, Publication, publish
from nowrongdoor.analytics.indicators import REGISTRY, Period

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from rich.progress import Progress

LIFTED = "report.disclosure_lifted"


@dataclass(frozen=True)
class Kept:
    """Where figures are kept between calls: the entry, the data version they were computed
    at, and when."""

    entry: int
    version: str
    computed_at: datetime


@dataclass(frozen=True)
class Figures:
    """The period's published figures and, when asked, the headline indicators by quarter;
    `kept` if they are kept between calls (`cached_figures`)."""

    publication: Publication
    quarterly: list[tuple[Period, Publication]] = field(default_factory=list)
    kept: Kept | None = None


def lifting(user: User, purpose: str) -> Lifting:
    """Disclosure control lifted for `purpose` by `user`, an active commissioner or admin: an
    audit event (no person: none is shown), recorded before any figure is computed. Anyone
    else is refused, and the refusal audited."""
    from nowrongdoor.errors import AccessDenied
    from nowrongdoor.records.directory.models import Role
    from nowrongdoor.services import audit, use_case
    from nowrongdoor.services.actor import Actor

    may_lift = (Role.COMMISSIONER, Role.ADMIN)
    actor = next(
        (a for role in may_lift if (a := Actor.of(user, role=role)).role == role),
        Actor.of(user),
    )
    with use_case(actor):
        if actor.role not in may_lift or not user.is_active:
            raise AccessDenied(
                "only an active commissioner or admin may lift disclosure control", action=LIFTED
            )
        granted = Lifting(purpose, user.get_username())
        audit.record(actor, LIFTED, reason=purpose)
    return granted


def figures(
    period: Period,
    source: Path | None = None,
    *,
    engine: str = "duckdb",
    area: str | None = None,
    quarterly: bool = False,
    national: bool = False,
    lifting: Lifting | None = None,
    progress: Progress | None = None,
) -> Figures:
    """Every indicator over `period`, published, from the extract folder `source` or (None)
    the records database this process is booted on.

    `engine`: duckdb, postgres (on NWD_DATABASE_URL's server) or spark. `area`: only units at
    that organisation's services. `quarterly`: the headline indicators for each quarter too.
    `national`: the area total is not rounded. `lifting` (from `lifting()`, which audits it):
    unsuppressed, unrounded figures. `progress` shows the extract and the indicators."""
    # here, not at the top: figures kept by `cached_figures` are read back without Altair
    from nowrongdoor.analytics.engine import connect, count_all, open_extract
    from nowrongdoor.analytics.html_report import HEADLINE, quarters, trend

    con = connect(engine, os.environ.get("NWD_DATABASE_URL"))
    try:
        with tempfile.TemporaryDirectory(prefix="nwd-extract-") as scratch:
            if source is None:
                from nowrongdoor.analytics.extract import extract_records

                extracted = _step(progress, "extracting the records", None)
                source = Path(scratch)
                extract_records(source, period.end)
                extracted(source)
            t = open_extract(source, con)
            parts = len(REGISTRY) + (len(HEADLINE) * len(quarters(period)) if quarterly else 0)
            done = _step(progress, "indicators", parts)
            counts = count_all(t, period, on_indicator=done, area=area)
            by_quarter = (
                trend(t, period, area=area, national=national, lifting=lifting, on_indicator=done)
                if quarterly
                else []
            )
            return Figures(publish(counts, national=national, lifting=lifting), by_quarter)
    finally:
        con.disconnect()


def cached_figures(
    period: Period,
    *,
    area: str | None = None,
    quarterly: bool = False,
    national: bool = False,
    progress: Progress | None = None,
) -> Figures:
    """`figures(period)` from the records database this process is booted on, on DuckDB,
    disclosure control applied: the figures kept for this scope if the records have not
    changed since they were computed, else computed now and kept. There is no `lifting`:
    lifted figures are computed for each use by `figures` and never kept."""
    from nowrongdoor.services import figure_cache

    version = figure_cache.data_version()  # first: what is computed next is at least as new
    found = figure_cache.kept(
        period, area=area, national=national, quarterly=quarterly, version=version
    )
    if found is not None:
        return found
    began = time.perf_counter()
    computed = figures(period, area=area, quarterly=quarterly, national=national, progress=progress)
    return figure_cache.keep(
        period,
        computed,
        area=area,
        national=national,
        quarterly=quarterly,
        version=version,
        seconds=time.perf_counter() - began,
    )


def _step(progress: Progress | None, name: str, parts: int | None) -> Callable[[object], None]:
    """A task on `progress` (if any) of `parts` parts (None: not known, shown as a pulse),
    and the callable marking one part done."""
    if progress is None:
        return lambda _: None
    task = progress.add_task(name, total=parts)
    return lambda _: progress.update(task, total=parts or 1, advance=1)
