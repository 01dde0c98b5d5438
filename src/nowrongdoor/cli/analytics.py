"""`nwd synth` and `nwd report`: the synthetic nation and the commissioner report."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nowrongdoor.errors import InputError

if TYPE_CHECKING:
    from nowrongdoor.analytics.disclosure import Count
    from nowrongdoor.analytics.indicators import Period


class Engine(StrEnum):
    duckdb = "duckdb"
    postgres = "postgres"
    spark = "spark"


class ReportFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"
    html = "html"


def _period(text: str) -> tuple[date, date]:
    try:
        start, end = (date.fromisoformat(part) for part in text.split(":"))
    except ValueError as error:
        raise InputError(
            "period", f"--period: expected START:END as ISO dates, got {text!r}"
        ) from error
    if end < start:
        raise InputError("period", f"--period: {end} is before {start}")
    return start, end


def synth(
    people: Annotated[int, typer.Option(min=1, help="how many people")],
    out: Annotated[Path, typer.Option(help="the extract folder to write")],
    seed: Annotated[int, typer.Option(help="the same seed gives the same extract")] = 1,
    batch: Annotated[int, typer.Option(min=1, help="people per batch (bounds memory)")] = 100_000,
) -> None:
    """Write a synthetic extract (a nation's worth if you like) based on national figures."""
    import time

    from rich.progress import Progress

    from nowrongdoor.analytics.synth import synthesise

    began = time.perf_counter()
    with Progress(transient=True) as progress:
        task = progress.add_task("synthesising", total=people)
        report = synthesise(
            people, seed, out, batch_size=batch, on_batch=lambda n: progress.advance(task, n)
        )
    seconds = time.perf_counter() - began
    rows = sum(report.rows.values())
    typer.echo(
        f"{out}: {people} people, {rows} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s)"
    )
    for name, count in report.rows.items():
        typer.echo(f"  {name}: {count}")


def report(
    period: Annotated[str, typer.Option(help="START:END, ISO dates, inclusive")],
    out: Annotated[Path, typer.Option(help="the file to write")],
    source: Annotated[
        str | None, typer.Option(help="an extract folder, or a database URL (default: records)")
    ] = None,
    output: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.csv,
    national: Annotated[bool, typer.Option(help="the area total is national: not rounded")] = False,
    engine: Annotated[
        Engine,
        typer.Option(help="postgres: on --source's or NWD_DATABASE_URL's server, in temp tables"),
    ] = Engine.duckdb,
    area: Annotated[
        str | None, typer.Option(help="only the services of this organisation (by name)")
    ] = None,
) -> None:
    """The commissioner indicators in long form, disclosure control applied."""
    import sys

    from nowrongdoor.analytics import report as writers
    from nowrongdoor.analytics.disclosure import publish
    from nowrongdoor.analytics.engine import EngineUnavailable
    from nowrongdoor.analytics.indicators import Period

    try:
        start, end = _period(period)
        counts = _counts(source, Period(start, end), engine, area)
    except (InputError, EngineUnavailable, ValueError) as error:
        sys.stderr.write(f"{error}\n")
        raise typer.Exit(2) from error
    publication = publish(counts, national=national)
    if output is ReportFormat.html:
        from nowrongdoor.analytics.html_report import write_html

        write_html(publication, Period(start, end), out)
    else:
        write = writers.write_csv if output is ReportFormat.csv else writers.write_parquet
        write(publication, out)
    typer.echo(f"{out}: {len(publication.cells)} rows; {publication.note}", err=True)


def _counts(source: str | None, period: Period, engine: Engine, area: str | None) -> list[Count]:
    """Counts from an extract folder, or from a database extracted to a temporary folder."""
    import os
    import tempfile

    from rich.progress import Progress

    from nowrongdoor.analytics.engine import connect, count_all, open_extract
    from nowrongdoor.analytics.indicators import REGISTRY

    is_folder = source is not None and Path(source).is_dir()
    if source is not None and not is_folder:
        os.environ["NWD_DATABASE_URL"] = source
    con = connect(engine.value, os.environ.get("NWD_DATABASE_URL"))
    try:
        with tempfile.TemporaryDirectory(prefix="nwd-extract-") as scratch:
            if source is not None and is_folder:
                folder = Path(source)
            else:
                from nowrongdoor.analytics.extract import extract_records
                from nowrongdoor.config.boot import boot

                boot()
                folder = Path(scratch)
                extract_records(folder, period.end)
            with Progress(transient=True) as progress:
                task = progress.add_task("indicators", total=len(REGISTRY))
                return count_all(
                    open_extract(folder, con),
                    period,
                    on_indicator=lambda _: progress.advance(task),
                    area=area,
                )
    finally:
        con.disconnect()
