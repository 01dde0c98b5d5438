"""`nwd synth` and `nwd report`: the synthetic nation and the commissioner report."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nowrongdoor.errors import InputError

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from rich.progress import Progress


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

    from nowrongdoor.analytics.synth import synthesise

    began = time.perf_counter()
    with _progress() as progress:
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
    lift: Annotated[
        str | None,
        typer.Option(
            "--lift-disclosure",
            metavar="PURPOSE",
            help="no suppression or rounding, for this internal use (audited; needs --as)",
        ),
    ] = None,
    username: Annotated[
        str | None,
        typer.Option("--as", metavar="USERNAME", help="the commissioner or admin lifting it"),
    ] = None,
) -> None:
    """The commissioner indicators in long form, disclosure control applied (or lifted, as an
    audited internal use: the output then says so, for whom and why)."""
    from nowrongdoor.analytics import report as writers
    from nowrongdoor.analytics.engine import EngineUnavailable
    from nowrongdoor.analytics.indicators import Period
    from nowrongdoor.errors import NwdError

    try:
        the_period = Period(*_period(period))
        purpose = _purpose(lift, username)
        folder = _booted_for(source, audited=purpose is not None)
        from nowrongdoor.services import area_report

        lifting = area_report.lifting(_user(username), purpose) if purpose and username else None
        quarterly = output is ReportFormat.html
        with _progress() as progress:
            if source is None and engine is Engine.duckdb and lifting is None:
                # the records database's figures, as the dashboard's: kept until records change
                figures = area_report.cached_figures(
                    the_period, area=area, quarterly=quarterly, national=national, progress=progress
                )
            else:
                figures = area_report.figures(
                    the_period,
                    folder,
                    engine=engine.value,
                    area=area,
                    quarterly=quarterly,
                    national=national,
                    lifting=lifting,
                    progress=progress,
                )
    except (NwdError, EngineUnavailable, ValueError) as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(error.exit_code if isinstance(error, NwdError) else 2) from error
    publication = figures.publication
    if output is ReportFormat.html:
        from nowrongdoor.analytics.html_report import write_html

        write_html(publication, the_period, out, figures.quarterly)
    else:
        write = writers.write_csv if output is ReportFormat.csv else writers.write_parquet
        write(publication, out)
    typer.echo(f"{out}: {len(publication.cells)} rows; {publication.note}", err=True)
    if figures.kept is not None:
        counted = figures.kept.computed_at.isoformat(timespec="seconds")
        typer.echo(f"counted from the records at {counted}; none has changed since", err=True)


def _purpose(lift: str | None, username: str | None) -> str | None:
    """The purpose disclosure control is lifted for, if it is: with whoever lifts it."""
    if lift is None and username is None:
        return None
    if lift is None or not lift.strip():
        raise InputError("lift_disclosure", "--lift-disclosure: say what the figures are for")
    if username is None or not username.strip():
        raise InputError("as", "--as: name the commissioner or admin lifting disclosure control")
    return lift.strip()


def _booted_for(source: str | None, *, audited: bool) -> Path | None:
    """The extract folder `source` names, or None for a records database (`source`'s URL, else
    NWD_DATABASE_URL's); Django is started for a database, or for the audit trail."""
    import os

    if source is not None and Path(source).is_dir():
        folder: Path | None = Path(source)
    else:
        folder = None
        if source is not None:
            os.environ["NWD_DATABASE_URL"] = source
    if folder is None or audited:
        from nowrongdoor.config.boot import boot

        boot()
    return folder


def _user(username: str) -> User:
    from django.contrib.auth.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        raise InputError("as", f"--as: no user called {username!r}")
    return user


def _progress() -> Progress:
    """Transient progress bars on standard error: standard output stays the command's."""
    from rich.console import Console
    from rich.progress import Progress

    return Progress(console=Console(stderr=True), transient=True)
