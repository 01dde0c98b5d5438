"""`nwd report --lift-disclosure PURPOSE --as USERNAME`: an audited internal use. The audit
event is in the records' trail before the file is written, the file says it is unsuppressed,
for whom and why, and nothing is written for anyone else or without a purpose."""

from __future__ import annotations

import csv
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

import pytest
from record_area import Area
from typer.testing import CliRunner

from analytics.conftest import TINY, write_extract
from nowrongdoor.analytics import report as writers
from nowrongdoor.analytics.disclosure import Publication
from nowrongdoor.analytics.engine import count_all, open_extract
from nowrongdoor.analytics.indicators import Period
from nowrongdoor.cli.app import app
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.services import audit

PURPOSE = "checking the area's figures against the service's own records"
YEAR = Period(date(2025, 4, 1), date(2026, 3, 31))
runner = CliRunner()


@pytest.fixture(scope="module")
def tiny_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The analytics tests' tiny extract (its counts are 1-7 and so would be suppressed)."""
    return write_extract(tmp_path_factory.mktemp("tiny"), TINY)


def nwd_report(extract: Path, out: Path, *options: str) -> Any:
    args = ["report", "--period", "2025-04-01:2026-03-31", "--source", str(extract)]
    return runner.invoke(app, [*args, "--out", str(out), *options])


@pytest.mark.parametrize("username", ["commissioner", "admin"])
def test_lifted_figures_are_exact_audited_first_and_say_so(
    area: Area, tiny_extract: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, username: str
) -> None:
    events_when_written: list[list[tuple[str, str, str, int | None]]] = []
    write_csv = writers.write_csv

    def noting_the_trail(publication: Publication, out: Path) -> None:
        events_when_written.append(
            list(AuditEvent.objects.values_list("action", "actor", "reason", "person_id"))
        )
        write_csv(publication, out)

    monkeypatch.setattr(writers, "write_csv", noting_the_trail)
    out = tmp_path / "lifted.csv"
    result = nwd_report(tiny_extract, out, "--lift-disclosure", PURPOSE, "--as", username)
    assert result.exit_code == 0, result.output
    assert events_when_written == [[("report.disclosure_lifted", username, PURPOSE, None)]]
    assert audit.verify().intact
    first, *table = out.read_text(encoding="utf-8").splitlines()
    assert first.startswith(f"# DISCLOSURE CONTROL LIFTED for {PURPOSE!r} by {username!r}")
    rows = list(csv.DictReader(table))
    exact = {
        (c.indicator, c.breakdown, c.group): (str(c.numerator), str(c.denominator))
        for c in count_all(open_extract(tiny_extract), YEAR)
    }
    assert {
        (r["indicator"], r["breakdown"], r["group"]): (r["numerator"], r["denominator"])
        for r in rows
    } == exact
    assert any(1 <= int(r["numerator"]) <= 7 for r in rows)  # the tiny extract's counts: shown


def test_the_html_report_says_it_is_lifted(area: Area, tiny_extract: Path, tmp_path: Path) -> None:
    out = tmp_path / "lifted.html"
    options = ("--format", "html", "--lift-disclosure", PURPOSE, "--as", "commissioner")
    assert nwd_report(tiny_extract, out, *options).exit_code == 0
    note = f"DISCLOSURE CONTROL LIFTED for {PURPOSE!r} by 'commissioner'"
    assert escape(note) in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (("--lift-disclosure", PURPOSE), "--as"),
        (("--as", "commissioner"), "--lift-disclosure"),
        (("--lift-disclosure", "  ", "--as", "commissioner"), "--lift-disclosure"),
        (("--lift-disclosure", PURPOSE, "--as", "nobody"), "--as"),
    ],
)
def test_bad_lifting_options_exit_2_naming_the_option_and_write_nothing(
    area: Area, tiny_extract: Path, tmp_path: Path, options: tuple[str, ...], named: str
) -> None:
    out = tmp_path / "lifted.csv"
    result = nwd_report(tiny_extract, out, *options)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"{named}:")
    assert not out.exists()
    assert not AuditEvent.objects.exists()


def test_only_a_commissioner_or_admin_may_lift_it(
    area: Area, tiny_extract: Path, tmp_path: Path
) -> None:
    """Anyone else is refused (exit 3, access denied) and the refusal is audited."""
    out = tmp_path / "lifted.csv"
    result = nwd_report(tiny_extract, out, "--lift-disclosure", PURPOSE, "--as", "therapist")
    assert result.exit_code == 3, result.output
    assert not out.exists()
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.outcome) == (
        "report.disclosure_lifted",
        "therapist",
        "denied",
    )
