"""Writing the audit log: who did what to which record, before and after."""
from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from secretariat_app.audit.models import AuditEntry
from secretariat_app.core.columns import utcnow
from secretariat_app.core.loading import LoadReport
from secretariat_app.extensions import db

if TYPE_CHECKING:
    from secretariat_app.accounts.models.people import User


def plain(value: Any) -> Any:
    """A JSON-friendly form of a column value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(plain(v) for v in value)
    return value


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: plain(getattr(obj, name)) for name in fields}


@contextmanager
def tracking_changes(actor: User | None, action: str, object_type: str, obj: Any,
                     fields: tuple[str, ...]) -> Iterator[None]:
    """Record `action` with the fields before and after the block, if any changed."""
    before = snapshot(obj, fields)
    yield
    db.session.flush()
    after = snapshot(obj, fields)
    if before != after:
        record(actor, action, object_type, obj.id, before, after)


def entry_values(actor: User | None, action: str, object_type: str, object_id: Any,
                 before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> dict[str, Any]:
    """The columns of an audit entry, for a caller that inserts it with other rows
    in one statement (a download: documents.services.download.record_download)."""
    return {"at": utcnow(), "actor_id": getattr(actor, "id", None), "action": action, "object_type": object_type,
            "object_id": str(object_id), "before": before, "after": after}


def record(actor: User | None, action: str, object_type: str, object_id: Any,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> AuditEntry:
    """Add an audit entry to the current transaction (the caller commits)."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry


@contextmanager
def recorded_load(action: str, object_type: str, object_id: str) -> Iterator[LoadReport]:
    """A load of reference data or history in one transaction: the block writes and
    counts into the report it is given; then an audit entry of what was created and
    updated (when anything was) and the commit. On any error the rollback, and the
    error goes on: all of it lands, or none."""
    report = LoadReport()
    try:
        yield report
        if report.changed:
            record(None, action, object_type, object_id, None, {"created": report.created, "updated": report.updated})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
