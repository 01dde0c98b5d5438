"""The same indicators on the same extracts give identical counts on DuckDB and PostgreSQL.

Runs when NWD_ANALYTICS_PG_URL names a PostgreSQL server it may create a schema in:
    source scripts/pg-cluster.sh && pg_cluster_start 54347 -c fsync=off
    NWD_ANALYTICS_PG_URL=$NWD_DATABASE_URL uv run pytest tests/analytics/test_engines.py
    pg_cluster_stop
PySpark is the third engine still to add.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import ibis
import pytest
from ibis.backends import BaseBackend
from typer.testing import CliRunner

from nowrongdoor.analytics.engine import count_all, open_extract
from nowrongdoor.analytics.indicators import Period
from nowrongdoor.cli.app import app

URL = os.environ.get("NWD_ANALYTICS_PG_URL")
SCHEMA = "nwd_analytics_agreement"
YEAR = Period(date(2025, 4, 1), date(2026, 3, 31))

pytestmark = pytest.mark.skipif(URL is None, reason="NWD_ANALYTICS_PG_URL not set")


def _connect(schema: str | None = None) -> BaseBackend:
    url = urlparse(URL or "")
    return ibis.postgres.connect(
        host=url.hostname,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.path.lstrip("/") or "postgres",
        **({"schema": schema} if schema else {}),
    )


@pytest.fixture
def postgres() -> Iterator[BaseBackend]:
    """A fresh schema per test, dropped afterwards."""
    admin = _connect()
    admin.raw_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}").close()
    yield _connect(SCHEMA)
    admin.raw_sql(f"DROP SCHEMA {SCHEMA} CASCADE").close()


def test_the_tiny_extract_agrees(tiny_extract: Path, postgres: BaseBackend) -> None:
    duckdb = count_all(open_extract(tiny_extract), YEAR)
    assert count_all(open_extract(tiny_extract, postgres), YEAR) == duckdb


def test_a_synthetic_area_agrees(tmp_path: Path, postgres: BaseBackend) -> None:
    args = ["synth", "--people", "2000", "--seed", "11", "--out", str(tmp_path)]
    assert CliRunner().invoke(app, args).exit_code == 0
    duckdb = count_all(open_extract(tmp_path), YEAR)
    assert len(duckdb) > 100
    assert count_all(open_extract(tmp_path, postgres), YEAR) == duckdb
