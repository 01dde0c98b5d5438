"""Runs the registry's indicators on an engine and counts them by breakdown, in long form.

DuckDB (embedded) reads the Parquet extract folder in place; another Ibis backend (PostgreSQL
is tested to agree) is given a copy of the tables.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from ibis.backends import BaseBackend

from nowrongdoor.analytics.disclosure import AREA, Count
from nowrongdoor.analytics.indicators import REGISTRY, SHARED, Indicator, Period, Tables
from nowrongdoor.analytics.tables import NOT_KNOWN, SCHEMAS, table_path

READS_PARQUET_IN_PLACE = ("duckdb", "pyspark")


def open_extract(folder: Path, con: BaseBackend | None = None) -> Tables:
    """The extract folder's tables on `con` (default: a new in-memory DuckDB). DuckDB and
    Spark read the Parquet files in place; another backend (PostgreSQL) gets a copy of each
    table and so needs an empty schema."""
    missing = [name for name in SCHEMAS if not table_path(folder, name).exists()]
    if missing:
        raise FileNotFoundError(f"{folder}: not an extract folder, missing {', '.join(missing)}")
    if con is None:
        con = ibis.duckdb.connect()
        con.raw_sql("SET enable_progress_bar = false")  # ours is the one shown
    if con.name in READS_PARQUET_IN_PLACE:
        return {
            name: con.read_parquet(str(table_path(folder, name)), table_name=name)
            for name in SCHEMAS
        }
    return {
        name: con.create_table(name, pq.read_table(table_path(folder, name))) for name in SCHEMAS
    }


def _cells(t: Tables, period: Period, indicator: Indicator) -> pa.Table:
    """Numerator and denominator for every combination of the breakdowns' groups: one pass
    on the engine, and a small table (thousands of rows) whatever the number of people."""
    units = indicator.units(t, period)
    services = t["services"].select("service_id", "service")
    joined = units.left_join(t["people"], "person_id").left_join(services, "service_id")
    groups = {name: joined[name].fill_null(NOT_KNOWN) for name in indicator.breakdowns}
    return (
        joined.group_by(**groups)
        .aggregate(numerator=joined.numerator.ifelse(1, 0).sum(), denominator=joined.count())
        .to_pyarrow()
    )


def count_indicator(t: Tables, period: Period, indicator: Indicator) -> list[Count]:
    """The area row, then each breakdown's groups in order, rolled up from the cells."""
    cells = _cells(t, period, indicator)
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


def share(t: Tables, period: Period) -> Tables:
    """The tables plus each shared intermediate table (indicators.SHARED) for the period,
    computed once as a temporary table instead of once per indicator."""
    shared = dict(t)
    for name, build in SHARED.items():
        expr = build(t, period)
        temporary = f"shared_{name}_{uuid.uuid4().hex[:12]}"
        try:
            shared[name] = ibis.get_backend(expr).create_table(temporary, expr, temp=True)
        except NotImplementedError:  # PySpark has no temporary tables: same result, slower
            shared[name] = expr
    return shared


def count_all(
    t: Tables,
    period: Period,
    indicators: Sequence[Indicator] = REGISTRY,
    on_indicator: Callable[[Indicator], None] = lambda indicator: None,
) -> list[Count]:
    """Every indicator's counts; an indicator with no units still has its area row (0 of 0)."""
    counts: list[Count] = []
    t = share(t, period)
    for indicator in indicators:
        rows = count_indicator(t, period, indicator)
        counts.extend(rows or [Count(indicator.id, AREA, "all", 0, 0)])
        on_indicator(indicator)
    return counts
