"""Helpers shared by the tests: run the real `nwd` console script, as a user would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

NWD = Path(sys.executable).parent / "nwd"
ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def run_nwd(
    *args: str, stdin: str | None = None, database: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `nwd ARGS...` in a subprocess (on an SQLite file, if given); capture its output."""
    env = {**os.environ, "NWD_DATABASE_URL": f"sqlite:///{database}"} if database else None
    return subprocess.run(
        [str(NWD), *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
    )


def free_port() -> int:
    """A loopback port nothing listens on now, for a real server under test."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
