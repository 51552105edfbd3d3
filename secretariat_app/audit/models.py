"""The append-only audit log."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, JSON, Connection, String, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from secretariat_app.accounts.models.people import User
from secretariat_app.core.columns import UTCDateTime, utcnow
from secretariat_app.extensions import Model


class AuditEntry(Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The acting user's id, without a foreign key: PostgreSQL checks one by locking
    # the user's row (FOR KEY SHARE) at every entry, so every download wrote to
    # user_account and concurrent ones by one person queued on multixacts (bench/inbox:
    # a tenth of the download's throughput). Users are never deleted, only
    # deactivated, and an append-only log must not hinge on the rows it describes.
    actor_id: Mapped[int | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship(primaryjoin="foreign(AuditEntry.actor_id) == User.id")


class AppendOnlyError(RuntimeError):
    pass


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(_mapper: Mapper[AuditEntry], _connection: Connection, target: AuditEntry) -> None:
    raise AppendOnlyError(f"audit entry {target.id} is append-only")


# The database refuses changes too, whatever the client: triggers on both engines.
APPEND_ONLY_TRIGGERS = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_entry is append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
    ],
    "sqlite": [
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
        "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
    ],
}

for _dialect, _statements in APPEND_ONLY_TRIGGERS.items():
    for _statement in _statements:
        event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))
