"""The self-contained HTML report: one Vega-Lite chart per indicator, with its definition,
source and long-form table. The Vega JavaScript is inlined (vl-convert's bundle), so the file
opens offline: these machines, and many NHS networks, cannot reach a CDN."""

from __future__ import annotations

from html import escape
from pathlib import Path

import altair as alt

from nowrongdoor.analytics.disclosure import AREA, Cell, Publication
from nowrongdoor.analytics.indicators import BY_ID, Indicator, Period
from nowrongdoor.analytics.report import COLUMNS, long_rows

STYLE = """
body { font-family: Arial, sans-serif; margin: 2em; max-width: 70em; color: #212b32; }
table { border-collapse: collapse; margin: 1em 0 2em; font-size: 0.9em; }
td, th { border: 1px solid #d8dde0; padding: 0.2em 0.6em; text-align: left; }
td.n { text-align: right; }
.note { background: #fff9c4; padding: 0.5em 1em; }
"""


def _chart(indicator: Indicator, cells: list[Cell]) -> alt.FacetChart | None:
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


def write_html(publication: Publication, period: Period, out: Path) -> None:
    by_indicator: dict[str, list[Cell]] = {}
    for cell in publication.cells:
        by_indicator.setdefault(cell.indicator, []).append(cell)
    sections, charts = [], []
    for number, (indicator_id, cells) in enumerate(by_indicator.items(), start=1):
        indicator = BY_ID[indicator_id]
        chart = _chart(indicator, cells)
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
