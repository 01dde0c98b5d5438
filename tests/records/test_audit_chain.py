"""The audit trail: append-only in the database, and any tampering found by verify."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from record_area import Area
from typer.testing import CliRunner

from nowrongdoor.cli.app import app
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.services import audit
from nowrongdoor.services.people import register_person


def events(area: Area, count: int = 3) -> None:
    for _ in range(count):
        register_person(area.therapist, {"given_name": "A", "family_name": "B"})


def test_intact_chain_verifies(area: Area) -> None:
    events(area)
    verdict = audit.verify()
    assert verdict.intact
    assert verdict.events == 6


def test_the_database_refuses_update_and_delete(area: Area) -> None:
    events(area, 1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(sequence=1).update(actor="someone-else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(sequence=1).delete()


def without_triggers(*statements: str) -> None:
    """Tamper as someone with database-owner rights would: drop the guard, then edit."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_no_update")
            cursor.execute("DROP TRIGGER audit_no_delete")
        else:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        for sql in statements:
            cursor.execute(sql)


def test_a_changed_event_is_found(area: Area) -> None:
    events(area)
    without_triggers("UPDATE audit_auditevent SET actor = 'nobody' WHERE sequence = 3")
    verdict = audit.verify()
    assert not verdict.intact
    assert verdict.broken_at == 3


def test_a_removed_event_is_found(area: Area) -> None:
    events(area)
    without_triggers("DELETE FROM audit_auditevent WHERE sequence = 2")
    verdict = audit.verify()
    assert (verdict.intact, verdict.broken_at) == (False, 3)


def test_reordered_events_are_found(area: Area) -> None:
    events(area)
    without_triggers(
        "UPDATE audit_auditevent SET sequence = -1 WHERE sequence = 2",
        "UPDATE audit_auditevent SET sequence = 2 WHERE sequence = 4",
        "UPDATE audit_auditevent SET sequence = 4 WHERE sequence = -1",
    )
    verdict = audit.verify()
    assert (verdict.intact, verdict.broken_at) == (False, 2)


def test_a_cut_off_tail_is_found(area: Area) -> None:
    events(area)
    without_triggers("DELETE FROM audit_auditevent WHERE sequence >= 5")
    verdict = audit.verify()
    assert not verdict.intact
    assert "missing" in verdict.problem


def test_nwd_audit_verify_exit_codes(area: Area) -> None:
    events(area, 2)
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0
    assert "intact: 4 events" in ok.output
    without_triggers("UPDATE audit_auditevent SET reason = 'edited' WHERE sequence = 2")
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "broken at event 2" in broken.output


def test_suite_runs_on_the_database_ci_asks_for() -> None:
    """CI sets NWD_EXPECT_DATABASE so the PostgreSQL run can never silently use SQLite."""
    import os

    expected = os.environ.get("NWD_EXPECT_DATABASE")
    if expected:
        assert connection.vendor == expected
