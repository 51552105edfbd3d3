"""Notices as rows: queuing, claiming, delivering with retries and backoff,
failing, resending and taking back rows stuck in "sending" (SQLite and PostgreSQL)."""
from __future__ import annotations

import smtplib
import threading
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select, update

from secretariat_app.core import mail
from secretariat_app.extensions import db
from secretariat_app.notices.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
)
from secretariat_app.notices.services import dispatch
from secretariat_app.notices.services import queue as notice_queue
from secretariat_app.notices.services import resend as resending
from tests.documents_helpers import make_document
from tests.factories import UserFactory, delegate, officer

NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
CIRCULATED = NotificationKind.DOCUMENT_CIRCULATED
PENDING, SENDING, SENT = NotificationStatus.PENDING, NotificationStatus.SENDING, NotificationStatus.SENT
FAILED, CANCELLED = NotificationStatus.FAILED, NotificationStatus.CANCELLED


@pytest.fixture
def settings(app_ctx, monkeypatch):
    for name, value in {"NOTIFY_MAX_ATTEMPTS": 3, "NOTIFY_BACKOFF_SECONDS": 60, "NOTIFY_BATCH_SIZE": 100,
                        "NOTIFY_SENDING_TIMEOUT_SECONDS": 600, "MAIL_BACKEND": "memory"}.items():
        monkeypatch.setitem(app_ctx.config, name, value)
    return app_ctx.config


def rows() -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).order_by(Notification.id)))


def queued(users, due_at=NOW, subject_id=None, kind=CIRCULATED) -> int:
    subject_id = subject_id if subject_id is not None else make_document().id
    count = notice_queue.queue(kind, "document", subject_id, [u.id for u in users], due_at)
    db.session.commit()
    return count


def claim(now=NOW, limit=None) -> list[tuple[int, int]]:
    claimed = dispatch.claim_due(now, limit)
    db.session.commit()
    return claimed


# Queuing ---------------------------------------------------------------------------------------------

def test_queue_adds_one_row_per_recipient_and_skips_what_exists(settings):
    users = [delegate() for _ in range(3)]
    document = make_document()
    assert queued(users, subject_id=document.id) == 3
    assert queued(users + [delegate()], subject_id=document.id) == 1  # only the new recipient
    assert queued(users, subject_id=document.id, due_at=NOW + timedelta(days=1)) == 3  # another instant
    assert [(r.status, r.attempts, r.last_error) for r in rows()] == [(PENDING, 0, "")] * 7


def test_queue_skips_who_cannot_or_will_not_be_mailed(settings):
    keen = delegate()
    opted_out = delegate(mail_opt_out=[CIRCULATED.value])
    only_chasers_off = delegate(mail_opt_out=[NotificationKind.ACKNOWLEDGEMENT_CHASER.value])
    no_mail = delegate(email="")
    gone = delegate(active=False)
    assert queued([keen, opted_out, only_chasers_off, no_mail, gone]) == 2
    assert {r.recipient_id for r in rows()} == {keen.id, only_chasers_off.id}
    assert notice_queue.queue(CIRCULATED, "document", 1, [], NOW) == 0


def test_queue_writes_many_rows_in_chunks(settings, monkeypatch):
    monkeypatch.setattr(notice_queue, "QUEUE_CHUNK", 4)
    users = [delegate() for _ in range(10)]
    document = make_document()
    assert queued(users[:3], subject_id=document.id) == 3
    assert queued(users, subject_id=document.id) == 7
    assert len(rows()) == 10


def test_queue_writes_in_the_callers_transaction(settings):
    notice_queue.queue(CIRCULATED, "document", make_document().id, [delegate().id], NOW)
    db.session.rollback()
    assert rows() == []


# Claiming --------------------------------------------------------------------------------------------

def test_a_due_row_is_claimed_once(settings):
    users = [delegate() for _ in range(5)]
    queued(users)
    queued(users[:1], due_at=NOW + timedelta(minutes=5))  # not due yet
    first, second, third = claim(limit=3), claim(limit=5), claim(limit=5)
    assert len(first) == 3 and len(second) == 2 and third == []
    assert not {i for i, _ in first} & {i for i, _ in second}
    assert all(attempt == 1 for _, attempt in first + second)
    states = {r.id: (r.status, r.attempts, r.claimed_at) for r in rows()}
    assert sorted(i for i, s in states.items() if s == (SENDING, 1, NOW)) == sorted(i for i, _ in first + second)
    assert claim(now=NOW + timedelta(minutes=5), limit=100) != []  # the later one, when due


def test_rows_in_flight_count_against_the_batch(settings):
    queued([delegate() for _ in range(5)])
    assert len(claim(limit=2)) == 2
    assert claim(limit=2) == []  # two are still being sent
    assert len(claim(limit=4)) == 2


def test_dispatchers_running_at_once_claim_disjoint_sets(settings, app):
    queued([delegate() for _ in range(40)])
    barrier, results, errors = threading.Barrier(4), [], []

    def dispatcher():
        """Claims three at a time and marks them sent, as a fast worker would, until none is left."""
        with app.app_context():
            try:
                barrier.wait()
                while True:
                    claimed = claim(limit=3)
                    results.extend(claimed)
                    db.session.execute(update(Notification).where(Notification.id.in_([i for i, _ in claimed]))
                                       .values(status=SENT))
                    db.session.commit()
                    if not claimed and not db.session.scalar(
                            select(func.count(Notification.id)).where(Notification.status != SENT)):
                        break
            except Exception as error:  # noqa: BLE001
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=dispatcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    ids = [i for i, _ in results]
    assert len(ids) == len(set(ids)) == 40


# Delivering ------------------------------------------------------------------------------------------

def test_deliver_sends_once_with_the_rows_message_id(settings, outbox):
    user = delegate()
    queued([user])
    [(notification_id, attempt)] = claim()
    assert dispatch.deliver(notification_id, attempt) == "sent"
    assert dispatch.deliver(notification_id, attempt) == "skipped"  # a redelivered task
    [row] = rows()
    assert (row.status, row.attempts, row.sent_at is not None) == (SENT, 1, True)
    assert [(m["To"], m["Message-ID"]) for m in outbox] == [(user.email, row.message_id)]


def test_a_task_from_an_earlier_attempt_sends_nothing(settings, outbox):
    queued([delegate()])
    [(notification_id, _)] = claim()
    db.session.execute(update(Notification).values(status=PENDING, claimed_at=None))
    db.session.commit()
    [(_, attempt)] = claim(now=NOW + timedelta(seconds=1))
    assert attempt == 2
    assert dispatch.deliver(notification_id, 1) == "skipped"
    assert dispatch.deliver(notification_id, 2) == "sent"
    assert len(outbox) == 1


def failing(monkeypatch, *errors):
    """mail.send raises `errors` one after the other, then accepts."""
    remaining = list(errors)
    sent = []

    def send(message):
        if remaining:
            raise remaining.pop(0)
        sent.append(message)

    monkeypatch.setattr(mail, "send", send)
    return sent


def test_temporary_refusals_back_off_then_fail(settings, monkeypatch):
    failing(monkeypatch, *[smtplib.SMTPDataError(451, b"4.3.0 try again later")] * 3)
    queued([delegate()])
    moments = [NOW, NOW + timedelta(seconds=60), NOW + timedelta(seconds=180)]
    for number, moment in enumerate(moments, start=1):
        with freeze_time(moment):
            [(notification_id, attempt)] = claim(now=moment)
            outcome = dispatch.deliver(notification_id, attempt)
        [row] = rows()
        assert row.attempts == number and "451 4.3.0 try again later" in row.last_error
        if number < 3:
            assert outcome == "retry"
            # The identity (due_at) stays; the next try waits for not_before.
            assert (row.status, row.due_at) == (PENDING, NOW)
            assert row.not_before == moment + timedelta(seconds=60 * 2 ** (number - 1))
            assert claim(now=row.not_before - timedelta(seconds=1)) == []  # not before its time
    assert (outcome, row.status) == ("failed", FAILED)


def test_a_permanent_refusal_fails_at_once(settings, monkeypatch):
    failing(monkeypatch, smtplib.SMTPRecipientsRefused({"x@cica.example": (550, b"5.1.1 no such user")}),
            smtplib.SMTPSenderRefused(553, b"5.7.1 sender refused", "secretariat@cica.example"))
    queued([delegate(), delegate()])
    for notification_id, attempt in claim():
        assert dispatch.deliver(notification_id, attempt) == "failed"
    errors = sorted(r.last_error for r in rows())
    assert [r.status for r in rows()] == [FAILED, FAILED]
    assert "550 5.1.1 no such user" in errors[1] and errors[0].startswith("553 5.7.1")


def test_a_lost_connection_is_temporary(settings, monkeypatch):
    sent = failing(monkeypatch, ConnectionRefusedError(111, "Connection refused"),
                   smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    queued([delegate()])
    for moment in (NOW, NOW + timedelta(seconds=60), NOW + timedelta(seconds=180)):
        with freeze_time(moment):
            [(notification_id, attempt)] = claim(now=moment)
            dispatch.deliver(notification_id, attempt)
    [row] = rows()
    assert (row.status, row.attempts, len(sent)) == (SENT, 3, 1)


def test_a_recipient_who_opted_out_meanwhile_is_not_mailed(settings, outbox):
    user = delegate()
    queued([user])
    user.mail_opt_out = [CIRCULATED.value]
    db.session.commit()
    [(notification_id, attempt)] = claim()
    assert dispatch.deliver(notification_id, attempt) == "cancelled"
    assert (rows()[0].status, outbox) == (CANCELLED, [])


def test_a_notice_without_a_renderer_fails_with_the_reason(settings, outbox, monkeypatch):
    from secretariat_app.notices import kinds

    # A kind no feature registered (REPORT_DEADLINE is registered by cbm/notice_kinds.py: taken out here).
    monkeypatch.delitem(kinds.KINDS, NotificationKind.REPORT_DEADLINE, raising=False)
    queued([delegate()], kind=NotificationKind.REPORT_DEADLINE)
    [(notification_id, attempt)] = claim()
    assert dispatch.deliver(notification_id, attempt) == "failed"
    [row] = rows()
    assert row.status == FAILED and "report_deadline" in row.last_error


# Taking back, resending --------------------------------------------------------------------------------

def test_rows_stuck_in_sending_are_taken_back(settings):
    users = [delegate() for _ in range(3)]
    queued(users)
    claim(limit=2)  # two stuck: their worker died
    later = NOW + timedelta(seconds=601)
    claim(now=later, limit=3)  # the third, claimed just now
    db.session.execute(update(Notification).where(Notification.id == rows()[1].id).values(attempts=3))
    db.session.commit()
    assert dispatch.reclaim_stuck(later) == 2
    db.session.commit()
    first, second, third = rows()
    assert (first.status, first.attempts) == (PENDING, 1) and "taken back" in first.last_error
    assert (second.status, second.attempts) == (FAILED, 3)  # that was its last attempt
    assert third.status == SENDING


def test_dispatch_commits_before_it_enqueues_and_survives_a_dead_broker(settings, app):
    queued([delegate() for _ in range(3)])
    seen = []

    def enqueue(notification_id, attempt):
        with app.app_context():  # another session sees the claim committed
            seen.append(db.session.get(Notification, notification_id).status)
        if len(seen) == 2:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    result = dispatch.dispatch(enqueue, now=NOW)
    assert (len(result.claimed), result.enqueued, seen) == (3, 1, [SENDING, SENDING])
    assert "Connection refused" in result.error
    first, second, third = rows()
    assert (first.status, first.attempts) == (SENDING, 1)  # its task is queued
    # The two no task carries are handed back at once, their attempt given back: nothing was tried.
    assert [(r.status, r.attempts) for r in (second, third)] == [(PENDING, 0)] * 2
    assert "could not be queued" in second.last_error
    later = dispatch.dispatch(lambda *_: None, now=NOW)  # the next pass, no sending timeout to wait for
    assert (later.reclaimed, len(later.claimed), later.enqueued) == (0, 2, 2)


def test_a_task_that_reached_the_broker_despite_the_error_sends_nothing(settings, app, outbox):
    """The broker may take a message and still raise (a timeout on its answer): the
    row handed back is no longer in that claim, so the stray task sends nothing, and
    the notice goes out once, from its new claim."""
    queued([delegate()])
    taken = []

    def enqueue(notification_id, claim):
        taken.append((notification_id, claim))
        raise TimeoutError("the broker took too long to answer")

    dispatch.dispatch(enqueue, now=NOW)
    [(notification_id, stray_claim)] = taken
    assert rows()[0].status == PENDING
    dispatch.deliver(notification_id, stray_claim)
    assert outbox == [] and rows()[0].status == PENDING
    [(again, claim)] = dispatch.dispatch(lambda *_: None, now=NOW).claimed
    assert again == notification_id and claim > stray_claim
    dispatch.deliver(notification_id, claim)
    dispatch.deliver(notification_id, stray_claim)
    assert len(outbox) == 1 and rows()[0].status == SENT


def test_resend_makes_failed_rows_pending_again(settings, outbox, monkeypatch):
    failing(monkeypatch, *[smtplib.SMTPDataError(554, b"5.7.1 rejected")] * 2)
    users = [delegate() for _ in range(3)]
    queued(users)
    for notification_id, attempt in claim(limit=2):
        dispatch.deliver(notification_id, attempt)
    failed = [r.id for r in rows() if r.status == FAILED]
    assert len(failed) == 2
    assert resending.resend([failed[0], rows()[2].id]) == [failed[0]]  # the pending one is left alone
    db.session.commit()
    row = db.session.get(Notification, failed[0])
    assert (row.status, row.attempts, row.due_at <= NOW) == (PENDING, 0, True)
    assert resending.resend() == [failed[1]]
    db.session.commit()
    monkeypatch.setattr(mail, "send", lambda message: outbox.append(message))
    for notification_id, attempt in claim(limit=10):
        assert dispatch.deliver(notification_id, attempt) == "sent"
    assert sorted(m["To"] for m in outbox) == sorted(u.email for u in users)
    assert {r.status for r in rows()} == {SENT}


def test_officers_are_mailed_like_anyone_else(settings, outbox):
    staff = officer()
    other = UserFactory(email="plain@cica.example")
    queued([staff, other])
    for notification_id, attempt in claim():
        dispatch.deliver(notification_id, attempt)
    assert sorted(m["To"] for m in outbox) == sorted([staff.email, other.email])


def test_a_retried_notice_keeps_its_identity(settings, monkeypatch):
    """Queuing the same notice again after a failed attempt adds no second row."""
    failing(monkeypatch, smtplib.SMTPDataError(451, b"4.3.0 try again later"))
    user, document = delegate(), make_document()
    queued([user], subject_id=document.id)
    with freeze_time(NOW):
        [(notification_id, attempt)] = claim(now=NOW)
        assert dispatch.deliver(notification_id, attempt) == "retry"
    assert queued([user], subject_id=document.id) == 0
    assert len(rows()) == 1


# The daily digest of document notices --------------------------------------------------------------

def _deliver_all(now) -> list[str]:
    with freeze_time(now):
        return [dispatch.deliver(notification_id, attempt) for notification_id, attempt in claim(now=now)]


def test_a_digest_reader_gets_one_morning_mail_for_all_documents(settings, outbox):
    reader = delegate(timezone="Europe/Moscow", document_digest=True)
    documents = [make_document() for _ in range(3)]
    for document in documents:
        queued([reader], subject_id=document.id)
    morning = datetime(2025, 6, 3, 4, 0, tzinfo=UTC)  # 07:00 in Moscow, the day after NOW
    assert {row.due_at for row in rows()} == {morning}
    assert _deliver_all(morning - timedelta(minutes=1)) == []  # nothing before the morning
    outcomes = _deliver_all(morning)
    assert sorted(outcomes) == ["digested", "digested", "sent"] or sorted(outcomes) == ["sent", "skipped", "skipped"]
    assert len(outbox) == 1
    body = outbox[0].get_body(("plain",)).get_content()
    assert all(document.symbol in body for document in documents)
    assert outbox[0]["Subject"] == "CICA: 3 documents circulated to you"
    assert [row.status for row in rows()] == [SENT] * 3
    carrier = rows()[0]
    assert [row.last_error for row in rows()[1:]] == [f"in the digest of notice {carrier.id}"] * 2


def test_a_notice_after_the_digest_went_out_waits_for_the_next_one(settings, outbox):
    reader = delegate(timezone="Europe/Moscow", document_digest=True)
    queued([reader], subject_id=make_document().id)
    morning = datetime(2025, 6, 3, 4, 0, tzinfo=UTC)
    _deliver_all(morning)
    later = make_document()
    notice_queue.queue(CIRCULATED, "document", later.id, [reader.id], morning + timedelta(minutes=5))
    db.session.commit()
    assert rows()[-1].due_at == morning + timedelta(days=1)
    _deliver_all(morning + timedelta(days=1))
    assert len(outbox) == 2 and later.symbol in outbox[1]["Subject"]  # a single notice is an ordinary mail


def test_without_the_digest_each_document_is_its_own_mail(settings, outbox):
    reader = delegate(timezone="Europe/Moscow")
    for _ in range(2):
        queued([reader], subject_id=make_document().id)
    assert sorted(_deliver_all(NOW)) == ["sent", "sent"]
    assert len(outbox) == 2
