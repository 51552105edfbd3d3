"""An SMTP server that cannot be reached spends no attempt: the batch holds
its rows (attempt given back), the circuit opens, the dispatcher claims
nothing until its wait is over, then probes, with a wait that doubles up to a
cap, and closes when the server answers. Answers of a reachable server (4xx,
5xx) still count. A two-hour outage, in simulated time against a real SMTP
server that the test stops and starts, fails nothing and every notice goes
out once after it (SQLite and PostgreSQL)."""
from __future__ import annotations

import smtplib
import socket
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from secretariat_app.core import mail
from secretariat_app.extensions import db
from secretariat_app.notices.models import CircuitState, Notification, NotificationKind, NotificationStatus
from secretariat_app.notices.services import circuit, dispatch
from secretariat_app.notices.services import queue as notice_queue
from tests.conftest import log_in
from tests.documents_helpers import make_document
from tests.factories import delegate, officer

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CIRCULATED = NotificationKind.DOCUMENT_CIRCULATED
PENDING, SENDING, SENT, FAILED = (NotificationStatus.PENDING, NotificationStatus.SENDING, NotificationStatus.SENT,
                                  NotificationStatus.FAILED)


@pytest.fixture
def settings(app_ctx, monkeypatch, smtp_sink):
    for name, value in {"NOTIFY_MAX_ATTEMPTS": 6, "NOTIFY_BACKOFF_SECONDS": 60, "NOTIFY_BATCH_SIZE": 100,
                        "NOTIFY_SENDING_TIMEOUT_SECONDS": 600, "NOTIFY_PER_TASK": 10,
                        "NOTIFY_OUTAGE_BACKOFF_SECONDS": 30, "NOTIFY_OUTAGE_BACKOFF_MAX_SECONDS": 300,
                        "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_sink.port,
                        "MAIL_USE_STARTTLS": False, "MAIL_USERNAME": None, "MAIL_TIMEOUT": 5}.items():
        monkeypatch.setitem(app_ctx.config, name, value)
    return app_ctx.config


@pytest.fixture
def connections(monkeypatch):
    """Every attempt to open an SMTP connection (the workers' and the probes')."""
    opened: list[datetime] = []
    real_open = mail._open_smtp

    def counting(config):
        opened.append(datetime.now(UTC))
        return real_open(config)

    monkeypatch.setattr(mail, "_open_smtp", counting)
    return opened


def rows() -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).order_by(Notification.id)))


def queued(count: int, due_at: datetime = T0) -> int:
    added = notice_queue.queue(CIRCULATED, "document", make_document().id,
                               [delegate().id for _ in range(count)], due_at)
    db.session.commit()
    return added


def send_inline(outcomes: Counter):
    """What a worker does with a task, in this process: deliver the batch."""
    def enqueue(pairs):
        outcomes.update(dispatch.deliver_batch(pairs).values())
    return enqueue


def received(sink) -> Counter:
    return Counter(e.content.split(b"Message-ID: ", 1)[1].split(b"\r\n", 1)[0].decode() for e in sink.messages)


# What counts as an outage -------------------------------------------------------------------------------

@pytest.mark.parametrize("error, outage", [
    (ConnectionRefusedError(111, "Connection refused"), True),
    (socket.gaierror(-2, "Name or service not known"), True),
    (TimeoutError("timed out"), True),
    (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), True),
    (smtplib.SMTPConnectError(421, b"4.3.2 Service not available"), True),
    (smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid"), False),
    (smtplib.SMTPResponseException(454, b"4.7.0 TLS not available"), False),
    (ValueError("a bug"), False),
])
def test_an_unreachable_server_is_told_from_a_server_that_answers(error, outage):
    assert mail.is_outage(error) is outage


# The batch and the circuit ------------------------------------------------------------------------------

def test_an_outage_holds_the_batch_spends_nothing_and_opens_the_circuit(settings, smtp_sink, connections):
    smtp_sink.stop()
    queued(12)
    outcomes: Counter = Counter()
    result = dispatch.dispatch(send_inline(outcomes), T0, per_task=10)
    assert result.gate == "closed" and len(result.claimed) == 12
    # The first batch knocked once and held its rows; the second found the circuit open and did not knock.
    assert outcomes == Counter({"held": 12}) and len(connections) == 1
    assert {(r.status, r.attempts, r.claims, r.not_before) for r in rows()} == {(PENDING, 0, 1, None)}
    assert all("unreachable" in r.last_error and "held without spending an attempt" in r.last_error for r in rows())
    state = circuit.status()
    assert (state.state, state.outages) == (CircuitState.OPEN, 1)
    assert "Connection refused" in state.last_error
    # While it is open, the dispatcher claims nothing (and connects to nothing).
    result = dispatch.dispatch(send_inline(outcomes), T0 + timedelta(seconds=29), per_task=10)
    assert (result.gate, result.claimed) == ("wait", []) and len(connections) == 1


def test_refusals_of_a_reachable_server_still_spend_attempts(settings, monkeypatch):
    def refuse(message):
        raise smtplib.SMTPRecipientsRefused({message["To"]: (451, b"4.3.0 try later")})

    monkeypatch.setattr(smtplib.SMTP, "send_message", lambda self, message: refuse(message))
    queued(3)
    outcomes: Counter = Counter()
    dispatch.dispatch(send_inline(outcomes), T0, per_task=10)
    assert outcomes == Counter({"retry": 3})
    assert {(r.status, r.attempts) for r in rows()} == {(PENDING, 1)}
    assert circuit.status().closed


def test_the_probe_waits_longer_each_time_up_to_the_cap_then_closes(settings, smtp_sink, connections):
    smtp_sink.stop()
    queued(3)
    circuit.record_outage("SMTP server unreachable: ConnectionRefusedError", T0)
    now, waits = T0, []
    for _ in range(7):
        retry_at = circuit.status().retry_at
        assert dispatch.dispatch(send_inline(Counter()), retry_at - timedelta(seconds=1), per_task=10).gate == "wait"
        waits.append((retry_at - now).total_seconds())
        now = retry_at
        assert dispatch.dispatch(send_inline(Counter()), now, per_task=10).gate == "wait"  # probed: still down
    assert waits == [30, 60, 120, 240, 300, 300, 300]
    assert len(connections) == 7 and circuit.status().outages == 8
    assert {(r.status, r.attempts, r.claims) for r in rows()} == {(PENDING, 0, 0)}  # never claimed meanwhile
    smtp_sink.start()
    outcomes: Counter = Counter()
    result = dispatch.dispatch(send_inline(outcomes), circuit.status().retry_at, per_task=10)
    assert result.gate == "closed" and outcomes == Counter({"sent": 3})
    assert circuit.status().closed and circuit.status().outages == 0


def test_one_dispatcher_probes_at_a_time(settings):
    circuit.record_outage("down", T0)
    assert circuit.gate(T0 + timedelta(seconds=30)) == circuit.Gate.PROBE
    assert circuit.gate(T0 + timedelta(seconds=31)) == circuit.Gate.WAIT  # the first is probing
    # A prober that died: after PROBE_SECONDS the next dispatcher probes.
    assert circuit.gate(T0 + timedelta(seconds=30 + circuit.PROBE_SECONDS)) == circuit.Gate.PROBE


def test_a_two_hour_outage_fails_nothing_and_everything_goes_out_once_after_it(settings, smtp_sink, connections):
    """Production's attempt budget (6 attempts, 60 s doubling: about 31 minutes)
    is far shorter than the outage; the dispatcher runs every minute of it."""
    with freeze_time(T0, real_asyncio=True) as clock:
        expected = queued(25)
        smtp_sink.stop()
        outcomes: Counter = Counter()
        for _minute in range(120):
            dispatch.dispatch(send_inline(outcomes), per_task=10)
            clock.tick(60)
        assert Counter(r.status for r in rows()) == Counter({PENDING: expected})
        assert {r.attempts for r in rows()} == {0}
        assert outcomes == Counter({"held": expected})  # claimed once: the first batch knocked, the others saw it open
        assert 20 <= len(connections) <= 30, len(connections)  # a probe every 5 minutes at most, not every minute
        assert not circuit.status().closed
        smtp_sink.start()
        for _minute in range(6):  # within the cap (300 s) and one more pass
            dispatch.dispatch(send_inline(outcomes), per_task=10)
            clock.tick(60)
    assert Counter(r.status for r in rows()) == Counter({SENT: expected})
    assert {r.attempts for r in rows()} == {1}  # the one that went through
    assert received(smtp_sink) == Counter({r.message_id: 1 for r in rows()})  # each once
    assert circuit.status().closed


# Officers and /health ---------------------------------------------------------------------------------------

def test_officers_and_health_see_the_circuit(settings, app, client, monkeypatch):
    staff = officer()
    db.session.commit()
    log_in(client, staff.email)
    page = client.get("/notices/failed").get_data(as_text=True)
    assert 'data-smtp="closed"' in page and "could not be reached" not in page
    health = client.get("/health")
    assert health.status_code == 200 and health.get_json()["smtp"] == "ok"

    now = datetime.now(UTC)
    circuit.record_outage("SMTP server unreachable: ConnectionRefusedError: [Errno 111] Connection refused", now)
    page = client.get("/notices/failed").get_data(as_text=True)
    assert 'data-smtp="open"' in page and "could not be reached since" in page
    assert "spend none of their attempts" in page and "Connection refused" in page
    body = client.get("/health").get_json()
    assert body["smtp"] == "unreachable" and body["status"] == "ok"  # the web app works meanwhile
    assert datetime.fromisoformat(body["smtp_next_probe"]) == now + timedelta(seconds=30)

    db.session.get(type(staff), staff.id).language = "ru"
    db.session.commit()
    page = client.get("/notices/failed").get_data(as_text=True)
    assert "Почтовый сервер недоступен с" in page and "попытки их отправки не расходуются" in page


def test_delegates_do_not_see_the_officers_page(settings, client):
    user = delegate()
    db.session.commit()
    log_in(client, user.email)
    assert client.get("/notices/failed").status_code == 403
