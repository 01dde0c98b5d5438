"""Crash safety on SQLite: SIGKILL a writer of real use cases at random moments, check each time.

On a fresh temporary SQLite database (WAL mode, migrated with `nwd db migrate`), a writer
subprocess loops over real use cases - register a person, record a PHQ-9 screening, record
an assessment, record a consent decision - each one transaction with its audit events. It is
killed with SIGKILL after a random (seeded) delay and restarted, `--kills` times. After every
kill, before the next writer touches the database:

1. `PRAGMA integrity_check` answers "ok" (and `PRAGMA foreign_key_check` finds nothing);
2. `nwd audit verify` exits 0;
3. no half-written use case: every person, episode, screening, assessment and consent row
   has exactly its one audit event (same object, same person), and every such event its row;
4. no lost commit: every use case the writer saw return (it logs each one) is in the database.

Exits 1 on the first failure, saying what failed; otherwise prints one summary line.

Each writer is a fresh process forked from a small server that booted Django once (with no
database connection open at the fork), so a kill costs no start-up and 100 kills take about
a minute and a half on 2 cores; the delay before each kill is counted from the fork. The
children keep their bytecode in the temporary directory (PYTHONPYCACHEPREFIX) rather than
recompiling the package for every `nwd audit verify`; nothing is written to the source tree.

Run: uv run python scripts/crash_safety.py [--kills 100] [--seed 1] [--max-delay 0.4]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

NWD = str(Path(sys.executable).parent / "nwd")
WRITER_USERNAME = "crash-writer"
HOME_SERVICE = "Crash Test Talking Therapies"
OTHER_SERVICE = "Crash Test Recovery Hub"

# What the writer logs (kind) -> the table holding it, its model name and its audit action
# (a trailing "." matches a family: consent.given, consent.refused, consent.withdrawn).
RECORDS = {
    "person": ("people_person", "Person", "person.register"),
    "episode": ("care_episodeofcare", "EpisodeOfCare", "episode.open"),
    "screening": ("clinical_screening", "Screening", "screening.record"),
    "assessment": ("clinical_assessment", "Assessment", "assessment.record"),
    "consent": ("care_consent", "Consent", "consent."),
}


class CheckFailed(Exception):
    """A check after a kill found the database in a state it must never be in."""


# --- the writers (children of a fork server) ----------------------------------------------


def serve(seed: int, log_dir: Path) -> None:
    """Boot Django once, set up the area, then fork a fresh writer for each "run N" line.

    Each writer is a new process with its own database connection (none is open at fork
    time). The server answers "pid P", and reaps the writer only when told ("reap", after
    the parent's SIGKILL), answering how it ended ("exit -9"): P cannot be reused by another
    process before the parent's kill.
    """
    from nowrongdoor.config.boot import boot

    boot()
    from django.contrib.auth.models import User
    from django.db import connection

    from nowrongdoor.records.directory.models import Membership, Organisation, Role, Service
    from nowrongdoor.services import clinical, consent, people  # imported before any fork

    trust = Organisation.objects.create(name="Crash Test Trust")
    home = Service.objects.create(organisation=trust, name=HOME_SERVICE, setting="iapt")
    Service.objects.create(organisation=trust, name=OTHER_SERVICE, setting="drug-alcohol-service")
    user = User.objects.create(username=WRITER_USERNAME)
    Membership.objects.create(user=user, service=home, role=Role.PRACTITIONER)
    connection.close()
    del clinical, consent, people
    print("ready", flush=True)
    pid = 0  # the writer not yet reaped, if any
    for line in sys.stdin:
        command, _, argument = line.partition(" ")
        if command.strip() == "reap":
            _, wait_status = os.waitpid(pid, 0)
            pid = 0
            print(f"exit {os.waitstatus_to_exitcode(wait_status)}", flush=True)
            continue
        run = int(argument)
        pid = os.fork()
        if pid == 0:
            try:
                write_until_killed(seed, run, log_dir / f"writer-{run}.log")
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(1)  # never back into the server's loop
        print(f"pid {pid}", flush=True)
    if pid:  # the parent went away mid-run: leave no writer behind
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def write_until_killed(seed: int, run: int, log_path: Path) -> None:
    """Loop over real use cases, logging each one before it starts and after it commits."""
    from django.contrib.auth.models import User

    from nowrongdoor.records.directory.models import Service
    from nowrongdoor.services.actor import Actor
    from nowrongdoor.services.clinical import record_assessment, record_screening
    from nowrongdoor.services.consent import record_consent
    from nowrongdoor.services.people import register_person

    actor = Actor.of(User.objects.get(username=WRITER_USERNAME))
    other = Service.objects.get(name=OTHER_SERVICE)
    rng = random.Random(f"{seed}/{run}")
    # Line-buffered: each line is one write(2), in the kernel before the next statement
    # runs, so what is logged survives SIGKILL of this process.
    with log_path.open("a", buffering=1) as log:
        while True:
            log.write("begin person\n")
            person = register_person(
                actor,
                {
                    "given_name": rng.choice(["Alex", "Sam", "Jo", "Priya", "Tomasz", "Ade"]),
                    "family_name": rng.choice(["Smith", "Khan", "Nowak", "Okafor", "Jones"]),
                    "date_of_birth": date(rng.randrange(1940, 2008), rng.randrange(1, 13), 1),
                    "ethnicity": rng.choice(["A", "H", "N", "Z", ""]),
                },
            )
            log.write(f"person {person.pk}\n")
            answers = [rng.randrange(4) for _ in range(9)]
            log.write("begin screening\n")
            screening = record_screening(actor, person.pk, "phq9", answers)
            log.write(f"screening {screening.pk}\n")
            case = {
                "setting": "iapt",
                "age": rng.randrange(18, 80),
                "contact": "first",
                "screens": {"phq9": answers},
                "alcohol": {"units_per_day": rng.randrange(20)},
            }
            log.write("begin assessment\n")
            assessment = record_assessment(actor, person.pk, case)
            log.write(f"assessment {assessment.pk}\n")
            log.write("begin consent\n")
            state = rng.choice(["given", "refused", "withdrawn"])
            decision = record_consent(actor, person.pk, other.pk, state)
            log.write(f"consent {decision.pk}\n")


# --- the killer (the parent) --------------------------------------------------------------


@dataclass
class Tally:
    kills: int = 0
    inside_use_case: int = 0
    confirmed: int = 0
    checks: int = 0
    confirmed_ids: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    rows: dict[str, set[int]] = field(default_factory=dict)


def child_env(tmp: Path, database: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["NWD_DATABASE_URL"] = f"sqlite:///{database}"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    return env


class Server:
    """The fork server: asks it for writers, and hears how each one ended."""

    def __init__(self, tmp: Path, env: dict[str, str], seed: int) -> None:
        self.errors = tmp / "writers.err"
        command = [sys.executable, __file__, "--serve", str(tmp), "--seed", str(seed)]
        with self.errors.open("w") as errors:
            self.process = subprocess.Popen(
                command,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
            )
        self.expect("ready")

    def expect(self, word: str) -> int:
        assert self.process.stdout is not None
        reply = self.process.stdout.readline().split()
        if not reply or reply[0] != word:
            self.stop()
            raise CheckFailed(f"the writers' server failed (no {word!r}):\n{self.stderr()}")
        return int(reply[1]) if len(reply) > 1 else 0

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def start(self, run: int) -> int:
        self.send(f"run {run}")
        return self.expect("pid")

    def reap(self) -> int:
        self.send("reap")
        return self.expect("exit")

    def stderr(self) -> str:
        return self.errors.read_text()[-3000:]

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def read_log(path: Path, tally: Tally) -> None:
    """Add the use cases writer `path` saw commit; count a kill that landed inside one."""
    if not path.exists():
        return
    lines = [line for line in path.read_text().split("\n")[:-1] if line]
    for line in lines:
        kind, _, ident = line.partition(" ")
        if kind != "begin":
            tally.confirmed_ids[kind].add(int(ident))
            tally.confirmed += 1
    if lines and lines[-1].startswith("begin "):
        tally.inside_use_case += 1


def check_database(database: Path, env: dict[str, str], tally: Tally) -> None:
    """Every check of one kill; raises CheckFailed naming the first that fails."""
    db = sqlite3.connect(database, isolation_level=None)
    try:
        result = [row[0] for row in db.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            raise CheckFailed(f"PRAGMA integrity_check: {result[:10]}")
        tally.checks += 1
        problems = db.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise CheckFailed(f"PRAGMA foreign_key_check: {problems[:10]}")
        tally.checks += 1

        verify = subprocess.run(
            [NWD, "audit", "verify"], env=env, capture_output=True, text=True, check=False
        )
        if verify.returncode != 0:
            raise CheckFailed(
                f"nwd audit verify exited {verify.returncode}: "
                f"{(verify.stderr or verify.stdout).strip()}"
            )
        tally.checks += 1

        events: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for action, object_type, object_id, person_id in db.execute(
            "SELECT action, object_type, object_id, person_id FROM audit_auditevent"
            " WHERE outcome = 'allowed'"
        ):
            for kind, (_, model, expected) in RECORDS.items():
                matches = (
                    action.startswith(expected) if expected.endswith(".") else (action == expected)
                )
                if object_type == model and matches:
                    events[kind].append((int(object_id), person_id))
        for kind, (table, _, action) in RECORDS.items():
            person = "id" if kind == "person" else "person_id"
            rows = set(db.execute(f"SELECT id, {person} FROM {table}").fetchall())
            audited = events[kind]
            if len(audited) != len(set(audited)):
                raise CheckFailed(f"{table}: a row has more than one {action!r} event")
            if rows != set(audited):
                without_event = sorted(rows - set(audited))[:5]
                without_row = sorted(set(audited) - rows)[:5]
                raise CheckFailed(
                    f"half-written use case in {table}: rows without their {action!r} event "
                    f"{without_event}, events without their row {without_row}"
                )
            tally.rows[kind] = {row[0] for row in rows}
        tally.checks += 1

        for kind, (table, _, _) in RECORDS.items():
            lost = tally.confirmed_ids[kind] - tally.rows[kind]
            if lost:
                raise CheckFailed(f"lost commit: {table} ids {sorted(lost)[:5]} returned but gone")
        tally.checks += 1
    finally:
        db.close()


def kill_loop(kills: int, seed: int, max_delay: float, tmp: Path) -> Tally:
    database = tmp / "crash.sqlite3"
    env = child_env(tmp, database)
    migrate = subprocess.run(
        [NWD, "db", "migrate"], env=env, capture_output=True, text=True, check=False
    )
    if migrate.returncode != 0:
        raise CheckFailed(f"nwd db migrate failed:\n{migrate.stderr[-2000:]}")
    rng = random.Random(seed)
    tally = Tally()
    server = Server(tmp, env, seed)
    try:
        for run in range(kills):
            pid = server.start(run)
            time.sleep(rng.uniform(0.0, max_delay))
            os.kill(pid, signal.SIGKILL)  # not yet reaped: still our writer, maybe a zombie
            ended = server.reap()
            if ended != -signal.SIGKILL:
                raise CheckFailed(
                    f"writer {run} stopped by itself (exit {ended}):\n{server.stderr()}"
                )
            tally.kills += 1
            read_log(tmp / f"writer-{run}.log", tally)
            try:
                check_database(database, env, tally)
            except CheckFailed as failure:
                raise CheckFailed(f"after kill {tally.kills}: {failure}") from None
    finally:
        server.stop()
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--max-delay", type=float, default=0.4, help="seconds; each kill waits uniform(0, this)"
    )
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # the fork server
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.seed, args.serve)
        return 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nwd-crash-") as tmp:
        try:
            tally = kill_loop(args.kills, args.seed, args.max_delay, Path(tmp))
        except CheckFailed as failure:
            print(f"crash safety FAILED (seed {args.seed}): {failure}", file=sys.stderr)
            return 1
    # An episode opens with its person, in the same use case: count use cases, not rows.
    committed = sum(len(ids) for kind, ids in tally.rows.items() if kind != "episode")
    print(
        f"crash safety: {tally.kills} kills ({tally.inside_use_case} inside a use case), "
        f"{committed} use cases committed ({tally.confirmed} confirmed by the writer), "
        f"{tally.checks} checks passed, 0 failed; seed {args.seed}, "
        f"{time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
