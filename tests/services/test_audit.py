"""The audit log is append-only."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from secretariat_app.audit import services as audit
from secretariat_app.audit.models import AppendOnlyError, AuditEntry
from secretariat_app.extensions import db


def test_entries_cannot_be_changed_or_deleted(app_ctx):
    entry = audit.record(None, "test.action", "thing", 1, {"a": 1}, {"a": 2})
    db.session.commit()
    entry.action = "rewritten"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    stored = db.session.get(AuditEntry, entry.id)
    assert (stored.action, stored.before, stored.after) == ("test.action", {"a": 1}, {"a": 2})
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 1


def test_the_database_itself_refuses_updates_and_deletes(app_ctx):
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    audit.record(None, "test.action", "thing", 1)
    db.session.commit()
    for statement in ("UPDATE audit_entry SET action = 'x'", "DELETE FROM audit_entry"):
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.scalar(select(AuditEntry.action)) == "test.action"
