"""Counting what the audit log recorded of changes to records, leaving out the
security trail (a test's own login is recorded there: audit/security.py)."""
from __future__ import annotations

from sqlalchemy import func, select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.audit.security import OBJECT_TYPE
from secretariat_app.extensions import db


def changes_recorded() -> int:
    db.session.rollback()  # see what the requests committed
    return db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.object_type != OBJECT_TYPE)) or 0
