"""The area's published figures kept between views (decision 0021): computing the pack takes
seconds (the records extracted, 32 indicators and the headline ones by quarter counted), while
the records behind a year's figures change far less often than the figures are looked at.

What is kept is what the engine published, disclosure control applied; figures with control
lifted are refused (`keep` raises), so exact counts never reach a place shared by everyone
who may see the area's figures. They are kept in the database (`records.figures`), so every
server process and `nwd report` share them and they survive a restart; as JSON, not pickle.

Kept figures are read back only at the same *data version* (`data_version`): the sequence of
the last audit event that may have changed a record (every write to a record goes through a
use case that audits it; reads are audited too, but do not count), the services directory
(written without an audit event) and the code that computes the figures. The version is read
before the figures are computed, so figures kept under a version are never older than it:
once the version moves, figures from before the change can no longer be found. Kept figures
are also dropped after `MAX_AGE`, for changes made outside the use cases (a database restore,
an edit by hand).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from nowrongdoor.analytics.disclosure import Cell, Publication
from nowrongdoor.analytics.indicators import Period
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.directory.models import Service
from nowrongdoor.records.figures.models import KeptFigures
from nowrongdoor.services.area_report import Figures, Kept

MAX_AGE = timedelta(hours=24)
DRAWINGS_SALT = "nowrongdoor.services.figure_cache.drawings"
# Audited actions that change no record (besides every `*.read`); any other action, including
# one added later and not listed here, counts as a change: the safe side.
CHANGE_NOTHING = frozenset(
    {
        "report.disclosure_lifted",
        "referral.inbox",
        "person.export",
        "person.search",
        "fhir.search",
        "submission.repeat",
    }
)
PACKAGE = Path(__file__).resolve().parent.parent
# The code the figures come from: a new release with a changed indicator is a new version.
CODE = (*sorted((PACKAGE / "analytics").glob("*.py")), PACKAGE / "services" / "area_report.py")
ENGINE_PACKAGES = ("ibis-framework", "duckdb", "pyarrow")


def data_version() -> str:
    """The version of the records the figures are computed from; it moves with every change."""
    last_change = (
        AuditEvent.objects.filter(outcome="allowed")
        .exclude(action__in=CHANGE_NOTHING)
        .exclude(action__endswith=".read")
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    services = Service.objects.order_by("pk").values_list(
        "pk", "name", "setting", "organisation__name"
    )
    directory = hashlib.sha256(repr(list(services)).encode("utf-8")).hexdigest()
    return f"audit {last_change or 0}; services {directory[:16]}; code {code_version()[:16]}"


@cache
def code_version() -> str:
    """A digest of the code computing the figures and the engine's package versions."""
    digest = hashlib.sha256()
    for path in CODE:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for package in ENGINE_PACKAGES:
        try:
            digest.update(f"{package} {metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package} -".encode())
    return digest.hexdigest()


def kept(
    period: Period, *, area: str | None, national: bool, quarterly: bool, version: str
) -> Figures | None:
    """The figures kept for this scope at `version`, if any and under `MAX_AGE`. Figures kept
    with the quarters serve a request without them too."""
    found = (
        KeptFigures.objects.filter(
            **_scope(period, area, national),
            quarterly__in=(True,) if quarterly else (False, True),
            version=version,
            computed_at__gte=timezone.now() - MAX_AGE,
        )
        .order_by("quarterly")  # the smaller entry first
        .only("pk", "version", "computed_at", "figures")
        .first()
    )
    if found is None:
        return None
    figures = _from_json(found.figures)
    quarters = figures.quarterly if quarterly else []
    return Figures(figures.publication, quarters, Kept(found.pk, found.version, found.computed_at))


def keep(
    period: Period,
    figures: Figures,
    *,
    area: str | None,
    national: bool,
    quarterly: bool,
    version: str,
    seconds: float,
) -> Figures:
    """Keep published figures for this scope at `version` (replacing what was kept for it),
    and drop anything older than `MAX_AGE`; the figures, marked with where they are kept.
    Figures with disclosure control lifted are refused."""
    publications = [figures.publication, *(p for _, p in figures.quarterly)]
    if any(p.lifted for p in publications):
        raise ValueError("figures with disclosure control lifted are never kept")
    now = timezone.now()
    scope = {**_scope(period, area, national), "quarterly": quarterly}
    values = {
        "version": version,
        "computed_at": now,
        "seconds": seconds,
        "figures": _to_json(figures),
        "drawings": {},
    }
    try:
        with transaction.atomic():
            KeptFigures.objects.filter(computed_at__lt=now - MAX_AGE).delete()
            entry, _ = KeptFigures.objects.update_or_create(**scope, defaults=values)
    except IntegrityError:  # another process kept this scope at the same moment: theirs stays
        return figures
    return Figures(figures.publication, figures.quarterly, Kept(entry.pk, version, now))


def drawings(kept: Kept | None, drawn_by: str) -> dict[str, str] | None:
    """Charts drawn from kept figures by code `drawn_by` (a digest), if they were kept. They
    are markup the page includes as it is, so they are signed with the secret key when kept
    and refused here unless the signature holds: writing to the database is not enough to
    put script on the page."""
    if kept is None:
        return None
    found = KeptFigures.objects.filter(pk=kept.entry, version=kept.version).only("drawings").first()
    kept_drawings = found.drawings if found is not None else {}
    charts = kept_drawings.get("charts")
    signature = kept_drawings.get("signature", "")
    if kept_drawings.get("drawn_by") != drawn_by or not isinstance(charts, dict):
        return None
    if not constant_time_compare(signature, _signature(kept, drawn_by, charts)):
        return None
    return charts


def keep_drawings(kept: Kept | None, drawn_by: str, charts: dict[str, str]) -> None:
    """Keep charts drawn from kept figures beside them, signed (nothing if the figures were
    since replaced: the charts are of figures no longer kept)."""
    if kept is not None:
        signature = _signature(kept, drawn_by, charts)
        KeptFigures.objects.filter(pk=kept.entry, version=kept.version).update(
            drawings={"drawn_by": drawn_by, "charts": charts, "signature": signature}
        )


def _signature(kept: Kept, drawn_by: str, charts: dict[str, str]) -> str:
    text = json.dumps([kept.entry, kept.version, drawn_by, charts], sort_keys=True)
    return salted_hmac(DRAWINGS_SALT, text, algorithm="sha256").hexdigest()


def _scope(period: Period, area: str | None, national: bool) -> dict[str, Any]:
    return {
        "period_start": period.start,
        "period_end": period.end,
        "area": area or "",
        "national": national,
    }


# ---------------------------------------------------------------- figures as plain JSON


def _publication_json(publication: Publication) -> dict[str, Any]:
    return {
        "note": publication.note,
        "cells": [
            [c.indicator, c.breakdown, c.group, c.numerator, c.denominator, c.value, c.gap]
            for c in publication.cells
        ],
    }


def _publication(data: dict[str, Any]) -> Publication:
    return Publication([Cell(*cell) for cell in data["cells"]], data["note"])


def _to_json(figures: Figures) -> dict[str, Any]:
    return {
        "publication": _publication_json(figures.publication),
        "quarterly": [
            {"start": q.start.isoformat(), "end": q.end.isoformat(), **_publication_json(p)}
            for q, p in figures.quarterly
        ],
    }


def _from_json(data: dict[str, Any]) -> Figures:
    return Figures(
        _publication(data["publication"]),
        [
            (Period(date.fromisoformat(q["start"]), date.fromisoformat(q["end"])), _publication(q))
            for q in data["quarterly"]
        ],
    )
