"""The commissioner dashboard: the area's indicators over a period, the same figures as
`nwd report`, suppressed and rounded by the engine; a breakdown by each equality group with
its gap to the area rate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from nowrongdoor.analytics.disclosure import Cell
from nowrongdoor.analytics.indicators import REGISTRY
from nowrongdoor.services.dashboard import area_figures, period_of
from nowrongdoor.web.forms import Form
from nowrongdoor.web.pages import actor_of, signed_in
from nowrongdoor.web.typed import a_date


def _sections(cells: list[Cell]) -> list[dict[str, Any]]:
    by_indicator: dict[str, list[Cell]] = {}
    for cell in cells:
        by_indicator.setdefault(cell.indicator, []).append(cell)
    return [
        {
            "indicator": indicator,
            "area": next(c for c in by_indicator[indicator.id] if c.breakdown == "area"),
            "groups": [c for c in by_indicator[indicator.id] if c.breakdown != "area"],
        }
        for indicator in REGISTRY
        if indicator.id in by_indicator
    ]


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
    context = {
        "form": form,
        "sections": _sections(figures.publication.cells) if figures else [],
        "note": figures.publication.note if figures else "",
    }
    return render(request, "web/dashboard.jinja", context, status=422 if form.errors else 200)
