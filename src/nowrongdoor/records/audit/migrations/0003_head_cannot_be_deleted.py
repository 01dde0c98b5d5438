"""The head row (latest sequence and hash) may move forward but never be deleted."""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = {
    "sqlite": [
        "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_audithead "
        "BEGIN SELECT RAISE(ABORT, 'the audit head is kept'); END;",
        "CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_audithead "
        "WHEN NEW.sequence < OLD.sequence "
        "BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END;",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'DELETE' OR NEW.sequence < OLD.sequence THEN "
        "RAISE EXCEPTION 'the audit head only moves forward'; END IF; RETURN NEW; END; $$;",
        "CREATE TRIGGER audit_head_guard BEFORE UPDATE OR DELETE ON audit_audithead "
        "FOR EACH ROW EXECUTE FUNCTION audit_head_guard();",
    ],
}
DROP = {
    "sqlite": ["DROP TRIGGER audit_head_no_delete;", "DROP TRIGGER audit_head_forward_only;"],
    "postgresql": [
        "DROP TRIGGER audit_head_guard ON audit_audithead;",
        "DROP FUNCTION audit_head_guard();",
    ],
}


def create(apps: Any, schema_editor: Any) -> None:
    for statement in CREATE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop(apps: Any, schema_editor: Any) -> None:
    for statement in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]
    operations = [migrations.RunPython(create, drop)]
