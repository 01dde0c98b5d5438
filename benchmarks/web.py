"""Benchmark the API under the production server on PostgreSQL: audited reads and writes per second.

Targets (issue "web app and API"): >= 400 reads/s with p95 <= 50 ms and >= 150 audited
writes/s with p95 <= 100 ms on 2 cores, with 10,000 people seeded. Printed beside two
baselines measured in the same run against the same server: a static file (the server's
floor) and POST /api/score/phq9 (token auth and the API stack, no record, no audit).

- PostgreSQL: a throw-away cluster from scripts/pg-cluster.sh with the server's defaults
  (fsync and synchronous_commit on: a benchmark measures a real configuration), or a
  database created on --database-url's server (and dropped after).
- Data: 10,000 people seeded through the audited use cases (services.seed.seed_area, as
  `nwd seed`), in two worker processes, each commit asynchronous (PGOPTIONS, seeding only).
  That takes minutes, so the seeded database is kept as a pg_dump under var/bench/, keyed
  by the people count and services/seed.py; the next run restores it in seconds and then
  migrates it (so later migrations apply). Delete var/bench/ to seed afresh. Seeding took
  23 minutes on this (busy) machine, over the 10-minute bound; a cached run takes ~3. Some
  seed chunks stop early on a seed.py bug (treatment dated before a late assessment): what
  they committed stays, the next seed carries on, and the count is printed.
- Server: `nwd serve` (waitress, its 8 threads) with NWD_ENV=production and a generated
  secret, on 127.0.0.1; --threads N serves the same application with N threads instead.
- Load: each phase runs --connections keep-alive connections in a closed loop for
  --seconds after a warm-up, so the p95 is at saturation (the worst case). Reads are
  GET /api/people/{id} and writes POST /api/people/{id}/screenings (a PHQ-9), each by a
  random practitioner's token for a person their service may see; every one is access
  checked and audited. After the run the audit head must have moved by exactly the
  requests made, and `nwd audit verify` must pass.
- Load generator: a small asyncio HTTP/1.1 client in this process, not locust. Measured
  on this machine against the static file with 16 connections, locust (FastHttpUser, one
  process, headless) spent ~0.12 ms of CPU per request (after ~1.4 s of start-up) and
  topped out at ~990 requests/s, where this client spent ~0.065 ms and reached ~1,550/s:
  on 2 cores shared with the server and PostgreSQL, locust would cap the baseline and take
  CPU from what it measures. The client's own CPU is printed with the figures.
- What limits it on 2 cores: see docs/decisions/0012-web-benchmark.md.

Run: uv run python benchmarks/web.py [--seconds 30] [--connections 16] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import glob
import hashlib
import json
import math
import os
import random
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
NWD = str(Path(sys.executable).parent / "nwd")
CACHE = ROOT / "var" / "bench"
DATABASE = "nwd_web_bench"
STATIC = "/static/nhsuk/assets/images/nhsuk-icon-arrow-left.svg"
PEOPLE_PER_TOKEN = 200  # people per practitioner token the load draws from


# --- children: Django booted on NWD_DATABASE_URL ------------------------------------------


def child_seed(target: int, worker: int, workers: int) -> None:
    """Seed synthetic people in chunks until the area holds `target` people.

    A chunk can stop early on a seed.py bug (start_treatment dated before a late
    assessment); what it committed stays, and the next seed carries on. Counted, printed.
    """
    from nowrongdoor.config.boot import boot

    boot()
    from nowrongdoor.errors import InputError
    from nowrongdoor.records.people.models import Person
    from nowrongdoor.services.seed import seed_area

    stopped, chunk = 0, 0
    while (have := Person.objects.count()) < target:
        size = min(250, math.ceil((target - have) / workers))
        try:
            seed_area(size, seed=1 + worker + workers * chunk)
        except InputError:
            stopped += 1
            if Person.objects.count() == have:  # not that bug: seeding makes no progress
                raise
        chunk += 1
    print(json.dumps({"stopped": stopped}))


def child_setup() -> None:
    """Tokens for each practitioner, with people their service may see (access-checked)."""
    from nowrongdoor.config.boot import boot

    boot()
    from django.contrib.auth.models import User

    from nowrongdoor.api.auth import issue_token
    from nowrongdoor.records.care.models import EpisodeOfCare, EpisodeStatus
    from nowrongdoor.records.directory.models import Role
    from nowrongdoor.records.people.models import Person
    from nowrongdoor.services import access
    from nowrongdoor.services.actor import Actor

    rng = random.Random(20261123)
    plan = []
    users = User.objects.filter(memberships__role=Role.PRACTITIONER).distinct().order_by("pk")
    for user in users:
        actor = Actor.of(user)
        ids = sorted(
            set(
                EpisodeOfCare.objects.filter(service=actor.service)
                .exclude(status=EpisodeStatus.DISCHARGED)
                .values_list("person_id", flat=True)
            )
        )
        ids = rng.sample(ids, min(PEOPLE_PER_TOKEN, len(ids)))
        if not ids:
            continue
        for person in Person.objects.filter(pk__in=ids):
            assert access.why_allowed(actor, person) is not None, (user.username, person.pk)
        plan.append({"token": issue_token(user, "benchmarks/web.py"), "people": ids})
    print(json.dumps({"plan": plan, "people": Person.objects.count()}))


def child_head() -> None:
    from nowrongdoor.config.boot import boot

    boot()
    from nowrongdoor.records.audit.models import AuditHead

    head = AuditHead.objects.filter(pk=1).first()
    print(json.dumps({"sequence": head.sequence if head else 0}))


def child_serve(port: int, threads: int) -> None:
    """The application `nwd serve` serves, with another number of waitress threads."""
    from nowrongdoor.config.boot import boot

    boot()
    import waitress

    from nowrongdoor.config.wsgi import application

    waitress.serve(application, host="127.0.0.1", port=port, threads=threads, ident="nwd")


# --- the parent: PostgreSQL, data, server, load --------------------------------------------


def run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed:\n{done.stderr[-3000:]}")
    output: str = done.stdout
    return output


def child(env: dict[str, str], *args: str) -> dict[str, object]:
    output = run([sys.executable, str(HERE), "--child", *args], env)
    result: dict[str, object] = json.loads(output.strip().splitlines()[-1])
    return result


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not found:
        raise SystemExit("no PostgreSQL client programs under /usr/lib/postgresql/*/bin")
    return Path(os.environ.get("NWD_PG_BIN") or found[-1])


@contextlib.contextmanager
def postgresql(url: str | None, port: int) -> Iterator[str]:
    """The server to benchmark on: `url`, or a throw-away cluster with default settings."""
    if url:
        yield url
        return
    script = ROOT / "scripts" / "pg-cluster.sh"
    start = f'source "{script}" && pg_cluster_start {port} >&2 && echo "$NWD_PG_CLUSTER"'
    cluster = run(["bash", "-c", start], dict(os.environ)).strip()
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        stop = dict(os.environ, NWD_PG_CLUSTER=cluster, NWD_PG_BIN=str(pg_bin()))
        subprocess.run(
            ["bash", "-c", f'source "{script}" && pg_cluster_stop'], env=stop, check=False
        )


def cache_key(people: int) -> str:
    """The seeded data changes with the seeding code; later migrations apply on restore."""
    digest = hashlib.sha256((ROOT / "src/nowrongdoor/services/seed.py").read_bytes())
    return f"web-{people}-{digest.hexdigest()[:12]}.dump"


@contextlib.contextmanager
def seeded_database(server: str, people: int, env: dict[str, str]) -> Iterator[tuple[str, str]]:
    """A fresh database holding `people` seeded people, from the cache or seeded now."""
    import psycopg

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    url = urlunparse(urlparse(server)._replace(path=f"/{DATABASE}"))
    env = dict(env, NWD_DATABASE_URL=url)
    dump, started = CACHE / cache_key(people), time.perf_counter()
    try:
        if dump.exists():
            run([str(pg_bin() / "pg_restore"), "--no-owner", "-d", url, str(dump)], env)
            how = f"restored {dump.relative_to(ROOT)}"
        else:
            how = seed(people, env, url, dump)
        run([NWD, "db", "migrate"], env)
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("ANALYZE")
        yield url, f"{how} in {time.perf_counter() - started:.0f} s"
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def seed(people: int, env: dict[str, str], url: str, dump: Path) -> str:
    seeding = dict(env, PGOPTIONS="-c synchronous_commit=off")
    run([NWD, "seed", "--people", "0"], seeding)  # the area and staff, before the workers
    workers = [
        subprocess.Popen(
            [sys.executable, str(HERE), "--child", "seed", str(people), str(n), "2"],
            env=seeding,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    stopped = 0
    for worker in workers:
        output, _ = worker.communicate()
        if worker.returncode != 0:
            raise SystemExit("seeding failed")
        stopped += json.loads(output.strip().splitlines()[-1])["stopped"]
    CACHE.mkdir(parents=True, exist_ok=True)
    run([str(pg_bin() / "pg_dump"), "-Fc", "-f", str(dump), url], env)
    return f"seeded ({stopped} seed chunks stopped early on the seed.py dating bug), cached"


@contextlib.contextmanager
def server(env: dict[str, str], threads: int | None, workers: int) -> Iterator[tuple[int, int]]:
    """The production server on a free loopback port (and its pid), until the block ends."""
    port = free_port()
    env = dict(env, NWD_ENV="production", NWD_SECRET_KEY=secrets.token_urlsafe(48))
    command = [NWD, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    if threads:
        command = [sys.executable, str(HERE), "--child", "serve", str(port), str(threads)]
    CACHE.mkdir(parents=True, exist_ok=True)
    log = (CACHE / "web-server.log").open("w")  # waitress warns of queueing under load
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start: see {log.name}")
            time.sleep(0.2)
        yield port, process.pid
    finally:
        process.terminate()
        process.wait(10)
        log.close()


# --- the load ------------------------------------------------------------------------------

Request = Callable[[random.Random], bytes]


@dataclass
class Phase:
    """What one phase measured: latencies (s) in its window, and everything sent."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    sent: int = 0
    errors: dict[int, int] = field(default_factory=dict)
    client_cpu: float = 0.0
    server_cpu: float = 0.0
    busy: float = 0.0

    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))]


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    else:
        while size := int((await reader.readline()).strip(), 16):  # chunked
            await reader.readexactly(size + 2)
        await reader.readline()
    return int(lines[0].split()[1])


async def connection(
    port: int, make: Request, ok: int, seed: int, window: tuple[float, float], phase: Phase
) -> None:
    rng = random.Random(seed)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while (now := time.perf_counter()) < window[1]:
            writer.write(make(rng))
            status = await read_response(reader)
            took = time.perf_counter() - now
            phase.sent += 1
            if status != ok:
                phase.errors[status] = phase.errors.get(status, 0) + 1
            elif now >= window[0]:
                phase.latencies.append(took)
    finally:
        writer.close()


def cpu_seconds(pid: int) -> float:
    """CPU used by a process and its descendants still running (`nwd serve --workers`)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return own + sum(cpu_seconds(int(child)) for child in children)


def machine_busy() -> tuple[float, float]:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return sum(values) - values[3] - values[4], sum(values)


def load(
    port: int, server_pid: int, make: Request, ok: int, connections: int, seconds: float
) -> Phase:
    """`connections` closed loops for a warm-up then `seconds` measured."""
    warm = min(3.0, seconds / 5)
    phase = Phase(seconds)

    async def main() -> None:
        start = time.perf_counter()
        window = (start + warm, start + warm + seconds)
        await asyncio.gather(
            *(connection(port, make, ok, n, window, phase) for n in range(connections))
        )

    before = (time.process_time(), cpu_seconds(server_pid), machine_busy())
    asyncio.run(main())
    after = (time.process_time(), cpu_seconds(server_pid), machine_busy())
    total = seconds + warm
    phase.client_cpu = (after[0] - before[0]) / total
    phase.server_cpu = (after[1] - before[1]) / total
    phase.busy = (after[2][0] - before[2][0]) / (after[2][1] - before[2][1]) * os.cpu_count()  # type: ignore[operator]
    return phase


def get(path: str, token: str = "") -> bytes:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}\r\n".encode()


def post(path: str, token: str, body: object) -> bytes:
    data = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


def workloads(plan: list[dict[str, object]]) -> dict[str, tuple[Request, int]]:
    pairs = [(str(p["token"]), i) for p in plan for i in p["people"]]  # type: ignore[attr-defined]
    token = pairs[0][0]

    def phq9(rng: random.Random) -> dict[str, object]:
        return {"instrument": "phq9", "answers": [rng.randrange(4) for _ in range(9)]}

    def read(rng: random.Random) -> bytes:
        who, person = rng.choice(pairs)
        return get(f"/api/people/{person}", who)

    def write(rng: random.Random) -> bytes:
        who, person = rng.choice(pairs)
        return post(f"/api/people/{person}/screenings", who, phq9(rng))

    return {
        "static": (lambda rng: get(STATIC), 200),
        "score": (
            lambda rng: post("/api/score/phq9", token, {"answers": phq9(rng)["answers"]}),
            200,
        ),
        "reads": (read, 200),
        "writes": (write, 201),
    }


def line(label: str, phase: Phase) -> str:
    errors = sum(phase.errors.values())
    detail = f" {phase.errors}" if errors else ""
    return (
        f"{label:<42} {phase.rate():7,.0f}/s  p50 {phase.percentile(0.5):5.1f} ms  "
        f"p95 {phase.percentile(0.95):5.1f} ms  p99 {phase.percentile(0.99):5.1f} ms  "
        f"errors {errors}{detail}"
    )


def cpu(phase: Phase) -> str:
    return (
        f"server {phase.server_cpu:.2f}, client {phase.client_cpu:.2f}, "
        f"whole machine {phase.busy:.2f} of {os.cpu_count()} cores"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=30.0, help="measured per phase")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, help="waitress threads instead of nwd serve's")
    parser.add_argument("--workers", type=int, default=1, help="nwd serve --workers")
    parser.add_argument("--database-url", help="a PostgreSQL server to create a database on")
    parser.add_argument("--pg-port", type=int, default=54340, help="for the throw-away cluster")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        name, numbers = args.child[0], [int(v) for v in args.child[1:]]
        if name == "seed":
            child_seed(*numbers)
        elif name == "serve":
            child_serve(*numbers)
        else:
            child_setup() if name == "setup" else child_head()
        return
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with (
        postgresql(args.database_url, args.pg_port) as pg,
        seeded_database(pg, args.people, env) as (url, how),
    ):
        env["NWD_DATABASE_URL"] = url
        setup = child(env, "setup")
        plan: list[dict[str, object]] = setup["plan"]  # type: ignore[assignment]
        print(f"{setup['people']:,} people ({how}); {len(plan)} practitioner tokens")
        head = child(env, "head")["sequence"]
        phases: dict[str, Phase] = {}
        with server(env, args.threads, args.workers) as (port, pid):
            for name, (make, ok) in workloads(plan).items():
                phases[name] = load(port, pid, make, ok, args.connections, args.seconds)
        moved = child(env, "head")["sequence"] - head  # type: ignore[operator]
        verdict = run([NWD, "audit", "verify"], env).strip()
    report(phases, args, moved, verdict)


def report(phases: dict[str, Phase], args: argparse.Namespace, moved: int, verdict: str) -> None:
    reads, writes = phases["reads"], phases["writes"]
    server = (
        f"waitress {args.threads} threads"
        if args.threads
        else f"nwd serve --workers {args.workers} (waitress, 8 threads each)"
    )
    print(
        f"{server}, NWD_ENV=production; PostgreSQL defaults (fsync, synchronous_commit on); "
        f"{args.connections} keep-alive connections, {args.seconds:.0f} s per phase"
    )
    print(line("reads  GET /api/people/{id}", reads) + "  (target 400/s, p95 50 ms)")
    print(line("writes POST /api/people/{id}/screenings", writes) + "  (target 150/s, p95 100 ms)")
    print(line("baseline: static file", phases["static"]))
    print(line("baseline: POST /api/score/phq9 (no record)", phases["score"]))
    score = phases["score"].rate()
    print(
        f"ratios: reads {reads.rate() / score:.2f}x and writes {writes.rate() / score:.2f}x "
        f"the score endpoint's rate; static is {phases['static'].rate() / score:.1f}x it"
    )
    for name, phase in phases.items():
        print(f"  CPU in cores during {name}: {cpu(phase)}")
    audited = reads.sent + writes.sent
    print(f"audit: {moved:,} events appended for {audited:,} reads and writes sent; {verdict}")
    if moved != audited or any(p.errors for p in phases.values()):
        raise SystemExit("FAILED: errors, or requests not audited one event each")


if __name__ == "__main__":
    main()
