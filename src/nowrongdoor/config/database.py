"""`NWD_DATABASE_URL` to Django's DATABASES entry.

Written here rather than adding dj-database-url: two schemes are supported (SQLite, the
embedded default, and PostgreSQL) and the SQLite options (WAL, immediate transactions,
foreign keys) are ours to set. See docs/decisions/0006-records-on-django.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from nowrongdoor.errors import InputError

SQLITE_INIT = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
# Keep each server thread's connection between requests (checked before reuse): opening a
# PostgreSQL connection costs more than a whole audited read (benchmarks/web.py).
PERSISTENT = {"CONN_MAX_AGE": 600, "CONN_HEALTH_CHECKS": True}


def default_url() -> str:
    return f"sqlite:///{Path('var') / 'nowrongdoor.sqlite3'}"


def database_settings(url: str) -> dict[str, Any]:
    """One DATABASES entry from a URL: sqlite:///path/to/file or postgresql://u:p@h:port/db."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = Path(unquote(parsed.path.removeprefix("/") if url.startswith("sqlite:///") else ""))
        if not str(path):
            raise InputError("NWD_DATABASE_URL", "NWD_DATABASE_URL: sqlite URL needs a file path")
        path.parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {
                "init_command": SQLITE_INIT,
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            **PERSISTENT,
        }
    if parsed.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "postgres",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            **PERSISTENT,
        }
    raise InputError(
        "NWD_DATABASE_URL",
        f"NWD_DATABASE_URL: unsupported scheme {parsed.scheme!r}, expected sqlite or postgresql",
    )
