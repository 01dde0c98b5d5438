"""The Typer application behind `nwd`: one thin command per use case."""

from __future__ import annotations

import json
from enum import StrEnum

import typer

from nowrongdoor.cli.score import main as score_main

app = typer.Typer(
    name="nwd",
    help="nowrongdoor: screen, assess and coordinate care for co-occurring mental health "
    "and alcohol/drug use conditions.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def score(ctx: typer.Context) -> None:
    """Score a screening instrument (nwd score --help for its options)."""
    raise typer.Exit(score_main(list(ctx.args)))


class SchemaName(StrEnum):
    score = "score"


@app.command()
def schema(name: SchemaName) -> None:
    """Print the JSON Schema of a command's input and output."""
    from nowrongdoor.guidance.schemas import json_schema

    typer.echo(json.dumps(json_schema(name.value), indent=1))
