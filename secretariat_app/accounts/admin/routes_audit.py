"""The audit log: read-only, newest first, filterable (by record, action, or kind
of security event)."""
from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from secretariat_app.accounts.admin import bp
from secretariat_app.accounts.browsers import describe_browser
from secretariat_app.audit.models import AuditEntry
from secretariat_app.audit.security import SecurityEvent
from secretariat_app.extensions import db
from secretariat_app.permissions import Action, access

PAGE_SIZE = 50


@bp.route("/audit")
@access(Action.READ_AUDIT)
def audit_log():
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    object_type = request.args.get("object_type", "").strip()
    object_id = request.args.get("object_id", "").strip()
    action = request.args.get("action", "").strip()
    event = _security_event(request.args.get("event", ""))
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id:
        query = query.where(AuditEntry.object_id == object_id)
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    if event is not None:
        query = query.where(AuditEntry.action == event.action)
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    object_types = db.session.scalars(select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)).all()
    return render_template(
        "admin/audit.html", page=page, object_types=object_types, security_events=list(SecurityEvent),
        describe_browser=describe_browser,
        filters={"object_type": object_type, "object_id": object_id, "action": action,
                 "event": event.value if event is not None else ""},
    )


def _security_event(value: str) -> SecurityEvent | None:
    """The kind of security event asked for; an unknown value filters nothing."""
    try:
        return SecurityEvent(value.strip())
    except ValueError:
        return None
