"""`nwd seed`: a reproducible synthetic area, made through audited use cases, with two years
of pathways behind the seed's date for the commissioner report."""

from __future__ import annotations

import sqlite3
import sys
from datetime import date, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from nowrongdoor.analytics.disclosure import AREA
from nowrongdoor.analytics.engine import count_all, open_extract
from nowrongdoor.analytics.extract import extract_records
from nowrongdoor.analytics.indicators import Period
from nowrongdoor.analytics.tables import table_path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from helpers import run_nwd


def seeded(path: Path, seed: int) -> list[tuple[object, ...]]:
    done = run_nwd("seed", "--people", "6", "--seed", str(seed), database=path)
    assert done.returncode == 0, done.stderr
    verify = run_nwd("audit", "verify", database=path)
    assert verify.returncode == 0, verify.stderr
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT p.given_name, p.family_name, p.date_of_birth, s.instrument, s.total "
            "FROM people_person p JOIN clinical_screening s ON s.person_id = p.id "
            "ORDER BY p.id, s.id"
        ).fetchall()


def test_the_same_seed_gives_the_same_area(tmp_path: Path) -> None:
    first = seeded(tmp_path / "a.sqlite3", 11)
    assert len(first) == 12  # six people, two screenings each
    assert seeded(tmp_path / "b.sqlite3", 11) == first
    assert seeded(tmp_path / "c.sqlite3", 12) != first


# The past financial year as of a fixed seed date: what `nwd report --period` shows on the
# demo area. Each indicator's area total must count something; values are not fixed.
TODAY = date(2026, 11, 24)
PAST_YEAR = Period(date(2025, 4, 1), date(2026, 3, 31))
REPORTED = (
    "co_occurring_in_treatment",
    "new_presentations",
    "wait_drug_alcohol_3_weeks",
    "successful_completion",
    "top_abstinence",
    "top_reduced_use",
    "top_quality_of_life",
    "therapy_entering_treatment",
    "therapy_finished_course",
    "therapy_recovery",
    "therapy_reliable_improvement",
    "wait_therapy_6_weeks",
    "wait_therapy_18_weeks",
    "declined_without_route",
    "declined_started_elsewhere",
    "named_coordinator",
    "care_plan_reviewed_on_time",
    "crisis_plan",
    "check_ups_done",
    "living_with_children",
    "not_suitable_offered_route",
    "not_suitable_started_route",
    "consent_coverage",
    "continuity_after_prison",
)


@pytest.mark.django_db
def test_the_demo_area_has_a_past_financial_year_to_report(tmp_path: Path) -> None:
    from nowrongdoor.records.care.models import EpisodeOfCare
    from nowrongdoor.records.directory.models import Service
    from nowrongdoor.services.seed import DOORS, seed_area

    seed_area(120, seed=1, today=TODAY)
    extract_records(tmp_path, TODAY)
    counts = {
        c.indicator: c for c in count_all(open_extract(tmp_path), PAST_YEAR) if c.breakdown == AREA
    }
    for name in REPORTED:
        assert counts[name].denominator > 0, name
    for count in counts.values():
        assert 0 <= count.numerator <= count.denominator, count
    assert counts["declined_without_route"].numerator == 0  # every decline names a route
    episodes = pq.read_table(table_path(tmp_path, "episodes")).to_pylist()
    started = [e for e in episodes if e["substance_group"] is not None]
    assert {e["substance_group"] for e in started} >= {"opiate", "alcohol-only"}
    # Nothing is dated after the seed's today, and everything goes back at most two years.
    for e in episodes:
        steps = [e["referral_received"], e["treatment_started"], e["discharged"]]
        assert all(TODAY - timedelta(days=800) <= d <= TODAY for d in steps if d), e
    # Every door has someone still waiting or in care, for its caseload.
    for setting in DOORS:
        open_here = EpisodeOfCare.objects.filter(service__setting=setting, discharged=None)
        assert open_here.exists(), setting
    assert Service.objects.count() == 11
