"""`nwd audit list`: the trail filtered by person, outcome and action, one JSON line each."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run_nwd


def test_audit_list_filters_by_person_and_action(tmp_path: Path) -> None:
    database = tmp_path / "a.sqlite3"
    assert run_nwd("db", "migrate", database=database).returncode == 0
    assert run_nwd("seed", "--people", "2", "--seed", "3", database=database).returncode == 0
    done = run_nwd("audit", "list", "--person", "2", "--limit", "1000", database=database)
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 0
    assert events
    assert {e["person_id"] for e in events} == {2}
    assert [e["sequence"] for e in events] == sorted(e["sequence"] for e in events)
    registered = run_nwd(
        "audit", "list", "--action", "person.register", "--limit", "1", database=database
    )
    (last,) = [json.loads(line) for line in registered.stdout.splitlines()]
    assert last["action"] == "person.register"
    assert last["person_id"] == 3  # the latest of Robin (1) and the 2 seeded people
