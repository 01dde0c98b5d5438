"""The area's figures kept between views (services/figure_cache.py): what is kept is exactly
what the engine publishes, it is found again only while no record has changed, figures with
disclosure control lifted are never kept, and the dashboard draws its charts once per kept
figures. Tests of the mechanics count calls to a stand-in for the engine; the others count."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from record_area import Area, browser_for
from typer.testing import CliRunner

from nowrongdoor.analytics.disclosure import Count, Lifting, publish
from nowrongdoor.analytics.indicators import Period
from nowrongdoor.cli.app import app
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.directory.models import Service
from nowrongdoor.records.figures.models import KeptFigures
from nowrongdoor.services import (
    area_report,
    clinical,
    consent,
    coordination,
    episodes,
    figure_cache,
    outcomes,
    referrals,
)
from nowrongdoor.services.area_report import Figures, cached_figures
from nowrongdoor.services.dashboard import area_figures
from nowrongdoor.services.people import read_person, register_person
from nowrongdoor.services.seed import seed_area
from nowrongdoor.web import dashboard as web_dashboard

TODAY = date.today()
YEAR = Period(TODAY - timedelta(days=364), TODAY)
SEEDED = date(2026, 11, 24)  # the seed's own today, so the seeded area is the same each run
SEEDED_YEAR = Period(SEEDED - timedelta(days=364), SEEDED)


def unkept(figures: Figures) -> Figures:
    return Figures(figures.publication, figures.quarterly)


def people_in_drug_treatment(area: Area, how_many: int) -> None:
    for n in range(how_many):
        person = register_person(area.keyworker, {"given_name": "Sam", "family_name": f"R{n}"})
        episode = person.episodes.get()
        episodes.start_treatment(area.keyworker, episode.pk, TODAY)


def in_treatment(figures: Figures) -> tuple[int | None, int | None]:
    cell = next(
        c
        for c in figures.publication.cells
        if (c.indicator, c.breakdown) == ("co_occurring_in_treatment", "area")
    )
    return cell.numerator, cell.denominator


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[Period]:
    """The engine replaced by a stand-in that publishes a small, fixed set of counts and
    records each period it is asked for: the cache's mechanics, without seconds of counting."""
    asked: list[Period] = []

    def computing(period: Period, **options: Any) -> Figures:
        asked.append(period)
        counts = [
            Count("co_occurring_in_treatment", "area", "all", 20, 40),
            Count("co_occurring_in_treatment", "sex", "female", 10, 20),
            Count("co_occurring_in_treatment", "sex", "male", 10, 20),
        ]
        quarterly = [(period, publish(counts))] if options.get("quarterly") else []
        return Figures(publish(counts, lifting=options.get("lifting")), quarterly)

    monkeypatch.setattr(area_report, "figures", computing)
    return asked


# ---- what is kept is what the engine publishes


def test_kept_figures_are_the_engines_published_figures_suppressed_cells_and_all(
    db: None,
) -> None:
    seed_area(40, seed=3, today=SEEDED)
    computed = cached_figures(SEEDED_YEAR, quarterly=True)
    found = cached_figures(SEEDED_YEAR, quarterly=True)
    assert found.kept == computed.kept  # the second came from the cache...
    fresh = area_report.figures(SEEDED_YEAR, quarterly=True)
    assert unkept(found) == unkept(computed) == fresh  # ...and is the engine's, cell for cell
    cells = found.publication.cells + [c for _, p in found.quarterly for c in p.cells]
    assert any(c.numerator is None for c in cells)  # suppressed
    assert any(c.numerator for c in cells)  # and shown
    assert any(isinstance(c.value, float) for c in cells)
    assert len(found.quarterly) == 5


# ---- found again only while no record has changed


def test_a_change_to_the_records_is_counted_at_the_next_view(area: Area) -> None:
    """Ten people start drug treatment after the figures were kept: the next view counts
    them (0 before, 10 after), not the kept figures."""
    before = cached_figures(YEAR, quarterly=True)
    assert in_treatment(before) == (0, 0)
    people_in_drug_treatment(area, 10)
    after = cached_figures(YEAR, quarterly=True)
    assert in_treatment(after)[1] == 10
    assert after.kept is not None
    assert before.kept is not None
    assert after.kept.version != before.kept.version
    assert unkept(after) == area_report.figures(YEAR, quarterly=True)


def _person(area: Area) -> int:
    return register_person(area.therapist, {"given_name": "Kit", "family_name": "Moss"}).pk


CHANGES: dict[str, Callable[[Area, int], object]] = {
    "register a person": lambda a, p: _person(a),
    "record a screening": lambda a, p: clinical.record_screening(a.therapist, p, "phq9", [1] * 9),
    "record consent": lambda a, p: consent.record_consent(a.therapist, p, a.drugs.pk, "given"),
    "refer": lambda a, p: referrals.refer(a.therapist, p, a.drugs.pk, "specialist assessment"),
    "name a coordinator": lambda a, p: coordination.name_coordinator(
        a.therapist, p, a.therapist.user.pk, "case-manager"
    ),
    "start treatment": lambda a, p: episodes.start_treatment(
        a.therapist, read_person(a.therapist, p).episodes.get().pk, TODAY
    ),
    "record a TOP": lambda a, p: outcomes.record_top(a.therapist, p, "start", {}),
    "start a course": lambda a, p: outcomes.start_course(a.therapist, p),
    "rename a service": lambda a, p: Service.objects.filter(pk=a.drugs.pk).update(name="Hub"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_change_moves_the_data_version(area: Area, change: str) -> None:
    person = _person(area)
    consent.record_consent(area.therapist, person, area.drugs.pk, "given")  # so they may refer
    version = figure_cache.data_version()
    CHANGES[change](area, person)
    assert figure_cache.data_version() != version


def test_reads_and_views_do_not_move_the_data_version(area: Area, counted: list[Period]) -> None:
    person = _person(area)
    version = figure_cache.data_version()
    read_person(area.therapist, person)
    area_figures(area.commissioner, YEAR)
    browser_for(area.commissioner.user).get("/dashboard")
    browser_for(area.gp_doctor.user).get(f"/people/{person}")  # refused, and audited
    assert AuditEvent.objects.filter(outcome="denied").exists()
    assert figure_cache.data_version() == version


def test_figures_are_counted_once_while_nothing_changes_and_each_view_audited(
    area: Area, counted: list[Period]
) -> None:
    for _ in range(3):
        area_figures(area.commissioner, YEAR)
    assert counted == [YEAR]
    assert AuditEvent.objects.filter(action="report.read", outcome="allowed").count() == 3
    _person(area)
    area_figures(area.commissioner, YEAR)
    assert counted == [YEAR, YEAR]
    assert KeptFigures.objects.count() == 1  # replaced, not added beside


def test_figures_kept_longer_than_a_day_are_counted_again(
    area: Area, counted: list[Period]
) -> None:
    cached_figures(YEAR)
    KeptFigures.objects.update(computed_at=timezone.now() - timedelta(hours=24, minutes=1))
    cached_figures(YEAR)
    assert counted == [YEAR, YEAR]


def test_new_code_counts_again(
    area: Area, counted: list[Period], monkeypatch: pytest.MonkeyPatch
) -> None:
    cached_figures(YEAR)
    monkeypatch.setattr(figure_cache, "code_version", lambda: "a changed indicator")
    cached_figures(YEAR)
    assert counted == [YEAR, YEAR]


def test_each_scope_is_kept_apart(area: Area, counted: list[Period]) -> None:
    other = Period(YEAR.start, YEAR.end - timedelta(days=1))
    with_quarters = cached_figures(YEAR, quarterly=True)
    assert cached_figures(YEAR).quarterly == []  # served by the entry with the quarters
    cached_figures(other)
    cached_figures(YEAR, area="Riverside NHS Trust")
    cached_figures(YEAR, national=True)
    cached_figures(other, quarterly=True)  # the entry without quarters cannot serve this
    assert counted == [YEAR, other, YEAR, YEAR, other]
    assert cached_figures(YEAR, quarterly=True) == with_quarters


# ---- lifted figures are never kept


def test_lifted_figures_are_never_kept_and_the_next_view_is_controlled(
    area: Area, tmp_path: Path
) -> None:
    """Three people in treatment: `nwd report --lift-disclosure` on the records shows 3 and
    keeps nothing; the kept figures and the dashboard still suppress them."""
    people_in_drug_treatment(area, 3)
    controlled = cached_figures(YEAR)
    assert in_treatment(controlled)[1] is None
    out = tmp_path / "lifted.csv"
    period = f"{YEAR.start}:{YEAR.end}"
    lift = ("--lift-disclosure", "checking", "--as", "commissioner")
    result = CliRunner().invoke(app, ["report", "--period", period, "--out", str(out), *lift])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()[1:]))
    lifted = next(
        r for r in rows if (r["indicator"], r["breakdown"]) == ("co_occurring_in_treatment", "area")
    )
    assert lifted["denominator"] == "3"
    kept = KeptFigures.objects.get()
    assert "LIFTED" not in str(kept.figures)
    assert unkept(cached_figures(YEAR)) == unkept(controlled)
    page = browser_for(area.commissioner.user).get("/dashboard").content.decode()
    assert "(* of *)" in page[page.index('id="co_occurring_in_treatment"') :]
    assert "LIFTED" not in page


def test_keeping_lifted_figures_is_refused(area: Area, counted: list[Period]) -> None:
    lifted = area_report.figures(YEAR, lifting=Lifting("checking", "commissioner"))
    assert lifted.publication.lifted
    with pytest.raises(ValueError, match="never kept"):
        figure_cache.keep(
            YEAR, lifted, area=None, national=False, quarterly=False, version="v", seconds=0
        )
    assert not KeptFigures.objects.exists()


# ---- the dashboard draws its charts once per kept figures


def _dashboard(user: User) -> str:
    response = browser_for(user).get("/dashboard")
    assert response.status_code == 200
    return response.content.decode()


def test_the_dashboard_is_drawn_once_and_then_shown_from_the_cache(
    area: Area, counted: list[Period], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _dashboard(area.commissioner.user)
    assert 'id="counted-at"' in first
    assert first.count("<svg ") >= 2  # the trend and the breakdown

    def no_drawing(*args: object) -> str:
        raise AssertionError("drew a chart already kept")

    monkeypatch.setattr(web_dashboard.vl_convert, "vegalite_to_svg", no_drawing)
    second = _dashboard(area.commissioner.user)
    assert counted == [YEAR]
    assert _without_nonces(second) == _without_nonces(first)


def test_kept_charts_changed_in_the_database_are_drawn_again(
    area: Area, counted: list[Period]
) -> None:
    """Charts are markup put on the page as they are: one changed in the database (no
    longer matching its signature) is refused and drawn again."""
    _dashboard(area.commissioner.user)
    kept = KeptFigures.objects.get()
    kept.drawings["charts"]["trend"] = '<svg><script>alert("kept")</script></svg>'
    kept.save()
    page = _dashboard(area.commissioner.user)
    assert "alert(" not in page
    assert page.count("<svg ") >= 2


def _without_nonces(html: str) -> str:
    """The page without what changes on every response (the CSP nonce, the CSRF token)."""
    return re.sub(r'(nonce|value)="[^"]*"', "", html)
