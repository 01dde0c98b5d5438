"""`nwd seed`: a reproducible synthetic area, made through audited use cases."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from helpers import run_nwd


def seeded(path: Path, seed: int) -> list[tuple[object, ...]]:
    done = run_nwd("seed", "--people", "6", "--seed", str(seed), database=path)
    assert done.returncode == 0, done.stderr
    verify = run_nwd("audit", "verify", database=path)
    assert verify.returncode == 0, verify.stderr
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT p.given_name, p.family_name, p.date_of_birth, s.instrument, s.total "
            "FROM people_person p JOIN clinical_screening s ON s.person_id = p.id "
            "ORDER BY p.id, s.id"
        ).fetchall()


def test_the_same_seed_gives_the_same_area(tmp_path: Path) -> None:
    first = seeded(tmp_path / "a.sqlite3", 11)
    assert len(first) == 12  # six people, two screenings each
    assert seeded(tmp_path / "b.sqlite3", 11) == first
    assert seeded(tmp_path / "c.sqlite3", 12) != first
