"""The commissioner dashboard: the area's figures, suppressed by the engine, for
commissioners and managers only, every view audited, never a person."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest
from record_area import Area, browser_for
from typer.testing import CliRunner

from analytics.test_html_report import _eight_times as eight_times
from nowrongdoor.analytics.disclosure import publish
from nowrongdoor.analytics.engine import count_all, open_extract
from nowrongdoor.analytics.html_report import funnel_stages, trend
from nowrongdoor.analytics.indicators import Period
from nowrongdoor.analytics.report import long_rows
from nowrongdoor.cli.app import app
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.services.area_report import Figures
from nowrongdoor.services.dashboard import area_figures
from nowrongdoor.services.people import register_person
from nowrongdoor.web import dashboard as web_dashboard


def test_the_commissioner_sees_figures_and_no_one(area: Area) -> None:
    register_person(area.therapist, {"given_name": "Pat", "family_name": "Quill"})
    commissioner = browser_for(area.commissioner.user)
    assert commissioner.get("/")["Location"] == "/dashboard"
    response = commissioner.get("/dashboard")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Talking Therapies" in html  # an indicator's title
    assert "Source:" in html
    assert "Pat" not in html
    assert "Quill" not in html
    event = AuditEvent.objects.filter(action="report.read").get()
    assert (event.actor, event.person_id, event.outcome) == ("commissioner", None, "allowed")


def test_a_practitioner_may_not_see_the_area_figures(area: Area) -> None:
    assert browser_for(area.therapist.user).get("/dashboard").status_code == 404
    assert AuditEvent.objects.filter(action="report.read", outcome="denied").exists()


def test_a_bad_period_is_named_beside_its_field(area: Area) -> None:
    commissioner = browser_for(area.commissioner.user)
    response = commissioner.get("/dashboard", {"start": "2026-05-01", "end": "2026-01-01"})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="end-error"' in html
    assert "must not be before the start" in html
    assert 'value="2026-05-01"' in html  # what was typed is kept
    response = commissioner.get("/dashboard", {"start": "soon"})
    assert 'id="start-error"' in response.content.decode()


def test_the_dashboard_and_nwd_report_give_the_same_figures(area: Area, tmp_path: Path) -> None:
    """One use case (services.area_report): the page's figures are the command's."""
    register_person(area.therapist, {"given_name": "Pat", "family_name": "Quill"})
    year = Period(date(2025, 4, 1), date(2026, 3, 31))
    shown = area_figures(area.commissioner, year).publication
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(
        app, ["report", "--period", "2025-04-01:2026-03-31", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as file:
        assert list(csv.DictReader(file)) == long_rows(shown)


def test_the_charts_are_named_inline_svg_the_csp_allows(
    area: Area, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chart is one image with a name, no script and no style (style-src 'self'), with
    the same numbers in the table beside it; on the tiny extract 8 times over, published."""
    t = open_extract(eight_times(tmp_path / "extract"))
    year = Period(date(2025, 4, 1), date(2026, 3, 31))
    shown = Figures(publish(count_all(t, year)), trend(t, year))
    monkeypatch.setattr(web_dashboard, "area_figures", lambda actor, period: shown)
    html = browser_for(area.commissioner.user).get("/dashboard").content.decode()
    svgs = re.findall(r"<svg\b.*?</svg>", html[html.index("<main") :], flags=re.DOTALL)
    names = [re.match(r'<svg role="img" aria-label="([^"]+)"', s) for s in svgs]
    assert all(names), [s[:80] for s in svgs]
    labels = [n.group(1) for n in names if n]
    assert labels[:2] == [
        "The headline indicators&#x27; rates by quarter",
        "No wrong door funnel: referrals declined, an alternative route named, treatment "
        "started elsewhere",
    ]
    assert len(labels) > 10  # the breakdowns' charts
    for drawn in svgs:
        assert not re.search(r"<script|<style|\sstyle=|\son[a-z]+=", drawn)
        assert not re.search(r'\s(role|aria-[a-z]+)="', drawn[drawn.index(">") :])
    funnel = html[html.index('id="funnel"') :]
    for stage, count in funnel_stages(shown.publication):
        assert f'{stage.capitalize()}</th><td class="nhsuk-table__cell">{count}</td>' in funnel
