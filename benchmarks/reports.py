"""Benchmark `nwd report`'s engine: the full indicator pack on DuckDB against plain pandas.

Targets (issue 7, on 2 cores): the full pack on 20 million episodes <= 60 s, >= 10x faster
than a plain pandas implementation of three of the indicators, peak memory <= 8 GB.

- Data: `nwd synth --people N` (19,600,000 people give 20.0 M episodes), cached under
  var/bench/ keyed by people, seed and the hash of synth.py and tables.py.
- Engine: in a child process, the full pack (`count_all`, every indicator by every
  breakdown), then on a new connection the three baseline indicators alone; both read the
  Parquet in place.
- Baseline: in another child process, idiomatic pandas (pyarrow reads only the columns
  needed, dates as datetime64; merge, groupby) for `co_occurring_in_treatment`,
  `wait_drug_alcohol_3_weeks` and `therapy_recovery`: the same units, numerators and
  denominators by the same breakdowns. The run stops unless both give identical counts.
- Peak memory: each child's own maximum RSS, from `os.wait4` on it.
- CPU seconds (all threads) beside each wall time, and the load average at the end: the
  machine is shared, and on 2 busy cores DuckDB's two threads lose more than pandas' one.

Run: uv run python benchmarks/reports.py [--people N] [--limit SECONDS]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
NWD = str(Path(sys.executable).parent / "nwd")
CACHE = ROOT / "var" / "bench"
YEAR = (date(2025, 4, 1), date(2026, 3, 31))
THREE = ("co_occurring_in_treatment", "wait_drug_alcohol_3_weeks", "therapy_recovery")
Rows = list[list[Any]]  # [indicator, breakdown, group, numerator, denominator]


# --- children ------------------------------------------------------------------------------


def child_engine(folder: Path) -> dict[str, Any]:
    """Seconds for the full pack and for the three indicators alone; the three's counts."""
    from nowrongdoor.analytics.engine import count_all, open_extract
    from nowrongdoor.analytics.indicators import BY_ID, REGISTRY, Period

    period = Period(*YEAR)
    began, cpu = time.perf_counter(), time.process_time()
    pack = count_all(open_extract(folder), period)
    pack_seconds, pack_cpu = time.perf_counter() - began, time.process_time() - cpu
    began, cpu = time.perf_counter(), time.process_time()
    three = count_all(open_extract(folder), period, [BY_ID[i] for i in THREE])
    return {
        "pack_seconds": pack_seconds,
        "pack_cpu": pack_cpu,
        "pack_indicators": len(REGISTRY),
        "pack_rows": len(pack),
        "three_seconds": time.perf_counter() - began,
        "three_cpu": time.process_time() - cpu,
        "counts": [[c.indicator, c.breakdown, c.group, c.numerator, c.denominator] for c in three],
    }


def child_pandas(folder: Path) -> dict[str, Any]:
    import pandas  # noqa: F401  (imported before the clock starts, as the engine's modules are)

    began, cpu = time.perf_counter(), time.process_time()
    counts = pandas_three(folder)
    return {
        "three_seconds": time.perf_counter() - began,
        "three_cpu": time.process_time() - cpu,
        "counts": counts,
    }


def pandas_three(folder: Path) -> Rows:
    """The three indicators in plain pandas, written from their definitions (indicators.py)."""
    import pandas as pd
    import pyarrow.parquet as pq

    from nowrongdoor.analytics.disclosure import AREA
    from nowrongdoor.analytics.indicators import (
        DRUG_ALCOHOL,
        EQUALITY,
        GAD7_CASENESS,
        MENTAL_HEALTH_SETTINGS,
        PHQ9_CASENESS,
        WAIT_DAYS_DRUG_ALCOHOL,
    )
    from nowrongdoor.analytics.tables import NOT_KNOWN

    start, end = (pd.Timestamp(day) for day in YEAR)

    def read(name: str, columns: list[str]) -> pd.DataFrame:
        table = pq.read_table(folder / f"{name}.parquet", columns=columns)
        return table.to_pandas(date_as_object=False)

    people = read("people", ["person_id", *EQUALITY[:-1]])
    services = read("services", ["service_id", "service", "setting"])
    episodes = read(
        "episodes",
        [
            "person_id",
            "service_id",
            "substance_group",
            "referral_received",
            "treatment_started",
            "discharged",
        ],
    )
    da = episodes[episodes.service_id.isin(services.service_id[services.setting == DRUG_ALCOHOL])]

    def counted(indicator: str, units: pd.DataFrame, breakdowns: tuple[str, ...]) -> Rows:
        joined = units.merge(people, on="person_id", how="left").merge(
            services[["service_id", "service"]], on="service_id", how="left"
        )
        rows: Rows = [[indicator, AREA, "all", int(joined.numerator.sum()), len(joined)]]
        for name in breakdowns:
            grouped = joined.groupby(joined[name].fillna(NOT_KNOWN).rename("group"))
            table = grouped.numerator.agg(["sum", "size"]).sort_index()
            rows += [[indicator, name, g, int(n), int(d)] for g, n, d in table.itertuples()]
        return rows

    # co_occurring_in_treatment: people x service x substance group in treatment; need.
    in_treatment = da[
        (da.treatment_started <= end) & (da.discharged.isna() | (da.discharged >= start))
    ]
    keys = in_treatment[["person_id", "service_id", "substance_group"]].drop_duplicates()
    screenings = read("screenings", ["person_id", "instrument", "date", "total"])
    screenings = screenings[screenings.date <= end]
    at_caseness = ((screenings.instrument == "phq9") & (screenings.total >= PHQ9_CASENESS)) | (
        (screenings.instrument == "gad7") & (screenings.total >= GAD7_CASENESS)
    )
    mental_health = services.service_id[services.setting.isin(MENTAL_HEALTH_SETTINGS)]
    in_services = episodes[
        episodes.service_id.isin(mental_health) & (episodes.referral_received <= end)
    ]
    need = pd.concat([screenings.person_id[at_caseness], in_services.person_id]).unique()
    co_occurring = keys.assign(numerator=keys.person_id.isin(need))
    substance = (*EQUALITY, "substance_group")
    rows = counted(THREE[0], co_occurring, substance)

    # wait_drug_alcohol_3_weeks: episodes starting treatment in the period.
    started = da[(da.treatment_started >= start) & (da.treatment_started <= end)]
    waited = (started.treatment_started - started.referral_received).dt.days
    rows += counted(
        THREE[1],
        started[["person_id", "service_id", "substance_group"]].assign(
            numerator=waited <= WAIT_DAYS_DRUG_ALCOHOL
        ),
        substance,
    )

    # therapy_recovery: finished courses at caseness at the first treatment session.
    sessions = read(
        "therapy_sessions",
        ["course_id", "session_number", "is_treatment", "phq9_total", "gad7_total"],
    )
    sessions = sessions[sessions.is_treatment]
    span = sessions.groupby("course_id").session_number.agg(
        first="min", last="max", sessions="size"
    )
    courses = read("therapy_courses", ["course_id", "person_id", "service_id", "ended"])
    courses = courses[(courses.ended >= start) & (courses.ended <= end)]
    courses = courses.merge(span, left_on="course_id", right_index=True)
    courses = courses[courses.sessions >= 2]
    measures = sessions[["course_id", "session_number", "phq9_total", "gad7_total"]]
    for which in ("first", "last"):
        courses = courses.merge(
            measures.rename(columns={"phq9_total": f"phq9_{which}", "gad7_total": f"gad7_{which}"}),
            left_on=["course_id", which],
            right_on=["course_id", "session_number"],
        ).drop(columns="session_number")
    courses = courses.dropna(subset=["phq9_first", "gad7_first", "phq9_last", "gad7_last"])

    def caseness(which: str) -> pd.Series:
        phq9, gad7 = courses[f"phq9_{which}"], courses[f"gad7_{which}"]
        return (phq9 >= PHQ9_CASENESS) | (gad7 >= GAD7_CASENESS)

    courses = courses[caseness("first")]
    recovered = courses[["person_id", "service_id"]].assign(numerator=~caseness("last"))
    return rows + counted(THREE[2], recovered, EQUALITY)


# --- the parent ----------------------------------------------------------------------------


def extract(people: int, seed: int, deadline: float) -> Path:
    """The cached extract for this size, seed and synthesiser, made if missing."""
    synth = ROOT / "src" / "nowrongdoor" / "analytics"
    key = hashlib.sha256(
        (synth / "synth.py").read_bytes() + (synth / "tables.py").read_bytes()
    ).hexdigest()[:12]
    folder = CACHE / f"extract-{people}-{seed}-{key}"
    if folder.exists():
        print(f"extract: reusing {folder.relative_to(ROOT)}")
        return folder
    incoming = folder.with_name(folder.name + ".incoming")
    shutil.rmtree(incoming, ignore_errors=True)
    args = [NWD, "synth", "--people", str(people), "--seed", str(seed), "--out", str(incoming)]
    began = time.perf_counter()
    subprocess.run(args, check=True, timeout=deadline - time.monotonic(), stdout=subprocess.PIPE)
    incoming.rename(folder)
    print(f"extract: synthesised in {time.perf_counter() - began:.1f} s -> {folder.name}")
    return folder


def run_child(side: str, folder: Path, deadline: float) -> tuple[dict[str, Any], float, float]:
    """The child's result, wall seconds and peak RSS in bytes (its own, via wait4)."""
    out = folder.with_name(f"{folder.name}.{side}.json")
    command = [
        sys.executable,
        __file__,
        "--child",
        side,
        "--folder",
        str(folder),
        "--out",
        str(out),
    ]
    began = time.perf_counter()
    child = subprocess.Popen(command)
    timer = threading.Timer(max(0.0, deadline - time.monotonic()), child.kill)
    timer.start()
    _, status, usage = os.wait4(child.pid, 0)
    timer.cancel()
    wall = time.perf_counter() - began
    if status != 0:
        sys.exit(f"{side}: child failed or passed the time limit (wait status {status})")
    result: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    return result, wall, usage.ru_maxrss * 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=19_600_000, help="~1.02 episodes each")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=float, default=1800.0, help="seconds for the whole run")
    parser.add_argument("--child", choices=("engine", "pandas"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        work = child_engine if args.child == "engine" else child_pandas
        args.out.write_text(json.dumps(work(args.folder)))
        return

    deadline = time.monotonic() + args.limit
    folder = extract(args.people, args.seed, deadline)
    episodes = pq.read_metadata(folder / "episodes.parquet").num_rows
    print(f"data: {args.people:,} people, {episodes:,} episodes; cores: {os.cpu_count()}")
    engine, engine_wall, engine_rss = run_child("engine", folder, deadline)
    baseline, pandas_wall, pandas_rss = run_child("pandas", folder, deadline)
    if engine["counts"] != baseline["counts"]:
        sys.exit("the engine and pandas disagree on the three indicators: no figures")
    print(f"checked: the three indicators' {len(engine['counts'])} counts are identical")
    pack = engine["pack_seconds"]
    print(
        f"full pack on DuckDB: {pack:.1f} s, CPU {engine['pack_cpu']:.1f} s "
        f"({engine['pack_indicators']} indicators, {engine['pack_rows']:,} counts)  "
        "(target <= 60 s)"
    )
    ours, theirs = engine["three_seconds"], baseline["three_seconds"]
    print(
        f"three indicators:    DuckDB {ours:.1f} s (CPU {engine['three_cpu']:.1f} s), "
        f"pandas {theirs:.1f} s (CPU {baseline['three_cpu']:.1f} s)"
    )
    print(f"  ratio {theirs / ours:.1f}x  (target >= 10x)")
    print(f"  pandas vs the full pack: {theirs / pack:.1f}x")
    gb = 1024.0**3
    print(
        f"peak RSS: engine child {engine_rss / gb:.2f} GB (target <= 8 GB); "
        f"pandas child {pandas_rss / gb:.2f} GB"
    )
    print(f"wall incl. start-up: engine child {engine_wall:.1f} s, pandas {pandas_wall:.1f} s")
    print(f"load average (1, 5, 15 min): {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
