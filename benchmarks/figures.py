"""Benchmark the area's figures: the dashboard uncached (every view counts the records and
draws the charts, as before decision 0021) against the figures kept between views.

Targets (issue 14): a view of the dashboard <= 1 s at the 95th percentile with the demo data
(200 people), <= 2 s with 10,000 people. Both sides are measured in the same run, on the same
database, by the same process.

- Data: `nwd seed --people N --seed 1` (what `nwd demo` seeds: 200), an SQLite database kept
  under var/bench/ keyed by the people count and the hash of services/seed.py (10,000 people
  take ~15 minutes to seed on 2 cores); each run works on a copy, migrated first.
- Views: a child process booted on the copy signs in the commissioner and GETs /dashboard
  (the default period: the year to today) through Django's whole stack (middleware, session,
  CSP, audit) with its test client, no HTTP server: the figures are what is measured.
  - uncached: the kept figures are deleted before each view, so each view extracts the
    records, counts every indicator and the headline ones by quarter, and draws ~34 charts.
    The first view (imports, DuckDB start-up) is a warm-up and is not counted.
  - cached: the views after one that kept the figures; the same for GET /api/figures.
  - after a change: a screening is recorded (as a practitioner, audited), then one view
    (counted again) and one more (kept again).
- `nwd report --period <the year> --out report.csv` as a command, with nothing kept and then
  with the dashboard's figures kept (its CSV needs no quarters, so it reuses those).
- Figures: p50 and p95 (nearest rank) of each kind of view, the ratio uncached/cached, CPU
  seconds of the views, and the load average (the 2 cores are shared with other work).

Run: uv run python benchmarks/figures.py [--people 200 10000] [--uncached 5] [--cached 50]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NWD = str(Path(sys.executable).parent / "nwd")
CACHE = ROOT / "var" / "bench"
TODAY = date.today()
YEAR = (TODAY - timedelta(days=364), TODAY)  # the dashboard's default period


# --- the child: Django booted on NWD_DATABASE_URL ------------------------------------------


def child_views(uncached: int, cached: int) -> dict[str, Any]:
    from nowrongdoor.config.boot import boot

    boot()
    from django.contrib.auth.models import User
    from django.test import Client

    from nowrongdoor.records.directory.models import Role
    from nowrongdoor.records.figures.models import KeptFigures
    from nowrongdoor.records.people.models import Person
    from nowrongdoor.services import clinical
    from nowrongdoor.services.actor import Actor

    client = Client(SERVER_NAME="localhost")
    client.force_login(User.objects.get(username="commissioner"))

    def view(url: str = "/dashboard", query: dict[str, str] | None = None) -> float:
        began = time.perf_counter()
        response = client.get(url, query or {})
        seconds = time.perf_counter() - began
        assert response.status_code == 200, (url, response.status_code)
        return seconds

    def timed(times: int, before: Any = None, **request: Any) -> tuple[list[float], float]:
        samples, cpu = [], time.process_time()
        for _ in range(times):
            if before:
                before()
            samples.append(view(**request))
        return samples, time.process_time() - cpu

    def forget() -> None:
        KeptFigures.objects.all().delete()

    forget()
    out: dict[str, Any] = {"warm_up": view(), "people": Person.objects.count()}
    out["uncached"], out["uncached_cpu"] = timed(uncached, before=forget)
    view()  # keeps the figures for the views below
    out["cached"], out["cached_cpu"] = timed(cached)
    query = {"from": YEAR[0].isoformat(), "to": YEAR[1].isoformat()}
    out["api_cached"], _ = timed(cached, url="/api/figures", query=query)
    kept = KeptFigures.objects.get(quarterly=True)
    out["kept_seconds"] = kept.seconds  # counting alone, as measured when it was kept
    out["kept_bytes"] = len(json.dumps(kept.figures)) + len(json.dumps(kept.drawings))
    practitioner = User.objects.filter(memberships__role=Role.PRACTITIONER).order_by("pk")[0]
    actor = Actor.of(practitioner)
    person = Person.objects.filter(episodes__service=actor.service).order_by("pk")[0]
    clinical.record_screening(actor, person.pk, "phq9", [1] * 9)
    out["after_change"] = [view(), view()]
    forget()
    return out


def child_forget() -> None:
    from nowrongdoor.config.boot import boot

    boot()
    from nowrongdoor.records.figures.models import KeptFigures

    KeptFigures.objects.all().delete()


# --- the parent -----------------------------------------------------------------------------


def cache_key(people: int) -> str:
    seed = (ROOT / "src" / "nowrongdoor" / "services" / "seed.py").read_bytes()
    return f"figures-{people}-{hashlib.sha256(seed).hexdigest()[:12]}"


def env_for(database: Path) -> dict[str, str]:
    return {**os.environ, "NWD_DATABASE_URL": f"sqlite:///{database}"}


def seeded(people: int) -> Path:
    """The seeded database for `people`, seeded now if not kept from an earlier run."""
    kept = CACHE / f"{cache_key(people)}.sqlite3"
    if not kept.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        seeding = kept.with_suffix(".seeding")
        for leftover in CACHE.glob(f"{seeding.name}*"):
            leftover.unlink()
        print(f"seeding {people} people into {kept.name} (kept for the next run)...", flush=True)
        began = time.perf_counter()
        command = [NWD, "seed", "--people", str(people), "--seed", "1"]
        subprocess.run(command, env=env_for(seeding), check=True, stdout=subprocess.DEVNULL)
        _checkpoint(seeding)
        seeding.rename(kept)
        for leftover in CACHE.glob(f"{seeding.name}-*"):  # an empty -wal, the -shm
            leftover.unlink()
        print(f"  seeded in {time.perf_counter() - began:.0f} s", flush=True)
    return kept


def _checkpoint(database: Path) -> None:
    """Fold the write-ahead log into the file, so the file alone is the database."""
    import sqlite3

    with sqlite3.connect(database) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def working_copy(people: int) -> Path:
    copy = CACHE / "scratch" / f"figures-{people}.sqlite3"
    copy.parent.mkdir(parents=True, exist_ok=True)
    for old in copy.parent.glob(f"{copy.name}*"):
        old.unlink()
    shutil.copyfile(seeded(people), copy)
    subprocess.run([NWD, "db", "migrate"], env=env_for(copy), check=True, stdout=subprocess.DEVNULL)
    return copy


def child(database: Path, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        env=env_for(database),
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1]) if done.stdout else {}
    return result


def nwd_report(database: Path, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds of `nwd report` on the year, as a command (start-up included)."""
    period = f"{YEAR[0].isoformat()}:{YEAR[1].isoformat()}"
    began, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(
        [NWD, "report", "--period", period, "--out", str(out)],
        env=env_for(database),
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - began, _children_cpu() - cpu


def _children_cpu() -> float:
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def run(people: int, uncached: int, cached: int) -> dict[str, Any]:
    database = working_copy(people)
    views = child(database, "views", str(uncached), str(cached))
    out = database.with_suffix(".csv")
    child(database, "forget")
    report_uncached = nwd_report(database, out)
    child(database, "forget")
    child(database, "warm")  # one view of the dashboard keeps its figures
    report_cached = nwd_report(database, out)
    return {**views, "report": [report_uncached, report_cached]}


def child_warm() -> None:
    """One view of the dashboard, whose figures stay kept."""
    from nowrongdoor.config.boot import boot

    boot()
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    client.force_login(User.objects.get(username="commissioner"))
    assert client.get("/dashboard").status_code == 200


def show(people: int, r: dict[str, Any]) -> None:
    un, ca, api = r["uncached"], r["cached"], r["api_cached"]
    print(f"\n{r['people']:,} people ({people} seeded), the year {YEAR[0]} to {YEAR[1]}")
    print(f"  {'view':<44} {'n':>4} {'p50':>10} {'p95':>10}")
    rows = [
        ("GET /dashboard, uncached (count + draw)", un),
        ("GET /dashboard, cached", ca),
        ("GET /api/figures, cached", api),
    ]
    for name, samples in rows:
        p50, p95 = ms(percentile(samples, 50)), ms(percentile(samples, 95))
        print(f"  {name:<44} {len(samples):>4} {p50:>10} {p95:>10}")
    ratio = percentile(un, 95) / percentile(ca, 95)
    print(f"  p95 uncached / cached: {ratio:,.0f}x")
    print(
        f"  CPU per view: uncached {ms(r['uncached_cpu'] / len(un))}, "
        f"cached {ms(r['cached_cpu'] / len(ca))}"
    )
    first, again = r["after_change"]
    print(f"  after a screening is recorded: first view {ms(first)} (counted), next {ms(again)}")
    print(
        f"  counting alone (kept with the figures): {ms(r['kept_seconds'])}; kept: "
        f"{r['kept_bytes'] / 1e6:.2f} MB of JSON (figures and drawn charts)"
    )
    print(f"  warm-up view (imports, first counting): {ms(r['warm_up'])}")
    (uncached_wall, uncached_cpu), (cached_wall, cached_cpu) = r["report"]
    print(
        f"  nwd report (CSV, a process each, wall / CPU): nothing kept {ms(uncached_wall)} / "
        f"{ms(uncached_cpu)}; the dashboard's figures kept {ms(cached_wall)} / {ms(cached_cpu)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[200, 10_000])
    parser.add_argument("--uncached", type=int, default=5, help="uncached views measured")
    parser.add_argument("--cached", type=int, default=50, help="cached views measured")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "views":
            print(json.dumps(child_views(int(rest[0]), int(rest[1]))))
        elif kind == "forget":
            child_forget()
        elif kind == "warm":
            child_warm()
        return
    for people in args.people:
        uncached = args.uncached if people <= 1000 else max(2, args.uncached // 2)
        show(people, run(people, uncached, args.cached))
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
