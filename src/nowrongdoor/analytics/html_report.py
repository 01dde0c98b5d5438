"""The self-contained HTML report: the headline trend by quarter, the no wrong door funnel,
then one Vega-Lite chart per indicator with its definition, source and long-form table. The
Vega JavaScript is inlined (vl-convert's bundle), so the file opens offline: these machines,
and many NHS networks, cannot reach a CDN."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from html import escape
from pathlib import Path

import altair as alt

from nowrongdoor.analytics.disclosure import AREA, Cell, Lifting, Publication, publish
from nowrongdoor.analytics.indicators import BY_ID, Indicator, Period, Tables
from nowrongdoor.analytics.report import COLUMNS, long_rows

HEADLINE = (
    "co_occurring_in_treatment",
    "wait_drug_alcohol_3_weeks",
    "successful_completion",
    "therapy_recovery",
    "named_coordinator",
)
Trend = Sequence[tuple[Period, Publication]]

STYLE = """
body { font-family: Arial, sans-serif; margin: 2em; max-width: 70em; color: #212b32; }
table { border-collapse: collapse; margin: 1em 0 2em; font-size: 0.9em; }
td, th { border: 1px solid #d8dde0; padding: 0.2em 0.6em; text-align: left; }
td.n { text-align: right; }
.note { background: #fff9c4; padding: 0.5em 1em; }
"""


def breakdown_chart(indicator: Indicator, cells: list[Cell]) -> alt.FacetChart | None:
    """Bars of the value by group within each breakdown, with a rule at the area's value."""
    shown = [c for c in cells if c.breakdown != AREA and c.value is not None]
    if not shown:
        return None
    data = alt.InlineData(
        values=[
            {"breakdown": c.breakdown, "group": c.group, "value": c.value, "gap": c.gap}
            for c in shown
        ]
    )
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X("value:Q", title="%", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("group:N", title=None, sort=None),
            tooltip=["breakdown:N", "group:N", "value:Q", "gap:Q"],
        )
    )
    layers: list[alt.Chart] = [bars]
    area = next((c.value for c in cells if c.breakdown == AREA), None)
    if area is not None:
        layers.append(alt.Chart().mark_rule(color="#d5281b").encode(x=alt.datum(area)))
    title = alt.TitleParams(indicator.title, subtitle=f"Area: {area}% (red line)", anchor="start")
    chart: alt.FacetChart = (
        alt.layer(*layers, data=data)
        .properties(width=420)
        .facet(row=alt.Row("breakdown:N", title=None, sort=None), title=title)
        .resolve_scale(y="independent")
    )
    return chart


def quarters(period: Period) -> list[Period]:
    """The period cut at calendar quarters (financial quarters too); the ends may be part."""
    cuts, start = [], period.start
    while start <= period.end:
        month = (start.month - 1) // 3 * 3 + 4
        following = date(start.year + (month > 12), (month - 1) % 12 + 1, 1)
        cuts.append(Period(start, min(period.end, following - timedelta(days=1))))
        start = following
    return cuts


def trend(
    t: Tables,
    period: Period,
    *,
    area: str | None = None,
    national: bool = False,
    lifting: Lifting | None = None,
    on_indicator: Callable[[Indicator], None] = lambda indicator: None,
) -> list[tuple[Period, Publication]]:
    """The headline indicators for each quarter of the period (in `area`, as `count_all`),
    disclosure control applied to each quarter as to the whole report."""
    from nowrongdoor.analytics.engine import count_all

    headline = [BY_ID[indicator] for indicator in HEADLINE]
    return [
        (
            q,
            publish(
                count_all(t, q, headline, on_indicator, area), national=national, lifting=lifting
            ),
        )
        for q in quarters(period)
    ]


def area_cell(publication: Publication, indicator: str) -> Cell | None:
    """The indicator's area row (its total), if the publication has it."""
    return next(
        (c for c in publication.cells if c.indicator == indicator and c.breakdown == AREA), None
    )


def trend_chart(quarterly: Trend) -> alt.Chart | None:
    """A line per headline indicator: its area value in each quarter (suppressed: a gap)."""
    values = [
        {"quarter": str(q.start), "indicator": BY_ID[i].title, "value": cell.value}
        for q, publication in quarterly
        for i in HEADLINE
        if (cell := area_cell(publication, i)) is not None and cell.value is not None
    ]
    if not values:
        return None
    chart: alt.Chart = (
        alt.Chart(alt.InlineData(values=values), title="Trend: headline indicators by quarter")
        .mark_line(point=True)
        .encode(
            x=alt.X("quarter:O", title="quarter starting"),
            y=alt.Y("value:Q", title="%", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("indicator:N", legend=alt.Legend(orient="bottom", columns=1)),
            tooltip=["indicator:N", "quarter:O", "value:Q"],
        )
        .properties(width=420)
    )
    return chart


def funnel_stages(publication: Publication) -> list[tuple[str, int | None]]:
    """Declined referrals -> an alternative route named -> treatment started elsewhere, from
    the published (suppressed, rounded) area counts; None for a hidden stage, and no stages
    without the declined referrals' count."""
    without = area_cell(publication, "declined_without_route")
    started = area_cell(publication, "declined_started_elsewhere")
    if without is None or without.denominator is None:
        return []
    named = None if without.numerator is None else without.denominator - without.numerator
    return [
        ("declined by a service", without.denominator),
        ("alternative route named", named),
        ("started treatment elsewhere", started.numerator if started else None),
    ]


def funnel_chart(publication: Publication) -> alt.Chart | None:
    """The no wrong door funnel's stages as bars; a hidden stage is left out."""
    stages = funnel_stages(publication)
    if not stages:
        return None
    values = [
        {"stage": stage, "order": n, "people": count}
        for n, (stage, count) in enumerate(stages)
        if count is not None
    ]
    chart: alt.Chart = (
        alt.Chart(alt.InlineData(values=values), title="No wrong door funnel (referrals)")
        .mark_bar()
        .encode(
            x=alt.X("people:Q", title="referrals"),
            y=alt.Y("stage:N", title=None, sort=alt.EncodingSortField("order")),
            tooltip=["stage:N", "people:Q"],
        )
        .properties(width=420)
    )
    return chart


def _table(cells: list[Cell], publication: Publication) -> str:
    mine = {(c.breakdown, c.group) for c in cells}
    rows = [r for r in long_rows(publication) if (r["breakdown"], r["group"]) in mine]
    rows = [r for r in rows if r["indicator"] == cells[0].indicator]
    head = "".join(f"<th>{escape(name)}</th>" for name in COLUMNS[1:])
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{escape(r[n])}</td>' if i > 1 else f"<td>{escape(r[n])}</td>"
            for i, n in enumerate(COLUMNS[1:])
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_html(publication: Publication, period: Period, out: Path, quarterly: Trend = ()) -> None:
    """The report; `quarterly` (from `trend`) adds the trend chart."""
    by_indicator: dict[str, list[Cell]] = {}
    for cell in publication.cells:
        by_indicator.setdefault(cell.indicator, []).append(cell)
    sections: list[str] = []
    charts: list[alt.Chart | alt.FacetChart] = [
        chart for chart in (trend_chart(quarterly), funnel_chart(publication)) if chart is not None
    ]
    for number, (indicator_id, cells) in enumerate(by_indicator.items(), start=1):
        indicator = BY_ID[indicator_id]
        chart = breakdown_chart(indicator, cells)
        if chart is not None:
            charts.append(chart)
        sections.append(
            f'<section id="{escape(indicator_id)}"><h2>{number}. {escape(indicator.title)}</h2>'
            f"<p>{escape(indicator.definition)}</p><p><strong>Source:</strong> "
            f"{escape(indicator.source)}</p>"
            + ("" if chart else "<p>Every figure in the breakdowns is suppressed.</p>")
            + _table(cells, publication)
            + "</section>"
        )
    header = (
        f"<style>{STYLE}</style><h1>Commissioner report, {period.start} to {period.end}</h1>"
        f'<p class="note">{escape(publication.note)}. "*" marks a suppressed figure or a rate '
        "that cannot be given. Gap: percentage points from the area's value.</p>"
    )
    page = (
        alt.vconcat(*charts).to_html(inline=True)
        if charts
        else "<!DOCTYPE html><html><head><meta charset='UTF-8'></head><body>\n</body></html>"
    )
    charts_title = "<h2>Charts</h2>" if charts else ""
    page = page.replace("<body>\n", f"<body>\n{header}{charts_title}", 1)
    page = page.replace("</body>", "".join(sections) + "</body>", 1)
    out.write_text(page, encoding="utf-8")
