"""The area's figures for other tools: what the dashboard shows, as JSON (commissioners and
service managers; anyone else is answered 404 and the refusal audited, as on the page)."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router

from nowrongdoor.analytics.disclosure import Publication
from nowrongdoor.analytics.indicators import REGISTRY
from nowrongdoor.api.acting import actor_of
from nowrongdoor.api.schemas.common import ERRORS, Day
from nowrongdoor.api.schemas.figures import FiguresPublic
from nowrongdoor.services.dashboard import area_figures, period_of

router = Router(tags=["figures"])
From = Annotated[Day, Query(alias="from", description="YYYY-MM-DD", example="2025-04-01")]
To = Annotated[Day, Query(description="YYYY-MM-DD, inclusive", example="2026-03-31")]


def _cells(publication: Publication) -> list[dict[str, Any]]:
    return [vars(cell) for cell in publication.cells]


@router.get("/figures", response={200: FiguresPublic, **ERRORS}, by_alias=True)
def figures(request: HttpRequest, start: From, to: To) -> Any:
    """The area's indicators from one date to another, as the dashboard shows them:
    suppressed and rounded by the engine, with the headline indicators by quarter; never a
    person. For commissioners and service managers; each call is audited."""
    period = period_of(start, to, end_field="to")
    shown = area_figures(actor_of(request), period)
    publication = shown.publication
    return {
        "from": period.start,
        "to": period.end,
        "note": publication.note,
        "counted_at": shown.kept.computed_at if shown.kept else None,
        "indicators": [
            {
                "id": i.id,
                "title": i.title,
                "definition": i.definition,
                "source": i.source,
                "higher_is_better": i.higher_is_better,
            }
            for i in REGISTRY
        ],
        "cells": _cells(publication),
        "quarters": [
            {"from": q.start, "to": q.end, "cells": _cells(p)} for q, p in shown.quarterly
        ],
    }
