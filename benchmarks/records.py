"""Benchmark the records: screen-and-assess use cases per second, and audit verify over 1M events.

Targets (issue "Care records and coordination"): >= 200 use cases/s for record a screening
and assess, with audit, on SQLite (2 cores); `nwd audit verify` over 1,000,000 events in
<= 10 s. Every figure is printed with a baseline measured in the same run:

- use cases: the same scoring and assessing with no database (engines only), and the same
  rows written in the same transactions without the access check and audit event;
- verify: a plain SELECT of the same rows, the ORM iteration alone (no hashing), and the
  same check over plain row tuples with the same hash function (no model instances).

SQLite runs on a file in a temporary directory (WAL, synchronous=NORMAL: the settings of
config/database.py). PostgreSQL runs on NWD_BENCH_PG_URL if set (a throw-away database is
created there and dropped), otherwise on a throw-away server started as scripts/test-postgresql
does, with synchronous_commit=off to match SQLite's durability; it is skipped, with a note,
if neither is possible. Each database is measured in a child process of this script.

Run: uv run python benchmarks/records.py [--pairs N] [--events N] [--no-postgresql]
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import astuple, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

HERE = Path(__file__).resolve()
NWD = str(Path(sys.executable).parent / "nwd")
EVENT_COLUMNS = (
    "sequence, at, actor, role, service_id, action, person_id, object_type, object_id, "
    "outcome, reason, previous_hash, hash"
)


# --- in the child process: Django booted on NWD_DATABASE_URL ------------------------------


def boot_and_migrate() -> None:
    from nowrongdoor.config.boot import boot

    boot()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def screen_and_assess_inputs(count: int) -> list[tuple[list[int], dict[str, Any]]]:
    rng = random.Random(20261123)
    made = []
    for _ in range(count):
        answers = [rng.randrange(4) for _ in range(9)]
        case = {
            "setting": rng.choice(["iapt", "drug-alcohol-service", "primary-care"]),
            "age": rng.randrange(18, 80),
            "contact": "first",
            "screens": {"phq9": answers},
            "alcohol": {"units_per_day": rng.randrange(30)},
            "mental_health": {"conditions": rng.sample(["depression", "anxiety"], 1)},
        }
        made.append((answers, case))
    return made


def use_cases(pairs: int) -> dict[str, float]:
    """Screen-and-assess pairs per second: the use cases, and the two baselines."""
    boot_and_migrate()
    from django.contrib.auth.models import User
    from django.db import transaction

    from nowrongdoor.guidance import instruments
    from nowrongdoor.guidance.pathway import ruleset
    from nowrongdoor.guidance.pathway.assess import assess, parse_case
    from nowrongdoor.guidance.scoring import score_positions
    from nowrongdoor.records.clinical.models import Assessment, Screening
    from nowrongdoor.records.directory.models import Membership, Organisation, Role, Service
    from nowrongdoor.records.people.models import Person
    from nowrongdoor.services.actor import Actor
    from nowrongdoor.services.clinical import record_assessment, record_screening
    from nowrongdoor.services.people import register_person

    trust = Organisation.objects.create(name="Bench Trust")
    service = Service.objects.create(organisation=trust, name="Bench IAPT", setting="iapt")
    user = User.objects.create(username="bench")
    Membership.objects.create(user=user, service=service, role=Role.PRACTITIONER)
    actor = Actor.of(user)
    people = [
        register_person(actor, {"given_name": "P", "family_name": str(n)}).pk for n in range(200)
    ]
    inputs = screen_and_assess_inputs(pairs)
    work = [(people[n % len(people)], *pair) for n, pair in enumerate(inputs)]
    for person_id, answers, case in work[:50]:  # warm up caches and connections
        record_screening(actor, person_id, "phq9", answers)
        record_assessment(actor, person_id, case)

    start = time.perf_counter()
    for person_id, answers, case in work:
        record_screening(actor, person_id, "phq9", answers)
        record_assessment(actor, person_id, case)
    with_audit = len(work) / (time.perf_counter() - start)

    phq9, rules = instruments.load("phq9"), ruleset.default()
    start = time.perf_counter()
    for _, answers, case in work:
        score_positions(phq9, answers)
        assess(parse_case(case), rules)
    engines = len(work) / (time.perf_counter() - start)

    start = time.perf_counter()
    for person_id, answers, case in work:
        score = score_positions(instruments.load("phq9"), answers)
        with transaction.atomic():
            Screening.objects.create(
                person=Person.objects.get(pk=person_id),
                service=service,
                instrument="phq9",
                instrument_version=phq9.version or "",
                answers=list(answers),
                points=list(score.items),
                total=score.total,
                band=score.band,
                flags=list(score.flags),
                recorded_by=user,
            )
        output = assess(parse_case(case), ruleset.default())
        with transaction.atomic():
            Assessment.objects.create(
                person=Person.objects.get(pk=person_id),
                service=service,
                case=case,
                ruleset_name=rules.name,
                ruleset_version=rules.version,
                ruleset_sha256=rules.sha256,
                output=output,
                recorded_by=user,
            )
    no_audit = len(work) / (time.perf_counter() - start)
    return {"with_audit": with_audit, "engines": engines, "no_audit": no_audit}


@dataclass(slots=True)
class Event:
    """One event's hashed fields, in services.audit.HASHED order, without a model instance."""

    sequence: int
    at: datetime
    actor: str
    role: str
    service_id: int | None
    action: str
    person_id: int | None
    object_type: str
    object_id: str
    outcome: str
    reason: str


def fill_chain(count: int) -> float:
    """Append `count` events, hashed by services.audit's own helpers; seconds taken."""
    from django.db import connection, transaction

    from nowrongdoor.records.audit.models import AuditHead
    from nowrongdoor.services.audit import GENESIS, _digest, _fields

    rng = random.Random(20261123)
    actions = [
        ("screening.record", "Screening"),
        ("assessment.record", "Assessment"),
        ("person.read", "Person"),
        ("consent.given", "Consent"),
        ("careplan.revise", "CarePlan"),
    ]
    adapt = connection.ops.adapt_datetimefield_value
    base = datetime(2025, 4, 1, 8, 0, tzinfo=UTC)
    previous = GENESIS
    start = time.perf_counter()
    with transaction.atomic():
        rows: list[tuple[object, ...]] = []
        for sequence in range(1, count + 1):
            action, object_type = rng.choice(actions)
            event = Event(
                sequence=sequence,
                at=base + timedelta(microseconds=sequence * 1_700_003),
                actor=f"staff-{rng.randrange(400)}",
                role="practitioner",
                service_id=rng.randrange(1, 40),
                action=action,
                person_id=rng.randrange(1, 100_000),
                object_type=object_type,
                object_id=str(sequence),
                outcome="allowed",
                reason="active episode of care" if action == "person.read" else "",
            )
            digest = _digest(previous, _fields(astuple(event)))
            rows.append(
                (
                    event.sequence,
                    adapt(event.at),
                    event.actor,
                    event.role,
                    event.service_id,
                    event.action,
                    event.person_id,
                    event.object_type,
                    event.object_id,
                    event.outcome,
                    event.reason,
                    previous,
                    digest,
                )
            )
            previous = digest
            if len(rows) == 50_000 or sequence == count:
                insert(rows)
                rows = []
        AuditHead.objects.update_or_create(pk=1, defaults={"sequence": count, "hash": previous})
    return time.perf_counter() - start


def insert(rows: list[tuple[object, ...]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY audit_auditevent ({EVENT_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * 13)
            cursor.executemany(
                f"INSERT INTO audit_auditevent ({EVENT_COLUMNS}) VALUES ({marks})", rows
            )


def verify_times(count: int) -> dict[str, float]:
    """Seconds for services.audit.verify() over `count` events, and for its baselines."""
    boot_and_migrate()
    from django.db import connection

    from nowrongdoor.records.audit.models import AuditEvent
    from nowrongdoor.services import audit

    times = {"fill": fill_chain(count)}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()

    start = time.perf_counter()
    verdict = audit.verify()
    times["verify"] = time.perf_counter() - start
    if not verdict.intact or verdict.events != count:
        raise SystemExit(f"verify did not pass the generated chain: {verdict}")

    start = time.perf_counter()
    seen = sum(len(chunk) for chunk in chain_rows())
    times["select"] = time.perf_counter() - start
    if seen != count:
        raise SystemExit(f"the plain SELECT saw {seen} events, not {count}")

    start = time.perf_counter()
    for _ in AuditEvent.objects.order_by("sequence").iterator(chunk_size=20_000):
        pass
    times["orm"] = time.perf_counter() - start

    start = time.perf_counter()
    if not verify_rows():
        raise SystemExit("the row-tuple check disagreed with verify")
    times["rows"] = time.perf_counter() - start
    return times


def chain_rows() -> Iterator[list[tuple[Any, ...]]]:
    """The events in sequence order as plain row tuples, 20,000 at a time (server-side
    cursor on PostgreSQL, as the ORM's iterator() uses)."""
    from django.db import connection

    with connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT {EVENT_COLUMNS} FROM audit_auditevent ORDER BY sequence")
        while chunk := cursor.fetchmany(20_000):
            yield chunk


def verify_rows() -> bool:
    """The check verify() makes, over raw cursor rows with the same services.audit._digest:
    a floor for verify(), which reads values_list tuples through the ORM."""
    from nowrongdoor.services.audit import GENESIS, _digest

    previous, expected = GENESIS, 1
    for chunk in chain_rows():
        for sequence, at, *fields, previous_hash, digest in chunk:
            if at.tzinfo is None:  # SQLite gives the stored UTC time back naive
                at = at.replace(tzinfo=UTC)
            if sequence != expected or previous_hash != previous:
                return False
            if _digest(previous, (sequence, at.isoformat(), *fields)) != digest:
                return False
            previous, expected = digest, expected + 1
    return True


def child(mode: str, count: int) -> None:
    result = use_cases(count) if mode == "use-cases" else verify_times(count)
    print(json.dumps(result))


# --- in the parent: one child per database and measurement --------------------------------


def run_child(mode: str, count: int, url: str, tmp: Path) -> dict[str, float]:
    env = dict(os.environ, NWD_DATABASE_URL=url)
    # Bytecode in the temporary directory, not recompiled per child nor left in the tree.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    done = subprocess.run(
        [sys.executable, str(HERE), "--child", mode, "--count", str(count)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{mode} on {url.split(':')[0]} failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def postgresql_server(tmp: Path) -> Iterator[str | None]:
    """NWD_BENCH_PG_URL, or a throw-away local server (None, with a note, if impossible)."""
    if os.environ.get("NWD_BENCH_PG_URL"):
        yield os.environ["NWD_BENCH_PG_URL"]
        return
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not bins:
        print("PostgreSQL: skipped (no /usr/lib/postgresql/*/bin; set NWD_BENCH_PG_URL)")
        yield None
        return
    bin_dir, port = Path(bins[-1]), free_port()
    home = Path(tempfile.mkdtemp(prefix="nwd-bench-pg.", dir="/tmp"))
    home.chmod(0o755)
    (home / "sock").mkdir()
    as_postgres: list[str] = []
    if os.getuid() == 0:
        shutil.chown(home, "postgres")
        shutil.chown(home / "sock", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data, options = home / "data", f"-p {port} -k {home / 'sock'} -c listen_addresses=127.0.0.1"
    options += " -c synchronous_commit=off"
    ctl = [*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data)]
    try:
        subprocess.run(
            [
                *as_postgres,
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [*ctl, "-l", str(home / "log"), "-w", "-o", options, "start"],
            check=True,
            capture_output=True,
        )
    except (subprocess.CalledProcessError, OSError) as error:
        print(f"PostgreSQL: skipped (could not start a throw-away server: {error})")
        shutil.rmtree(home, ignore_errors=True)
        yield None
        return
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*ctl, "-w", "stop", "-m", "fast"], check=False, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


@contextlib.contextmanager
def fresh_database(server_url: str, name: str) -> Iterator[str]:
    """A new database on the server for one measurement (the audit table is append-only)."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunparse(urlparse(server_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def report_use_cases(label: str, result: dict[str, float]) -> None:
    pairs = result["with_audit"]
    print(
        f"{label}: {pairs:,.0f} screen-and-assess/s = {2 * pairs:,.0f} use cases/s "
        "with access check and audit (target 200/s)"
    )
    print(
        f"  baselines: engines only (no database) {result['engines']:,.0f}/s, ratio "
        f"{result['engines'] / pairs:.1f}x; same rows without access check and audit "
        f"{result['no_audit']:,.0f}/s, ratio {result['no_audit'] / pairs:.2f}x"
    )


def report_verify(label: str, count: int, times: dict[str, float]) -> None:
    verify = times["verify"]
    print(
        f"{label}: audit verify over {count:,} events {verify:.2f} s (target 10 s; "
        f"{count / verify:,.0f} events/s; generating them took {times['fill']:.1f} s)"
    )
    print(
        f"  baselines: plain SELECT of the same rows {times['select']:.2f} s (verify is "
        f"{verify / times['select']:.1f}x); ORM iteration alone, no hashing {times['orm']:.2f} s;"
    )
    print(
        f"  the same check over plain rows with the same _digest {times['rows']:.2f} s "
        f"(verify is {verify / times['rows']:.1f}x): hashing ~{times['rows'] - times['select']:.1f}"
        f" s, model instances ~{times['orm'] - times['select']:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=2_000, help="screen-and-assess pairs")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--no-postgresql", action="store_true")
    parser.add_argument("--child", choices=["use-cases", "verify"], help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.count)
        return
    with tempfile.TemporaryDirectory(prefix="nwd-bench-") as name:
        tmp = Path(name)
        sqlite = f"sqlite:///{tmp / 'use-cases.sqlite3'}"
        report_use_cases("SQLite", run_child("use-cases", args.pairs, sqlite, tmp))
        chain = f"sqlite:///{tmp / 'chain.sqlite3'}"
        times = run_child("verify", args.events, chain, tmp)
        report_verify("SQLite", args.events, times)
        start = time.perf_counter()
        env = dict(os.environ, NWD_DATABASE_URL=chain, PYTHONPYCACHEPREFIX=str(tmp / "pycache"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([NWD, "audit", "verify"], env=env, check=True, stdout=subprocess.DEVNULL)
        print(
            f"  `nwd audit verify` command, start-up included: {time.perf_counter() - start:.2f} s"
        )
        if args.no_postgresql:
            return
        with postgresql_server(tmp) as server:
            if server is None:
                return
            suffix = os.getpid()
            with fresh_database(server, f"nwd_bench_use_cases_{suffix}") as url:
                report_use_cases("PostgreSQL", run_child("use-cases", args.pairs, url, tmp))
            with fresh_database(server, f"nwd_bench_chain_{suffix}") as url:
                report_verify("PostgreSQL", args.events, run_child("verify", args.events, url, tmp))


if __name__ == "__main__":
    main()
