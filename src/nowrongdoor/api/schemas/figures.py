"""The area's figures as published: every cell `nwd report` writes and the dashboard shows,
suppressed cells included (their numbers null, where the report writes "*")."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import ConfigDict, Field

SUPPRESSED = "null when suppressed (* in `nwd report`)"


class CellPublic(Schema):
    indicator: str = Field(description="the indicator's id (see `indicators`)")
    breakdown: str = Field(description='"area" for the total, else the equality group or service')
    group: str
    numerator: int | None = Field(description=f"people counted, rounded to 5; {SUPPRESSED}")
    denominator: int | None = Field(description=f"of how many, rounded to 5; {SUPPRESSED}")
    value: float | None = Field(description=f"percentage; {SUPPRESSED}")
    gap: float | None = Field(description=f"percentage points from the area's value; {SUPPRESSED}")


class IndicatorPublic(Schema):
    id: str
    title: str
    definition: str
    source: str
    higher_is_better: bool


class PeriodFigures(Schema):
    model_config = ConfigDict(populate_by_name=True)

    start: date = Field(alias="from")
    end: date = Field(alias="to", description="inclusive")
    cells: list[CellPublic]


class FiguresPublic(PeriodFigures):
    note: str = Field(description="the disclosure control applied")
    counted_at: datetime | None = Field(
        description="when the figures were counted from the records (no record has changed "
        "since); null if they were counted for this request alone"
    )
    indicators: list[IndicatorPublic]
    quarters: list[PeriodFigures] = Field(description="the headline indicators by quarter")
