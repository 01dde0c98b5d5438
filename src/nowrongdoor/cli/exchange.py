"""`nwd export` and `nwd import`: a person's record as a FHIR R4 Bundle (Django booted here)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from nowrongdoor.errors import NwdError
    from nowrongdoor.services.actor import Actor

exchange_app = typer.Typer(help="A person's record in and out as a FHIR R4 Bundle.")

AS_HELP = "username of the member of staff acting (audited)"


def _fail(error: NwdError) -> NoReturn:
    typer.echo(str(error), err=True)
    raise typer.Exit(error.exit_code)


def _actor(username: str, service_id: int | None) -> Actor:
    """The acting user, in `service_id` when they belong to more than one service."""
    from django.contrib.auth.models import User

    from nowrongdoor.errors import InputError
    from nowrongdoor.records.directory.models import Service
    from nowrongdoor.services.actor import Actor

    user = User.objects.filter(username=username).first()
    if user is None:
        raise InputError("as", f"--as: no user called {username!r}")
    service = None
    if service_id is not None:
        service = Service.objects.filter(pk=service_id).first()
        if service is None:
            raise InputError("service", f"--service: no service {service_id}")
    return Actor.of(user, service)


@exchange_app.command("export")
def export(
    person: Annotated[int, typer.Option("--person", help="the person's id")],
    username: Annotated[str, typer.Option("--as", help=AS_HELP)],
    service: Annotated[int | None, typer.Option("--service", help="act in this service")] = None,
) -> None:
    """Print everything recorded for a person that you may see, as a FHIR R4 Bundle."""
    from nowrongdoor.config.boot import boot

    boot()
    from nowrongdoor.errors import NwdError
    from nowrongdoor.services.exchange import export_person

    try:
        bundle = export_person(_actor(username, service), person)
    except NwdError as error:
        _fail(error)
    typer.echo(json.dumps(bundle, indent=1, ensure_ascii=False))


@exchange_app.command("import")
def import_(
    file: Annotated[str, typer.Argument(help="Bundle JSON, or - for stdin")],
    username: Annotated[str, typer.Option("--as", help=AS_HELP)],
    service: Annotated[int | None, typer.Option("--service", help="act in this service")] = None,
) -> None:
    """Create a person and their records from a FHIR R4 Bundle; print the new person's id."""
    from nowrongdoor.config.boot import boot

    boot()
    from nowrongdoor.cli.io import read_json
    from nowrongdoor.errors import NwdError
    from nowrongdoor.services.exchange import import_bundle

    try:
        bundle = read_json(file, sys.stdin, "bundle")
        person = import_bundle(_actor(username, service), bundle)
    except NwdError as error:
        _fail(error)
    typer.echo(str(person.pk))
