"""The commissioner dashboard: the area's indicators over a period, the same figures as
`nwd report`, suppressed and rounded by the engine; the headline indicators by quarter, the
no wrong door funnel, and a breakdown by each equality group with its gap to the area rate.

Charts are the HTML report's (Altair), drawn here to inline SVG by vl-convert: the page runs
no chart script, and a table beside each chart has its numbers. Drawing them takes seconds, so
they are kept beside the kept figures they were drawn from (services/figure_cache.py) and
drawn again only when those figures are recomputed or this code changes."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from html import escape
from importlib import metadata
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from markupsafe import Markup

from nowrongdoor.analytics import html_report
from nowrongdoor.analytics.disclosure import Cell, Publication
from nowrongdoor.analytics.html_report import (
    HEADLINE,
    Trend,
    area_cell,
    breakdown_chart,
    funnel_chart,
    funnel_stages,
    trend_chart,
)
from nowrongdoor.analytics.indicators import BY_ID, REGISTRY
from nowrongdoor.services import figure_cache
from nowrongdoor.services.area_report import Figures
from nowrongdoor.services.dashboard import area_figures, period_of
from nowrongdoor.web.forms import Form
from nowrongdoor.web.pages import actor_of, signed_in
from nowrongdoor.web.typed import a_date

# What the CSP (web/security.py: style-src 'self') would refuse, and roles inside the image.
REFUSED = re.compile(r'<style\b.*?</style>|\sstyle="[^"]*"', re.DOTALL)
INNER_ROLES = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')
SIZE = re.compile(r'^<svg ([^>]*?)width="[\d.]+" height="[\d.]+"')
# The code and packages the charts are drawn with: kept drawings by other code are redrawn.
DRAWN_BY = hashlib.sha256(
    Path(html_report.__file__).read_bytes()
    + Path(__file__).read_bytes()
    + " ".join(metadata.version(p) for p in ("altair", "vl-convert-python")).encode()
).hexdigest()
TREND, FUNNEL = "trend", "funnel"  # chart names beside the indicators' ids


def svg(chart: alt.TopLevelMixin | None, name: str) -> Markup | None:
    """The chart as inline SVG: one image named `name` (its marks' own roles dropped, the
    table beside it has the numbers), as wide as its column, with no style attribute or
    element for the CSP to refuse (vl-convert writes none today)."""
    if chart is None:
        return None
    drawn = vl_convert.vegalite_to_svg(chart.to_dict())
    drawn = INNER_ROLES.sub("", REFUSED.sub("", drawn))
    drawn = SIZE.sub(r'<svg \1width="100%"', drawn, count=1)
    named = f'<svg role="img" aria-label="{escape(name)}" focusable="false" '
    # vl-convert escapes the data (group names come from the records); the name is escaped above
    return Markup(drawn.replace("<svg ", named, 1))


def _charts(figures: Figures) -> dict[str, Markup]:
    """Every chart on the page, by name (TREND, FUNNEL, an indicator's id): the drawings kept
    beside the figures, or drawn now and kept."""
    drawn = figure_cache.drawings(figures.kept, DRAWN_BY)
    if drawn is None:
        drawn = {name: str(chart) for name, chart in _draw(figures).items() if chart is not None}
        figure_cache.keep_drawings(figures.kept, DRAWN_BY, drawn)
    # Markup: drawn by svg() here, or kept with a signature only this app can make
    return {name: Markup(chart) for name, chart in drawn.items()}


def _draw(figures: Figures) -> dict[str, Markup | None]:
    publication = figures.publication
    by_indicator = _by_indicator(publication)
    return {
        TREND: svg(trend_chart(figures.quarterly), "The headline indicators' rates by quarter"),
        FUNNEL: svg(
            funnel_chart(publication),
            "No wrong door funnel: referrals declined, an alternative route named, "
            "treatment started elsewhere",
        ),
        **{
            indicator.id: svg(
                breakdown_chart(indicator, by_indicator[indicator.id]),
                f"{indicator.title}: the rate in each group, the area's rate as a red line",
            )
            for indicator in REGISTRY
            if indicator.id in by_indicator
        },
    }


def _by_indicator(publication: Publication) -> dict[str, list[Cell]]:
    by_indicator: dict[str, list[Cell]] = {}
    for cell in publication.cells:
        by_indicator.setdefault(cell.indicator, []).append(cell)
    return by_indicator


def _sections(publication: Publication, charts: dict[str, Markup]) -> list[dict[str, Any]]:
    by_indicator = _by_indicator(publication)
    return [
        {
            "indicator": indicator,
            "area": next(c for c in by_indicator[indicator.id] if c.breakdown == "area"),
            "groups": [c for c in by_indicator[indicator.id] if c.breakdown != "area"],
            "chart": charts.get(indicator.id),
        }
        for indicator in REGISTRY
        if indicator.id in by_indicator
    ]


def _trend(quarterly: Trend, charts: dict[str, Markup]) -> dict[str, Any]:
    """The headline indicators' area rows by quarter, and their chart."""
    return {
        "quarters": [q for q, _ in quarterly],
        "rows": [
            (BY_ID[i], [area_cell(publication, i) for _, publication in quarterly])
            for i in HEADLINE
        ],
        "chart": charts.get(TREND),
    }


@signed_in
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    defaults = {"start": (today - timedelta(days=364)).isoformat(), "end": today.isoformat()}
    form = Form({**defaults, **request.GET.dict()})
    figures = form.attempt(
        lambda: area_figures(
            actor_of(request), period_of(a_date(form, "start"), a_date(form, "end"))
        ),
    )
    context: dict[str, Any] = {"form": form, "sections": [], "note": ""}
    if figures:
        publication, charts = figures.publication, _charts(figures)
        context |= {
            "sections": _sections(publication, charts),
            "note": publication.note,
            "trend": _trend(figures.quarterly, charts),
            "funnel": funnel_stages(publication),
            "funnel_chart": charts.get(FUNNEL),
            "counted_at": figures.kept and timezone.localtime(figures.kept.computed_at),
        }
    return render(request, "web/dashboard.jinja", context, status=422 if form.errors else 200)
