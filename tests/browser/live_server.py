"""The real server for browser tests: `nwd serve` (waitress) on a fresh, seeded database.

SQLite by default (a file in a temporary folder). When `NWD_DATABASE_URL` names a PostgreSQL
server, a fresh database is created on it for the run and dropped afterwards, so the pages are
tested on the same engine as production without touching the records suite's database.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from helpers import NWD, ROOT, free_port

SEED_PEOPLE = "12"  # enough for every setting to have a caseload; seeding takes ~3 s
START_TIMEOUT = 60.0


@contextmanager
def fresh_database(folder: Path) -> Iterator[str]:
    """A database URL nobody else uses: a new SQLite file, or a new PostgreSQL database."""
    configured = os.environ.get("NWD_DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{folder / 'browser.sqlite3'}"
        return
    import psycopg

    name = f"nwd_browser_{secrets.token_hex(4)}"
    with psycopg.connect(configured, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlparse(configured)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(configured, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _nwd(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [str(NWD), *args], capture_output=True, text=True, cwd=ROOT, env=env, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"nwd {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nwd serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/sign-in", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # serving; the tests will say what is wrong with the answer
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f"nwd serve did not answer within {START_TIMEOUT} s:\n{log.read_text()}")


@dataclass(frozen=True)
class LiveServer:
    url: str
    database_url: str  # for checks the pages cannot show, e.g. `nwd audit list`


@contextmanager
def live_server(folder: Path) -> Iterator[LiveServer]:
    """Migrate and seed a fresh database, serve it on a free loopback port."""
    with fresh_database(folder) as database_url:
        env = {**os.environ, "NWD_DATABASE_URL": database_url}
        _nwd(env, "db", "migrate")
        _nwd(env, "seed", "--people", SEED_PEOPLE, "--seed", "1")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = folder / "server.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(NWD), "serve", "--host", "127.0.0.1", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            try:
                _wait_until_up(url, process, log)
                yield LiveServer(url, database_url)
            finally:
                process.terminate()
                process.wait(timeout=10)
