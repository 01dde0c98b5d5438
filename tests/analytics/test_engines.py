"""The same indicators on the same extracts give identical counts on DuckDB, PostgreSQL and
Spark (local mode).

PostgreSQL runs when NWD_ANALYTICS_PG_URL (or NWD_DATABASE_URL) names a PostgreSQL server it
may create a schema in; CI runs it in ./scripts/test-postgresql. By hand:
    source scripts/pg-cluster.sh && pg_cluster_start 54347 -c fsync=off
    NWD_ANALYTICS_PG_URL=$NWD_DATABASE_URL uv run pytest tests/analytics/test_engines.py
    pg_cluster_stop
Spark is slow (a JVM; ~12 s to start, ~40 s of queries) and needs the optional extra and
Java (Debian's openjdk-17-jre-headless); skipped without them, except under CI (`CI` set,
as .ci/run does), where that is a failure:
    uv run --extra spark pytest -m slow tests/analytics/test_engines.py
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from ibis.backends import BaseBackend
from typer.testing import CliRunner

from nowrongdoor.analytics.engine import (
    EngineUnavailable,
    connect,
    connect_postgres,
    count_all,
    open_extract,
)
from nowrongdoor.analytics.indicators import Period
from nowrongdoor.cli.app import app


def _postgres_url() -> str | None:
    """NWD_ANALYTICS_PG_URL, or the records' PostgreSQL (scripts/test-postgresql sets it)."""
    records = os.environ.get("NWD_DATABASE_URL", "")
    fallback = records if records.startswith(("postgres://", "postgresql://")) else None
    return os.environ.get("NWD_ANALYTICS_PG_URL", fallback)


PG_URL = _postgres_url()
SCHEMA = "nwd_analytics_agreement"
YEAR = Period(date(2025, 4, 1), date(2026, 3, 31))
needs_postgres = pytest.mark.skipif(PG_URL is None, reason="no PostgreSQL URL given")


@pytest.fixture(scope="module")
def synthetic_area(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("area")
    args = ["synth", "--people", "2000", "--seed", "11", "--out", str(out)]
    assert CliRunner().invoke(app, args).exit_code == 0
    return out


def _agree(folder: Path, con: BaseBackend) -> None:
    duckdb = count_all(open_extract(folder), YEAR)
    assert len(duckdb) > 20
    assert count_all(open_extract(folder, con), YEAR) == duckdb


def _connect(schema: str | None = None) -> BaseBackend:
    return connect_postgres(PG_URL or "", schema)


@pytest.fixture
def postgres() -> Iterator[BaseBackend]:
    """A fresh schema per test, dropped afterwards."""
    admin = _connect()
    admin.raw_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}").close()
    yield _connect(SCHEMA)
    admin.raw_sql(f"DROP SCHEMA {SCHEMA} CASCADE").close()


@needs_postgres
def test_postgresql_agrees_on_the_tiny_extract(tiny_extract: Path, postgres: BaseBackend) -> None:
    _agree(tiny_extract, postgres)


@needs_postgres
def test_postgresql_agrees_on_a_synthetic_area(synthetic_area: Path, postgres: BaseBackend) -> None:
    _agree(synthetic_area, postgres)


@pytest.fixture(scope="module")
def spark() -> Iterator[BaseBackend]:
    yield (con := spark_or_skip())
    con.disconnect()


def spark_or_skip() -> BaseBackend:
    """A local Spark session; without the extra or Java a skip, or under CI a failure."""
    try:
        return connect("spark")
    except EngineUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI runs the Spark agreement: {error}")
        pytest.skip(str(error))


@pytest.mark.slow
def test_spark_agrees_on_the_tiny_extract(tiny_extract: Path, spark: BaseBackend) -> None:
    _agree(tiny_extract, spark)


@pytest.mark.slow
def test_spark_agrees_on_a_synthetic_area(synthetic_area: Path, spark: BaseBackend) -> None:
    _agree(synthetic_area, spark)
