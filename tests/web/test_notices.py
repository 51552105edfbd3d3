"""The officer page of failed notices, its resend buttons, and the `flask notify` commands."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.extensions import db
from secretariat_app.notices.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
)
from tests.conftest import csrf_token, post_form
from tests.documents_helpers import make_document
from tests.factories import delegate, officer

DUE = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
FAILED, PENDING, SENT = NotificationStatus.FAILED, NotificationStatus.PENDING, NotificationStatus.SENT
ERROR = "554 5.7.1 <dl@state.example>: Relay access denied"


def notice(user, document, status=FAILED, error=ERROR, attempts=3) -> Notification:
    row = Notification(kind=NotificationKind.DOCUMENT_CIRCULATED, subject_type="document", subject_id=document.id,
                       recipient_id=user.id, due_at=DUE, status=status, attempts=attempts, last_error=error)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def failed_rows(app_ctx):
    document = make_document()
    people = [delegate(name="Dana Delegate"), delegate(name="Ilya Delegate")]
    rows = [notice(people[0], document), notice(people[1], document, error="451 4.3.0 try later", attempts=6),
            notice(officer(), document, status=SENT, error="")]
    return document, rows


def status_of(row_id: int) -> NotificationStatus:
    db.session.expire_all()
    return db.session.get(Notification, row_id).status


def test_officers_see_failed_notices_with_their_errors(client, login, failed_rows):
    document, (first, second, sent) = failed_rows
    login(officer())
    html = client.get("/notices/failed").get_data(as_text=True)
    assert "Failed notices" in html
    assert html.count('data-notice="') == 2 and f'data-notice="{sent.id}"' not in html
    assert "Dana Delegate" in html and document.symbol in html and "Document circulated" in html
    assert "554 5.7.1 &lt;dl@state.example&gt;: Relay access denied" in html and "451 4.3.0 try later" in html
    assert f'action="/notices/{first.id}/resend"' in html and 'action="/notices/failed/resend"' in html


def test_the_resend_button_makes_a_notice_pending_again(client, login, failed_rows):
    _document, (first, second, _sent) = failed_rows
    staff = officer()
    login(staff)
    response = post_form(client, f"/notices/{first.id}/resend", {}, page="/notices/failed", follow_redirects=True)
    assert "will be sent again within a minute" in response.get_data(as_text=True)
    row = db.session.get(Notification, first.id)
    db.session.refresh(row)
    assert (row.status, row.attempts) == (PENDING, 0)
    assert status_of(second.id) == FAILED
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "notification.resend"))
    assert (entry.actor_id, entry.after["ids"]) == (staff.id, [first.id])


def test_resending_a_notice_that_has_not_failed_changes_nothing(client, login, failed_rows):
    _document, (_first, _second, sent) = failed_rows
    login(officer())
    response = post_form(client, f"/notices/{sent.id}/resend", {}, page="/notices/failed", follow_redirects=True)
    assert "nothing to resend" in response.get_data(as_text=True)
    assert status_of(sent.id) == SENT
    assert post_form(client, "/notices/99999/resend", {}, page="/notices/failed").status_code == 404


def test_resend_all(client, login, failed_rows):
    _document, rows = failed_rows
    login(officer())
    response = post_form(client, "/notices/failed/resend", {}, page="/notices/failed", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "2 failed notice(s) will be sent again" in html and "No notice has failed." in html
    assert [status_of(r.id) for r in rows] == [PENDING, PENDING, SENT]


def test_delegates_and_strangers_cannot_see_or_resend(client, login, failed_rows):
    _document, (first, _second, _sent) = failed_rows
    assert client.get("/notices/failed").status_code == 302  # to the login page
    login(delegate())
    assert client.get("/notices/failed").status_code == 403
    token = csrf_token(client, "/auth/password")
    assert client.post(f"/notices/{first.id}/resend", data={"csrf_token": token}).status_code == 403
    assert status_of(first.id) == FAILED


def test_the_page_is_translated(client, login, failed_rows):
    login(officer(language="ru"))
    assert client.get("/notices/failed").status_code == 200


# The command line ---------------------------------------------------------------------------------------

def test_cli_resends_by_id_or_all(app, failed_rows):
    _document, (first, second, sent) = failed_rows
    runner = app.test_cli_runner()
    listing = runner.invoke(args=["notify", "failed"])
    assert listing.exit_code == 0 and "Relay access denied" in listing.output and "2 failed notice(s)" in listing.output
    result = runner.invoke(args=["notify", "resend", str(first.id), str(sent.id)])
    assert result.exit_code != 0 and f"left as they were: {sent.id}" in result.output
    assert "1 failed notice(s) will be sent again" in result.output
    assert [status_of(r.id) for r in (first, second, sent)] == [PENDING, FAILED, SENT]
    result = runner.invoke(args=["notify", "resend", "--all-failed"])
    assert result.exit_code == 0 and f"will be sent again: {second.id}" in result.output
    assert runner.invoke(args=["notify", "resend"]).exit_code == 2  # neither ids nor --all-failed


def test_cli_dispatch_inline_sends_due_notices(app, app_ctx, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "memory")
    document = make_document()
    people = [delegate(), delegate()]
    for person in people:
        notice(person, document, status=PENDING, error="", attempts=0)
    result = app.test_cli_runner().invoke(args=["notify", "dispatch", "--inline"])
    assert result.exit_code == 0, result.output
    assert "claimed: 2; sent here: 2" in result.output and "sent: 2" in result.output
    assert sorted(m["To"] for m in outbox) == sorted(p.email for p in people)
    again = app.test_cli_runner().invoke(args=["notify", "dispatch", "--inline"])
    assert "claimed: 0" in again.output and len(outbox) == 2


def test_cli_dispatch_hands_the_workers_batches(app, app_ctx, monkeypatch):
    """Without --inline the claimed rows go to the workers as beat sends them:
    one task per NOTIFY_PER_TASK rows, after the claim is committed."""
    import workers.tasks.notify as tasks

    monkeypatch.setitem(app.config, "NOTIFY_PER_TASK", 2)
    document = make_document()
    rows = [notice(delegate(), document, status=PENDING, error="", attempts=0) for _ in range(3)]
    batches: list[list[tuple[int, int]]] = []
    monkeypatch.setattr(tasks, "enqueue_batch", lambda pairs: batches.append(list(pairs)))
    result = app.test_cli_runner().invoke(args=["notify", "dispatch"])
    assert result.exit_code == 0, result.output
    assert "claimed: 3; handed to the workers: 3" in result.output
    assert [len(batch) for batch in batches] == [2, 1]
    assert sorted(pair[0] for batch in batches for pair in batch) == sorted(r.id for r in rows)
    assert {status_of(r.id) for r in rows} == {NotificationStatus.SENDING}


# One use case, three doors ------------------------------------------------------------------------------

def test_every_door_resends_through_one_use_case(app, client, login, failed_rows, monkeypatch):
    """The page's two buttons and the command all call resend.resend_failed, which
    writes the rows and their audit entry in one commit."""
    from secretariat_app.notices.services import resend as resending

    _document, (first, second, _sent) = failed_rows
    calls = []
    real = resending.resend_failed
    monkeypatch.setattr(resending, "resend_failed", lambda *args: calls.append(args[1:]) or real(*args))
    login(officer())
    post_form(client, f"/notices/{first.id}/resend", {}, page="/notices/failed")
    post_form(client, "/notices/failed/resend", {}, page="/notices/failed")
    app.test_cli_runner().invoke(args=["notify", "resend", "--all-failed"])
    assert calls == [([first.id], "officer page"), (None, "officer page"), (None, "command line")]
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "notification.resend")).all()
    assert len(entries) == 2  # the third door found nothing failed: nothing written


def test_a_failed_commit_leaves_the_rows_failed_and_no_audit_entry(app_ctx, failed_rows, monkeypatch):
    from secretariat_app.notices.services import resend as resending

    _document, (first, second, _sent) = failed_rows

    def refuse() -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(db.session, "commit", refuse)
    with pytest.raises(RuntimeError):
        resending.resend_failed(None, None, "command line")
    monkeypatch.undo()
    db.session.rollback()
    assert [status_of(r.id) for r in (first, second)] == [FAILED, FAILED]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "notification.resend")) is None
