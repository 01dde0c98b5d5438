"""`nwd db ...` and `nwd audit ...`: commands that need the database (Django booted here)."""

from __future__ import annotations

from typing import Annotated

import typer

db_app = typer.Typer(help="The database: migrate.", no_args_is_help=True)
audit_app = typer.Typer(
    help="The audit trail: verify the hash chain, list events.", no_args_is_help=True
)


@db_app.command()
def migrate() -> None:
    """Create or update the tables (NWD_DATABASE_URL; default SQLite under var/)."""
    from nowrongdoor.config.boot import boot

    boot()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    typer.echo(f"database ready: {connection.vendor} {connection.settings_dict['NAME']}")


@audit_app.command("list")
def list_events(
    person: Annotated[int | None, typer.Option(help="only events about this person")] = None,
    outcome: Annotated[str | None, typer.Option(help="allowed or denied")] = None,
    action: Annotated[str | None, typer.Option(help="e.g. person.read")] = None,
    limit: Annotated[int, typer.Option(min=1, help="the latest N events")] = 50,
) -> None:
    """The latest events, oldest first, one JSON object per line (for an IG officer's review)."""
    import orjson

    from nowrongdoor.config.boot import boot

    boot()
    from nowrongdoor.records.audit.models import AuditEvent

    events = AuditEvent.objects.all()
    if person is not None:
        events = events.filter(person_id=person)
    if outcome is not None:
        events = events.filter(outcome=outcome)
    if action is not None:
        events = events.filter(action=action)
    fields = ("sequence", "at", "actor", "role", "service_id", "action", "person_id", "outcome")
    for row in reversed(events.order_by("-sequence").values(*fields, "reason")[:limit]):
        typer.echo(orjson.dumps(row).decode())


@audit_app.command()
def verify(
    quiet: Annotated[bool, typer.Option("--quiet", help="print only on failure")] = False,
) -> None:
    """Exit 0 when the chain is intact; 1, naming the first broken event, when not."""
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError

    from nowrongdoor.config.boot import boot
    from nowrongdoor.errors import NwdError

    try:
        boot()
        from nowrongdoor.services.audit import verify as verify_chain

        verdict = verify_chain()
    except (NwdError, ImproperlyConfigured, DatabaseError) as error:
        # Not a verdict on the chain: the database could not be read at all (exit 2).
        typer.echo(f"audit verify: cannot read the audit trail: {error}".splitlines()[0], err=True)
        raise typer.Exit(2) from None
    if verdict.intact:
        if not quiet:
            typer.echo(f"audit chain intact: {verdict.events} events")
        return
    typer.echo(f"audit chain broken at event {verdict.broken_at}: {verdict.problem}", err=True)
    raise typer.Exit(1)


def seed(
    people: Annotated[int, typer.Option("--people", min=0, help="how many people to add")] = 50,
    seed: Annotated[int, typer.Option("--seed", help="the same seed gives the same area")] = 1,
) -> None:
    """Migrate, then add a reproducible synthetic area (demo data, invented people)."""
    from nowrongdoor.config.boot import boot

    boot()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from nowrongdoor.services.seed import DEMO_PASSWORD, seed_area

    report = seed_area(people, seed)
    typer.echo(
        f"seeded {report.people} people across {report.services} services "
        f"({report.staff} staff; demo password {DEMO_PASSWORD!r})"
    )


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="port")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="processes sharing the port (one per core)")
    ] = 1,
) -> None:
    """Serve the app and API with waitress (a production WSGI server); no seeding."""
    from nowrongdoor.config.boot import boot

    boot()
    from nowrongdoor.config.wsgi import application

    typer.echo(f"nowrongdoor on http://{host}:{port}/ (API docs at /api/docs)")
    if workers == 1:
        import waitress

        waitress.serve(application, host=host, port=port, threads=8, ident="nowrongdoor")
    else:
        _serve_in_processes(application, host, port, workers)


def _serve_in_processes(application: object, host: str, port: int, workers: int) -> None:
    """Waitress is one process, which Python's GIL keeps to one core: fork `workers` of
    them onto one listening socket, and stop them all when this parent is stopped."""
    import os
    import signal
    import socket

    import waitress
    from django.db import connections

    connections.close_all()  # each process opens its own database connections
    listener = socket.create_server((host, port), backlog=2048)
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            waitress.serve(application, sockets=[listener], threads=8, ident="nowrongdoor")
            os._exit(0)
        children.append(pid)
    listener.close()

    def stop(signum: int, frame: object) -> None:
        for child in children:
            os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for child in children:
        os.waitpid(child, 0)


token_app = typer.Typer(help="API tokens for other systems.", no_args_is_help=True)


@token_app.command("create")
def create_token(
    username: Annotated[str, typer.Option("--as", help="the user the token acts as")],
    label: Annotated[str, typer.Option(help="what the token is for")] = "",
) -> None:
    """Issue a bearer token (printed once; only its hash is kept)."""
    from nowrongdoor.config.boot import boot

    boot()
    from django.contrib.auth.models import User

    from nowrongdoor.api.auth import issue_token

    user = User.objects.filter(username=username).first()
    if user is None:
        typer.echo(f"--as: no user {username!r}", err=True)
        raise typer.Exit(2)
    typer.echo(issue_token(user, label))


def demo(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="port")] = 8000,
    people: Annotated[int, typer.Option(min=0, help="people to seed if the area is empty")] = 200,
) -> None:
    """Migrate, seed a demo area if empty, print the sign-ins, and serve the app."""
    from nowrongdoor.config.boot import boot

    boot()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from nowrongdoor.records.people.models import Person
    from nowrongdoor.services.seed import DEMO_PASSWORD, DEMO_PERSON, seed_area

    if not Person.objects.exists():
        seed_area(people, seed=1)
    typer.echo(f"demo sign-ins (password {DEMO_PASSWORD!r}):")
    for username, role in (
        ("iapt-practitioner", "practitioner, NHS Talking Therapies"),
        ("drug-alcohol-service-coordinator", "care coordinator, drug and alcohol service"),
        ("primary-care-manager", "service manager, primary care"),
        ("commissioner", "commissioner (no identifiable records)"),
        ("admin", "administrator"),
        (DEMO_PERSON, "a person, in their own space (Robin Hale)"),
    ):
        typer.echo(f"  {username:<36} {role}")
    serve(host=host, port=port)
