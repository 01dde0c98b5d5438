"""`nwd synth` and `nwd report` end to end, through the Typer app."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from html import escape
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from analytics.test_engines import PG_URL, needs_postgres, spark_or_skip
from nowrongdoor.analytics.disclosure import AREA, Count
from nowrongdoor.analytics.engine import count_all, open_extract
from nowrongdoor.analytics.html_report import trend
from nowrongdoor.analytics.indicators import BY_ID, REGISTRY, Period
from nowrongdoor.analytics.tables import SCHEMAS, table_path
from nowrongdoor.cli.app import app

runner = CliRunner()
YEAR = "2025-04-01:2026-03-31"


def synth(out: Path, seed: int) -> None:
    result = runner.invoke(
        app, ["synth", "--people", "2000", "--seed", str(seed), "--out", str(out), "--batch", "700"]
    )
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "extract"
    synth(out, 7)
    return out


def test_synth_writes_every_table_in_the_extract_shape(extract: Path) -> None:
    for name, schema in SCHEMAS.items():
        assert pq.read_schema(table_path(extract, name)).equals(schema, check_metadata=False)
    assert pq.read_metadata(table_path(extract, "people")).num_rows == 2000


def test_synth_is_reproducible_by_seed(extract: Path, tmp_path: Path) -> None:
    synth(tmp_path / "again", 7)
    synth(tmp_path / "other", 8)
    for name in ("people", "episodes", "therapy_sessions"):
        first = pq.read_table(table_path(extract, name))
        assert first.equals(pq.read_table(table_path(tmp_path / "again", name)))
        assert not first.equals(pq.read_table(table_path(tmp_path / "other", name)))


def test_report_csv_is_long_form_and_disclosure_controlled(extract: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    result = runner.invoke(
        app, ["report", "--period", YEAR, "--source", str(extract), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == [
        "indicator",
        "breakdown",
        "group",
        "numerator",
        "denominator",
        "value",
        "gap",
    ]
    assert {row["indicator"] for row in rows} >= {"therapy_recovery", "successful_completion"}
    for row in rows:
        for column in ("numerator", "denominator"):
            assert row[column] == "*" or int(row[column]) % 5 == 0
            assert row[column] == "*" or not 1 <= int(row[column]) <= 7


def test_report_parquet_matches_csv(extract: Path, tmp_path: Path) -> None:
    for form in ("csv", "parquet"):
        args = ["report", "--period", YEAR, "--source", str(extract), "--format", form]
        result = runner.invoke(app, [*args, "--out", str(tmp_path / f"r.{form}")])
        assert result.exit_code == 0, result.output
    with (tmp_path / "r.csv").open(encoding="utf-8") as file:
        from_csv = list(csv.DictReader(file))
    assert pq.read_table(tmp_path / "r.parquet").to_pylist() == from_csv


def test_report_refuses_a_backwards_period(extract: Path, tmp_path: Path) -> None:
    args = ["report", "--period", "2026-03-31:2025-04-01", "--source", str(extract)]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "r.csv")])
    assert result.exit_code == 2


def test_report_html_is_self_contained(extract: Path, tmp_path: Path) -> None:
    """Opens offline: no script, stylesheet or image is fetched from anywhere."""
    out = tmp_path / "report.html"
    args = ["report", "--period", YEAR, "--source", str(extract), "--format", "html"]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    tags = re.sub(r"(<script[^>]*>).*?</script>", r"\1", page, flags=re.DOTALL)
    assert not re.search(r"<(script|img|link|iframe)[^>]+(src|href)=", tags)
    assert "vegaEmbed" in page
    for indicator in REGISTRY:
        assert escape(indicator.title) in page
        assert escape(indicator.source) in page


def report_csv(extract: Path, out: Path, *options: str) -> str:
    args = ["report", "--period", YEAR, "--source", str(extract), "--out", str(out), *options]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_report_postgres_engine_needs_a_postgresql_server(
    extract: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NWD_DATABASE_URL", f"sqlite:///{tmp_path / 'records.sqlite3'}")
    args = ["report", "--period", YEAR, "--source", str(extract), "--engine", "postgres"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "r.csv")])
    assert result.exit_code == 2
    assert "needs a PostgreSQL URL" in result.output


@needs_postgres
def test_report_on_the_postgres_engine_matches_duckdb(
    extract: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The extract is copied into temporary tables on NWD_DATABASE_URL's server."""
    monkeypatch.setenv("NWD_DATABASE_URL", PG_URL or "")
    on_postgres = report_csv(extract, tmp_path / "pg.csv", "--engine", "postgres")
    assert on_postgres == report_csv(extract, tmp_path / "duckdb.csv")


@pytest.mark.slow
def test_report_on_the_spark_engine_matches_duckdb(extract: Path, tmp_path: Path) -> None:
    spark_or_skip()  # the command's session is this one (getOrCreate); it stops it
    on_spark = report_csv(extract, tmp_path / "spark.csv", "--engine", "spark")
    assert on_spark == report_csv(extract, tmp_path / "duckdb.csv")


@pytest.fixture(scope="module")
def two_areas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40,000 people: two synthetic areas, each its own organisation ("area 001", "area 002")."""
    out = tmp_path_factory.mktemp("nation") / "extract"
    args = ["synth", "--people", "40000", "--seed", "5", "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    return out


def by_service(counts: list[Count]) -> dict[tuple[str, str], tuple[int, int]]:
    return {
        (c.indicator, c.group): (c.numerator, c.denominator)
        for c in counts
        if c.breakdown == "service"
    }


def test_an_area_counts_the_units_at_its_own_services(two_areas: Path) -> None:
    """The area's service groups are the nation's for those services, and its totals their
    sums: nothing from the other area is counted, nothing of its own is lost."""
    year = Period(date(2025, 4, 1), date(2026, 3, 31))
    nation = by_service(count_all(open_extract(two_areas), year))
    area = count_all(open_extract(two_areas), year, area="area 001")
    ours = {key: value for key, value in nation.items() if key[1].startswith("area 001 ")}
    assert len({indicator for indicator, _ in ours}) >= 10  # some have no synthetic units yet
    assert by_service(area) == ours
    for total in (c for c in area if c.breakdown == AREA):
        at_services = [value for key, value in ours.items() if key[0] == total.indicator]
        assert total.numerator == sum(n for n, _ in at_services)
        assert total.denominator == sum(d for _, d in at_services)


def test_report_area_lists_only_its_services(two_areas: Path, tmp_path: Path) -> None:
    text = report_csv(two_areas, tmp_path / "area.csv", "--area", "area 002")
    services = {
        row["group"] for row in csv.DictReader(text.splitlines()) if row["breakdown"] == "service"
    }
    assert services == {"area 002 drug-alcohol-service", "area 002 iapt", "area 002 prison"}


def test_report_refuses_an_unknown_area(two_areas: Path, tmp_path: Path) -> None:
    args = ["report", "--period", YEAR, "--source", str(two_areas), "--area", "area 999"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "r.csv")])
    assert result.exit_code == 2
    assert "no organisation 'area 999'" in result.output


@pytest.mark.parametrize(
    ("indicator", "group", "published", "within"),
    [
        ("co_occurring_in_treatment", "all", 70.0, 3.0),  # OHID 2023-24: about 70%
        ("successful_completion", "opiate", 5.3, 1.5),  # PHOF C19a 2024-25
        ("successful_completion", "alcohol-only", 34.6, 3.0),  # PHOF C19c 2024-25
        ("deaths_in_treatment", "all", 1.4, 0.4),  # OHID 2022-23: 1.4% of adults in treatment
        ("wait_drug_alcohol_3_weeks", "all", 98.0, 1.5),  # OHID: 98-99% within 3 weeks
        ("therapy_recovery", "all", 50.0, 3.0),  # Talking Therapies: about 48-50%
    ],
)
def test_the_synthetic_nation_matches_published_figures(
    tmp_path_factory: pytest.TempPathFactory,
    indicator: str,
    group: str,
    published: float,
    within: float,
) -> None:
    """synth.py's distributions reproduce the figures they were fitted to (docstring there)."""
    folder = tmp_path_factory.getbasetemp() / "nation-60000"
    if not folder.exists():
        result = runner.invoke(app, ["synth", "--people", "60000", "--out", str(folder)])
        assert result.exit_code == 0, result.output
    year = Period(date(2025, 4, 1), date(2026, 3, 31))
    counts = count_all(open_extract(folder), year, [BY_ID[indicator]])
    breakdown = AREA if group == "all" else "substance_group"
    (count,) = [c for c in counts if c.breakdown == breakdown and c.group == group]
    assert abs(100 * count.numerator / count.denominator - published) <= within


def test_report_html_has_the_areas_quarterly_trend(two_areas: Path, tmp_path: Path) -> None:
    """The trend chart's points are the area's headline values by quarter, as `trend` counts
    them (disclosure control applied to each quarter)."""
    out = tmp_path / "area.html"
    report_csv(two_areas, out, "--format", "html", "--area", "area 001")
    spec = json.loads(re.search(r"const spec = (\{.*\});\n", out.read_text()).group(1))  # type: ignore[union-attr]
    trend_chart = spec["vconcat"][0]
    assert trend_chart["title"] == "Trend: headline indicators by quarter"
    drawn = {
        (v["quarter"], v["indicator"], v["value"])
        for v in spec["datasets"][trend_chart["data"]["name"]]
    }
    year = Period(date(2025, 4, 1), date(2026, 3, 31))
    counted = {
        (str(q.start), BY_ID[c.indicator].title, c.value)
        for q, publication in trend(open_extract(two_areas), year, area="area 001")
        for c in publication.cells
        if c.breakdown == AREA and c.value is not None
    }
    assert drawn == counted
    assert len({quarter for quarter, _, _ in drawn}) == 4
