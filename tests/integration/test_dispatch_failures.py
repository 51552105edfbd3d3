"""Notices survive what fails around them. Each test runs its own
`redis-server` on a free port (the machine's Redis on 6379 is never touched),
its own worker and beat, and a real SMTP server:

(c) a worker killed with SIGKILL in the middle of a batch loses nothing; a
    notice is mailed twice only when the kill fell between the server's
    acceptance and the row's update, and then with the same Message-ID;
(d) with Redis stopped, circulating a document, chasing its acknowledgements
    and creating a meeting still succeed; the worker stays up and reconnects
    (workers/broker_guard.py); the notices go out once Redis is back, each once,
    those a dispatch claimed but could not enqueue after the sending timeout."""
from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from secretariat_app.extensions import db
from secretariat_app.notices.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
)
from tests.integration.test_dispatch import (
    Setup,
    Sink,
    assert_each_notice_once,
    beat,
    people_and_notices,
    sqlite_url,
    wait_for,
    worker,
)

DOCUMENT_KINDS = (NotificationKind.DOCUMENT_CIRCULATED, NotificationKind.ACKNOWLEDGEMENT_CHASER)
SENT = NotificationStatus.SENT
pytestmark = [pytest.mark.integration, pytest.mark.redis]



def test_a_worker_killed_in_the_middle_of_a_batch_loses_nothing(tmp_path, own_redis, processes):
    sink = Sink(delay=0.15)  # a batch takes a few seconds: the kill falls in the middle of it
    setup = Setup(tmp_path, sqlite_url(tmp_path), own_redis.url, sink,
                  NOTIFY_SENDING_TIMEOUT_SECONDS=4, NOTIFY_MAX_ATTEMPTS=10)
    try:
        expected = people_and_notices(setup, 15, DOCUMENT_KINDS)
        first = worker(setup.env, tmp_path, "first")
        processes += [first, beat(setup.env, tmp_path)]
        wait_for(lambda: len(sink.messages()) >= 6, 20, "the batch to be under way", processes)
        first.kill()  # SIGKILL, the worker and its pool processes
        at_kill = len(sink.messages())
        assert at_kill < expected and setup.statuses()[NotificationStatus.SENDING] > 0
        processes.append(worker(setup.env, tmp_path, "second"))
        alive = [p for p in processes if p is not first]
        wait_for(setup.all_sent, 25, "every notice to be sent after the kill", alive)
        time.sleep(2)
        messages = assert_each_notice_once(setup, expected)  # one distinct Message-ID per recipient and notice
        with setup.app.app_context():  # the rows the dead worker held were taken back and claimed again
            assert db.session.scalar(select(func.max(Notification.attempts))) >= 2
        again = len(messages) - expected
        assert again <= 2, f"{again} notices mailed twice: more than were being sent when the worker died"
        print(f"\nkilled after {at_kill} of {expected} mails; mailed twice (same Message-ID): {again}")
    finally:
        setup.close()
        sink.stop()


def _cast(setup: Setup):
    """Two delegations with three delegates each, an officer and a draft with its language versions."""
    from secretariat_app.accounts.services.reference_data import load_reference_data
    from tests.documents_helpers import make_document
    from tests.factories import DelegationFactory, MembershipFactory, delegate, officer

    with setup.app.app_context():
        load_reference_data()
        delegations = [DelegationFactory(), DelegationFactory()]
        for delegation in delegations:
            MembershipFactory(state=delegation.state)
            for _ in range(3):
                delegate(delegation)
        from secretariat_app.documents.models import DocumentStatus

        document = make_document(status=DocumentStatus.DRAFT)
        return officer().id, [d.id for d in delegations], document.id


def _what_a_user_does_while_redis_is_down(setup: Setup, officer_id: int, delegation_ids: list[int],
                                          document_id: int) -> float:
    """Circulate the document, chase its acknowledgements, schedule a meeting: the time it took."""
    from secretariat_app.accounts.models.people import User
    from secretariat_app.accounts.models.states import Body
    from secretariat_app.documents.models import Document
    from secretariat_app.documents.services.circulation import (
        Audience,
        CirculationData,
        chase,
        circulate,
    )
    from secretariat_app.meetings.services.meetings import MeetingData, create_meeting

    started = time.monotonic()
    with setup.app.app_context():
        actor = db.session.get(User, officer_id)
        document = db.session.get(Document, document_id)
        circulate(actor, document, CirculationData(Audience.DELEGATIONS, delegation_ids))
        assert chase(actor, document) == 6
        soc = db.session.scalar(select(Body).where(Body.code == "SOC"))
        day = (datetime.now(UTC) + timedelta(days=20)).replace(hour=10, minute=0, second=0,
                                                                         microsecond=0, tzinfo=None)
        create_meeting(actor, MeetingData(body_id=soc.id, title_en="SOC session", title_ru="Сессия КСД",
                                          starts_at=day, ends_at=day + timedelta(hours=8)))
    return time.monotonic() - started


def test_with_redis_stopped_user_actions_succeed_and_the_notices_go_out_later(tmp_path, own_redis, processes):
    sink = Sink(delay=4)  # the first mail's answer is held: its task is running, unacknowledged, when Redis stops
    # A dispatch already running when Redis stops may claim the new rows ("sending") and then fail to
    # enqueue them: it hands them back at once (the test runs such a dispatch itself). The sending
    # timeout is short here for the row whose task was in flight when Redis stopped.
    setup = Setup(tmp_path, sqlite_url(tmp_path), own_redis.url, sink, NOTIFY_SENDING_TIMEOUT_SECONDS=8)

    def document_rows() -> Counter:
        """The statuses of the notices of the document the user circulates while Redis is down."""
        with setup.app.app_context():
            return Counter(db.session.scalars(select(Notification.status).where(
                Notification.kind.in_(DOCUMENT_KINDS), Notification.subject_type == "document",
                Notification.subject_id == document_id)))

    def waiting_for_the_broker() -> bool:
        """12 rows (6 circulated + 6 chasers), none sent or failed: pending, or claimed by that dispatch."""
        rows = document_rows()
        return rows.total() == 12 and set(rows) <= {NotificationStatus.PENDING, NotificationStatus.SENDING}

    try:
        officer_id, delegation_ids, document_id = _cast(setup)
        people_and_notices(setup, 1)  # one notice of another document, due now: in flight when Redis stops
        processes += [worker(setup.env, tmp_path, "worker"), beat(setup.env, tmp_path)]
        wait_for(lambda: len(sink.messages()) == 1, 30, "the first mail to reach the server", processes)
        own_redis.stop()  # while its task waits for the server's answer
        sink.delay = 0
        took = _what_a_user_does_while_redis_is_down(setup, officer_id, delegation_ids, document_id)
        assert took < 5, f"the user waited {took:.1f} s for a broker that is down"
        assert waiting_for_the_broker(), document_rows()
        with setup.app.app_context():  # as a dispatch already running when Redis stopped: it claims, cannot enqueue
            from workers.tasks.notify import dispatch_now

            stranded = dispatch_now()
        # It cannot enqueue them, so it hands them back at once, unsent, their attempt given back.
        assert stranded.enqueued == 0 and len(stranded.claimed) == 12, stranded
        assert document_rows() == Counter({NotificationStatus.PENDING: 12})
        time.sleep(2)
        assert len(sink.messages()) == 1 and waiting_for_the_broker(), document_rows()
        for process in processes:  # a worker that lost Redis with a task unacknowledged used to exit here
            assert process.running(), f"{process.log.name} exited while Redis was down:\n{process.output()[-3000:]}"
        own_redis.start()  # the same port: worker and beat reconnect
        wait_for(lambda: document_rows() == Counter({SENT: 12}), 28, "the notices to go out", processes)
        time.sleep(2)
        messages = sink.messages()
        with setup.app.app_context():  # the 12 and the one in flight (the meeting's reminders are not due)
            sent = list(db.session.scalars(select(Notification).where(Notification.kind.in_(DOCUMENT_KINDS))))
            rows = {r.message_id: r.recipient.email for r in sent}
            assert len(rows) == 13 and {r.status for r in sent} == {SENT}
        assert sorted(m["Message-ID"] for m in messages) == sorted(rows)  # each exactly once
        assert all(rows[m["Message-ID"]] == m["To"] for m in messages)
        assert "Connection to broker lost" in processes[0].output()
        assert "Unrecoverable error" not in processes[0].output()
    finally:
        setup.close()
        sink.stop()
