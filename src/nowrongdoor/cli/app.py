"""The Typer application behind `nwd`: one thin command per use case."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from nowrongdoor.cli.analytics import report, synth
from nowrongdoor.cli.exchange import exchange_app
from nowrongdoor.cli.records import audit_app, db_app, demo, seed, serve, token_app
from nowrongdoor.cli.score import main as score_main

app = typer.Typer(
    name="nwd",
    help="nowrongdoor: screen, assess and coordinate care for co-occurring mental health "
    "and alcohol/drug use conditions.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(exchange_app)
app.command()(seed)
app.command()(serve)
app.command()(demo)
app.add_typer(token_app, name="token")
app.command()(synth)
app.command()(report)


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def score(ctx: typer.Context) -> None:
    """Score a screening instrument (nwd score --help for its options)."""
    raise typer.Exit(score_main(list(ctx.args)))


class SchemaName(StrEnum):
    score = "score"
    case = "case"
    assessment = "assessment"


class Format(StrEnum):
    json = "json"
    text = "text"


@app.command()
def assess(
    file: Annotated[
        str, typer.Argument(help='case JSON (or a vignette, {"case": ...}), or - for stdin')
    ] = "-",
    output: Annotated[
        Format, typer.Option("--format", help="json, or text for a person")
    ] = Format.json,
    batch: Annotated[str | None, typer.Option(help="one case per line (JSONL)")] = None,
) -> None:
    """Assess one case against the pathway rules: what to ask, offer, refer, and why."""
    import sys

    from nowrongdoor.cli import assess as command
    from nowrongdoor.errors import InputError

    try:
        if batch:
            if output is not Format.json or file != "-":
                raise InputError("batch", "assess: --batch prints JSON lines; drop FILE/--format")
            raise typer.Exit(command.assess_lines(batch, sys.stdin, sys.stdout, sys.stderr))
        assessment = command.assess_one(file, sys.stdin)
    except InputError as error:
        command.fail(error)
    if output is Format.text:
        sys.stdout.write(command.as_text(assessment))
    else:
        sys.stdout.write(json.dumps(assessment, ensure_ascii=False) + "\n")


@app.command()
def rules(
    code: Annotated[str | None, typer.Argument(help="show one rule")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for machines")] = False,
) -> None:
    """List the pathway rule catalogue (code, priority, when, source)."""
    import sys

    from nowrongdoor.cli import assess as command
    from nowrongdoor.errors import InputError

    try:
        command.rules_table(code, as_json, sys.stdout)
    except InputError as error:
        command.fail(error)


@app.command()
def schema(name: SchemaName) -> None:
    """Print the JSON Schema of a command's input and output."""
    from nowrongdoor.guidance.schemas import json_schema

    typer.echo(json.dumps(json_schema(name.value), indent=1))
