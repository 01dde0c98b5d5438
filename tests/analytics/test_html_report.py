"""The HTML report's trend and funnel charts, on the tiny extract (conftest.py)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from nowrongdoor.analytics.disclosure import Lifting, publish
from nowrongdoor.analytics.engine import count_all, open_extract
from nowrongdoor.analytics.html_report import quarters, trend, write_html
from nowrongdoor.analytics.indicators import Period

from .conftest import TINY, write_extract

YEAR = Period(date(2025, 4, 1), date(2026, 3, 31))
TESTING = Lifting("test of the report's charts on the tiny extract", "pytest")


def _charts(html: str) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each chart's title and rows, from the Vega-Lite spec Altair embeds in the page."""
    match = re.search(r"const spec = (\{.*\});\n", html)
    assert match, "no embedded chart"
    spec = json.loads(match.group(1))
    return [(c["title"], spec["datasets"][c["data"]["name"]]) for c in spec["vconcat"][:2]]


def test_quarters_cut_at_calendar_quarters() -> None:
    cut = quarters(Period(date(2025, 5, 15), date(2026, 1, 10)))
    assert [(q.start, q.end) for q in cut] == [
        (date(2025, 5, 15), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2025, 9, 30)),
        (date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 1, 10)),
    ]


def _eight_times(folder: Path) -> Path:
    """The tiny extract with each person repeated 8 times (ids offset), so every rate has a
    denominator of at least 8 and can be shown; each rate stays the tiny extract's."""
    ids = ("person_id", "episode_id", "course_id", "referral_id")
    rows = {
        name: [
            {k: v + copy * 1000 if k in ids else v for k, v in row.items()}
            for copy in range(8)
            for row in table
        ]
        for name, table in TINY.items()
        if name != "services"
    }
    return write_extract(folder, {**rows, "services": TINY["services"]})


def test_the_report_has_trend_and_funnel_and_loads_nothing(tmp_path: Path) -> None:
    t = open_extract(_eight_times(tmp_path / "extract"))
    publication = publish(count_all(t, YEAR), lifting=TESTING)
    out = tmp_path / "report.html"
    write_html(publication, YEAR, out, trend(t, YEAR, lifting=TESTING))
    html = out.read_text(encoding="utf-8")
    (trend_title, trend_rows), (funnel_title, funnel_rows) = _charts(html)
    assert trend_title == "Trend: headline indicators by quarter"
    assert funnel_title == "No wrong door funnel (referrals)"
    # declined in the year, 8 times over: referrals 1 (route named; person 1 then started
    # at the community service) and 2 (no route, nothing started after)
    assert [(v["stage"], v["people"]) for v in funnel_rows] == [
        ("declined by a service", 16),
        ("alternative route named", 8),
        ("started treatment elsewhere", 8),
    ]
    # co-occurring in treatment by quarter (the rates of the tiny extract): Q1 persons 1
    # (need), 2 -> 50%; Q2 1, 2, 3 -> 66.7%; Q3 1, 3 (2 left in September) -> 100%; Q4 too
    co_occurring = [
        (v["quarter"], v["value"])
        for v in trend_rows
        if v["indicator"].startswith("Adults in drug and alcohol treatment")
    ]
    assert [q for q, _ in co_occurring] == ["2025-04-01", "2025-07-01", "2025-10-01", "2026-01-01"]
    assert [round(v) for _, v in co_occurring] == [50, 67, 100, 100]
    # nothing fetched: no script, style or frame from elsewhere, and the charts' data inline
    markup = re.sub(r"(<script[^>]*>).*?</script>", r"\1", html, flags=re.DOTALL)
    assert not re.search(r"\bsrc=|<link\b|<iframe\b|@import|url\(", markup)
    assert '"url":' not in re.search(r"const spec = (.*)", html).group(1)  # type: ignore[union-attr]


def test_trend_and_funnel_are_left_out_when_every_figure_is_suppressed(
    tiny_extract: Path,
) -> None:
    t = open_extract(tiny_extract)
    out = tiny_extract.parent / "suppressed.html"
    write_html(publish(count_all(t, YEAR)), YEAR, out, trend(t, YEAR))
    html = out.read_text(encoding="utf-8")
    assert "Trend: headline indicators" not in html
    assert "No wrong door funnel" not in html
