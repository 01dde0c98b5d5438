"""`nwd synth` and `nwd report` end to end, through the Typer app."""

from __future__ import annotations

import csv
import re
from html import escape
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from nowrongdoor.analytics.indicators import REGISTRY
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
