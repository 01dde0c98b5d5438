"""Runs the registry's indicators on an engine and counts them by breakdown, in long form.

DuckDB (embedded) and Spark (local mode) read the Parquet extract folder in place;
PostgreSQL is given a copy of the tables. All three are tested to agree.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlparse

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from ibis.backends import BaseBackend

from nowrongdoor.analytics.disclosure import AREA, Count
from nowrongdoor.analytics.indicators import (
    EQUALITY,
    REGISTRY,
    SHARED,
    Indicator,
    Period,
    Tables,
)
from nowrongdoor.analytics.tables import NOT_KNOWN, SCHEMAS, table_path

READS_PARQUET_IN_PLACE = ("duckdb", "pyspark")
ENGINES = ("duckdb", "postgres", "spark")


class EngineUnavailable(RuntimeError):
    """The engine asked for cannot run here (no server URL, no extra, no Java)."""


def connect(engine: str, postgres_url: str | None = None) -> BaseBackend:
    """A connection to one of ENGINES: an in-memory DuckDB, the PostgreSQL server at
    `postgres_url`, or a Spark session in local mode on 2 cores."""
    if engine == "duckdb":
        con = ibis.duckdb.connect()
        con.raw_sql("SET enable_progress_bar = false")  # ours is the one shown
        return con
    if engine == "postgres":
        if not postgres_url or not postgres_url.startswith(("postgres://", "postgresql://")):
            raise EngineUnavailable("the postgres engine needs a PostgreSQL URL")
        return connect_postgres(postgres_url)
    if engine == "spark":
        return _spark()
    raise ValueError(f"unknown engine {engine!r}; one of {', '.join(ENGINES)}")


def connect_postgres(postgres_url: str, schema: str | None = None) -> BaseBackend:
    """Ibis on the server a postgresql:// URL names (in `schema`, when given)."""
    url = urlparse(postgres_url)
    return ibis.postgres.connect(
        host=url.hostname,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.path.lstrip("/") or "postgres",
        **({"schema": schema} if schema else {}),
    )


def _spark() -> BaseBackend:
    """Spark in local mode, no web UI, bound to the loopback address (docs/analytics.md)."""
    try:
        from pyspark.sql import SparkSession  # type: ignore[import-not-found, unused-ignore]
    except ImportError as error:
        raise EngineUnavailable(
            "the spark engine needs the extra: uv sync --extra spark"
        ) from error
    if shutil.which("java") is None:
        raise EngineUnavailable("the spark engine needs Java (Debian: openjdk-17-jre-headless)")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    return ibis.pyspark.connect(session)


def open_extract(folder: Path, con: BaseBackend | None = None) -> Tables:
    """The extract folder's tables on `con` (default: a new in-memory DuckDB). DuckDB and
    Spark read the Parquet files in place; another backend (PostgreSQL) gets a copy of each
    table as a temporary table, so nothing is left in its database."""
    missing = [name for name in SCHEMAS if not table_path(folder, name).exists()]
    if missing:
        raise FileNotFoundError(f"{folder}: not an extract folder, missing {', '.join(missing)}")
    if con is None:
        con = connect("duckdb")
    if con.name in READS_PARQUET_IN_PLACE:
        return {
            name: con.read_parquet(str(table_path(folder, name)), table_name=name)
            for name in SCHEMAS
        }
    return {
        name: con.create_table(name, pq.read_table(table_path(folder, name)), temp=True)
        for name in SCHEMAS
    }


PERSON_FIELDS = tuple(name for name in EQUALITY if name in SCHEMAS["people"].names)


def _profiles(t: Tables) -> ir.Table:
    """Each distinct combination of the people's equality fields (null as NOT_KNOWN), numbered
    `profile`: the indicators' passes group by the number instead of five strings (a few
    hundred profiles for millions of people), then name the few thousand groups left."""
    people = _filled(t)
    order = list(PERSON_FIELDS)
    return people.select(*order).distinct().mutate(profile=ibis.row_number().over(order_by=order))


def _filled(t: Tables) -> ir.Table:
    people = t["people"]
    fields = {name: people[name].fill_null(NOT_KNOWN) for name in PERSON_FIELDS}
    return people.select("person_id", **fields)


def _person_profiles(t: Tables, profiles: ir.Table) -> ir.Table:
    """Each person's profile number."""
    return _filled(t).join(profiles, list(PERSON_FIELDS)).select("person_id", "profile")


def _cells(t: Tables, period: Period, indicator: Indicator, area: str | None) -> pa.Table:
    """Numerator and denominator for every combination of the breakdowns' groups: one pass
    on the engine, and a small table (thousands of rows) whatever the number of people.
    With an area, only the units at its organisation's services."""
    units = indicator.units(t, period)
    if area is not None:
        services = t["services"]
        ours = services.filter(services.organisation == area).service_id
        units = units.filter(units.service_id.isin(ours))
    profiles = t["profiles"] if "profiles" in t else _profiles(t)
    coded = t["person_profiles"] if "person_profiles" in t else _person_profiles(t, profiles)
    coded_units = units.left_join(coded, "person_id")
    by_profile = coded_units.group_by("profile", "service_id", "substance_group").aggregate(
        numerator=coded_units.numerator.ifelse(1, 0).sum(), denominator=coded_units.count()
    )
    services = t["services"].select("service_id", "service")
    joined = by_profile.left_join(profiles, "profile").left_join(services, "service_id")
    groups = {name: joined[name].fill_null(NOT_KNOWN) for name in indicator.breakdowns}
    return (
        joined.group_by(**groups)
        .aggregate(numerator=joined.numerator.sum(), denominator=joined.denominator.sum())
        .to_pyarrow()
    )


def count_indicator(
    t: Tables, period: Period, indicator: Indicator, area: str | None = None
) -> list[Count]:
    """The area row, then each breakdown's groups in order, rolled up from the cells."""
    cells = _cells(t, period, indicator, area)
    if cells.num_rows == 0:
        return []
    counts = [
        Count(
            indicator.id,
            AREA,
            "all",
            pc.sum(cells["numerator"]).as_py() or 0,
            pc.sum(cells["denominator"]).as_py(),
        )
    ]
    for name in indicator.breakdowns:
        rolled = cells.group_by(name).aggregate([("numerator", "sum"), ("denominator", "sum")])
        rows = sorted(rolled.to_pylist(), key=lambda row: row[name])
        counts += [
            Count(
                indicator.id,
                name,
                row[name],
                row["numerator_sum"] or 0,
                row["denominator_sum"],
            )
            for row in rows
        ]
    return counts


def organisations(t: Tables) -> list[str]:
    """The organisations the extract's services belong to (what --area selects)."""
    names = t["services"].select("organisation").distinct().to_pyarrow()["organisation"]
    return sorted(name for name in names.to_pylist() if name is not None)


def share(t: Tables, period: Period) -> Tables:
    """The tables plus each shared intermediate table (indicators.SHARED) for the period and
    the people's profiles (_profiles), computed once as a temporary table instead of once per
    indicator."""
    shared = dict(t)

    def materialise(name: str, expr: ir.Table) -> None:
        temporary = f"shared_{name}_{uuid.uuid4().hex[:12]}"
        try:
            shared[name] = ibis.get_backend(expr).create_table(temporary, expr, temp=True)
        except NotImplementedError:  # PySpark has no temporary tables: same result, slower
            shared[name] = expr

    for name, build in SHARED.items():
        materialise(name, build(t, period))
    materialise("profiles", _profiles(t))
    materialise("person_profiles", _person_profiles(t, shared["profiles"]))
    return shared


def count_all(
    t: Tables,
    period: Period,
    indicators: Sequence[Indicator] = REGISTRY,
    on_indicator: Callable[[Indicator], None] = lambda indicator: None,
    area: str | None = None,
) -> list[Count]:
    """Every indicator's counts; an indicator with no units still has its area row (0 of 0).
    With `area` (an organisation), only units at its services count; what is looked up about
    their people stays extract-wide (a need screened elsewhere, a re-presentation anywhere)."""
    if area is not None and area not in organisations(t):
        raise ValueError(f"no organisation {area!r} in the extract")
    counts: list[Count] = []
    t = share(t, period)
    for indicator in indicators:
        rows = count_indicator(t, period, indicator, area)
        counts.extend(rows or [Count(indicator.id, AREA, "all", 0, 0)])
        on_indicator(indicator)
    return counts
