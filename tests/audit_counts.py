"""What the audit log recorded of changes to records: how many, leaving out the
security trail (a test's own login is recorded there: audit/security.py), and
the entries about one kind of record."""
from __future__ import annotations

from sqlalchemy import func, select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.audit.security import OBJECT_TYPE
from secretariat_app.extensions import db


def changes_recorded() -> int:
    db.session.rollback()  # see what the requests committed
    return db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.object_type != OBJECT_TYPE)) or 0


def entries_about(object_type: str) -> list[AuditEntry]:
    """The entries about records of `object_type`, oldest first."""
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == object_type).order_by(AuditEntry.id)))
