"""The failed notices through the API: what the officers' page lists (failed only, the latest
first, to whom, about what, why), to the Secretariat with the `officer` scope only."""
from __future__ import annotations

from datetime import UTC, datetime

from secretariat_app.extensions import db
from secretariat_app.notices.kinds import NotificationKind
from secretariat_app.notices.models import Notification, NotificationStatus
from secretariat_app.permissions.tokens import Scope
from tests.api.helpers import bearer, token_for
from tests.documents_helpers import cast, circulate, make_document

DUE = datetime(2026, 3, 1, 9, tzinfo=UTC)


def _notice(document_id: int, user, status: NotificationStatus, error: str = "") -> Notification:
    row = Notification(kind=NotificationKind.ACKNOWLEDGEMENT_CHASER, subject_type="document", subject_id=document_id,
                       recipient_id=user.id, due_at=DUE, status=status, attempts=3 if error else 0, last_error=error)
    db.session.add(row)
    db.session.commit()
    return row


def test_the_secretariat_lists_the_failed_notices(app_ctx, client):
    c = cast()
    document = make_document("Budget", "Бюджет")
    circulate(document, c.alpha)
    _notice(document.id, c.b1, NotificationStatus.SENT)
    first = _notice(document.id, c.a1, NotificationStatus.FAILED, "550 mailbox unavailable")
    second = _notice(document.id, c.a2, NotificationStatus.FAILED, "timed out")
    listed = client.get("/api/v1/notices/failed", headers=bearer(token_for(c.officer, Scope.READ, Scope.OFFICER)))
    assert listed.status_code == 200, listed.get_data(as_text=True)
    body = listed.get_json()
    assert body["total"] == 2 and [n["id"] for n in body["items"]] == [second.id, first.id]
    assert body["items"][1]["recipient_email"] == c.a1.email
    assert body["items"][1]["last_error"] == "550 mailbox unavailable" and body["items"][1]["attempts"] == 3
    assert document.symbol in body["items"][1]["subject"]
    assert client.get("/api/v1/notices/failed",
                      headers=bearer(token_for(c.officer, Scope.READ))).status_code == 403
    assert client.get("/api/v1/notices/failed", headers=bearer(token_for(c.a1, Scope.READ))).status_code == 403
