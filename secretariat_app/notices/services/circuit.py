"""The SMTP circuit breaker: when the mail server cannot be reached at all
(refused or timed-out connection, unknown host), the dispatcher stops as a
whole instead of spending every row's attempts on the outage.

One row of `delivery_circuit` ("smtp"), in the database so that every worker,
dispatcher and web process sees it (Redis is not always there):

- closed: mail goes out;
- open: a batch found the server unreachable; its rows went back to pending
  with their attempt given back, nothing is claimed and batches already queued
  hand their rows back unsent, until `retry_at`;
- half-open: after `retry_at`, the one dispatcher that takes the probe (a
  conditional UPDATE) opens an SMTP connection outside any transaction. It
  closes the circuit when the server answers, and reopens it when not, with the
  wait doubled (NOTIFY_OUTAGE_BACKOFF_SECONDS, doubled per failed probe up to
  NOTIFY_OUTAGE_BACKOFF_MAX_SECONDS). A prober that dies leaves the probe to
  the next dispatcher after PROBE_SECONDS.

Every write is one conditional statement, so two workers opening it, or two
dispatchers probing, cannot both win."""
from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Executable

from secretariat_app.core import mail
from secretariat_app.core.columns import utcnow
from secretariat_app.extensions import db, rowcount
from secretariat_app.notices.models import CircuitState, DeliveryCircuit

log = logging.getLogger(__name__)

SMTP = "smtp"
CLOSED, OPEN, HALF_OPEN = CircuitState.CLOSED, CircuitState.OPEN, CircuitState.HALF_OPEN
PROBE_SECONDS = 120.0  # a probe not finished by then is taken over by the next dispatcher
NO_SYNC = {"synchronize_session": False}


class Gate(enum.Enum):
    CLOSED = "closed"  # claim as usual
    WAIT = "wait"  # open (or another dispatcher is probing): claim nothing
    PROBE = "probe"  # this dispatcher probes the server now


@dataclass(frozen=True)
class Status:
    """What officers and /health are shown."""
    state: CircuitState
    since: datetime | None = None  # unreachable since
    retry_at: datetime | None = None  # next probe
    outages: int = 0
    last_error: str = ""

    @property
    def closed(self) -> bool:
        return self.state == CLOSED


def status() -> Status:
    row = db.session.get(DeliveryCircuit, SMTP, populate_existing=True)
    if row is None:
        return Status(CLOSED)
    return Status(row.state, row.opened_at, row.retry_at, row.outages, row.last_error)


def health() -> dict[str, str]:
    """For /health: "smtp": "ok", or "unreachable" (or "probing") with since when
    and the next probe. Information: the web app works while mail waits."""
    now = status()
    if now.closed:
        return {"smtp": "ok"}
    return {"smtp": "probing" if now.state == HALF_OPEN else "unreachable",
            "smtp_unreachable_since": now.since.isoformat() if now.since else "",
            "smtp_next_probe": now.retry_at.isoformat() if now.retry_at else ""}


def is_closed(connection: Connection) -> bool:
    """For a batch about to send: may it talk to the server? (One read.)"""
    state = connection.execute(select(DeliveryCircuit.state).where(DeliveryCircuit.name == SMTP)).scalar()
    return state in (None, CLOSED)


def _setting(name: str) -> float:
    return float(current_app.config[name])


def backoff(outages: int) -> float:
    """Seconds to wait after `outages` failed connections in a row (1, 2, ...)."""
    base = _setting("NOTIFY_OUTAGE_BACKOFF_SECONDS")
    return min(_setting("NOTIFY_OUTAGE_BACKOFF_MAX_SECONDS"), base * 2 ** max(0, outages - 1))


def _execute(statement: Executable, connection: Connection | None) -> int:
    """Run one write and commit it: on `connection` (autocommit) or in the session."""
    if connection is not None:
        return connection.execute(statement).rowcount
    done = rowcount(db.session.execute(statement, execution_options=NO_SYNC))
    db.session.commit()
    return done


def _ensure_row(connection: Connection | None, now: datetime) -> None:
    bind = connection if connection is not None else db.session.get_bind()
    dialect = postgresql if bind.dialect.name == "postgresql" else sqlite
    _execute(dialect.insert(DeliveryCircuit).values(name=SMTP, state=CLOSED, outages=0, last_error="",
                                                    changed_at=now).on_conflict_do_nothing(), connection)


def record_outage(error: str, now: datetime | None = None, connection: Connection | None = None) -> bool:
    """A batch could not reach the server: open the circuit (unless it is open
    already). Returns whether this call opened it."""
    now = now or utcnow()
    _ensure_row(connection, now)
    opened = _execute(update(DeliveryCircuit).where(DeliveryCircuit.name == SMTP, DeliveryCircuit.state == CLOSED)
                      .values(state=OPEN, outages=1, opened_at=now, retry_at=now + timedelta(seconds=backoff(1)),
                              last_error=error[:2000], changed_at=now), connection)
    if opened:
        log.error("%s: notices held, no attempt spent; the circuit is open, next probe in %g s",
                  error, backoff(1))
    return bool(opened)


def gate(now: datetime | None = None) -> Gate:
    """The dispatcher's question before it claims: go on, wait, or probe (this
    caller has taken the probe: it must call `probe` next). Commits."""
    now = now or utcnow()
    row = db.session.get(DeliveryCircuit, SMTP, populate_existing=True)
    if row is None or row.state == CLOSED:
        db.session.rollback()
        return Gate.CLOSED
    if row.retry_at is not None and row.retry_at > now:
        db.session.rollback()
        return Gate.WAIT
    taken = _execute(update(DeliveryCircuit).where(DeliveryCircuit.name == SMTP, DeliveryCircuit.state != CLOSED,
                                                   DeliveryCircuit.retry_at <= now)
                     .values(state=HALF_OPEN, retry_at=now + timedelta(seconds=PROBE_SECONDS), changed_at=now),
                     None)
    return Gate.PROBE if taken else Gate.WAIT


def probe(now: datetime | None = None) -> bool:
    """Half-open: try the server once (no transaction is open meanwhile) and
    close the circuit, or open it again for longer. Returns whether it closed."""
    db.session.rollback()
    try:
        mail.probe()
    except mail.ServerUnreachable as error:
        reopen(str(error), now)
        return False
    close(now)
    return True


def reopen(error: str, now: datetime | None = None) -> None:
    now = now or utcnow()
    outages = (db.session.scalar(select(DeliveryCircuit.outages).where(DeliveryCircuit.name == SMTP)) or 0) + 1
    wait = backoff(outages)
    _execute(update(DeliveryCircuit).where(DeliveryCircuit.name == SMTP, DeliveryCircuit.state == HALF_OPEN)
             .values(state=OPEN, outages=outages, retry_at=now + timedelta(seconds=wait), last_error=error[:2000],
                     changed_at=now), None)
    log.error("probe failed, %s (%d failed connections in a row); next probe in %g s", error, outages, wait)


def close(now: datetime | None = None) -> bool:
    """The server answers again: notices go out. Returns whether it was not closed."""
    now = now or utcnow()
    row = db.session.get(DeliveryCircuit, SMTP, populate_existing=True)
    since = row.opened_at if row is not None else None
    closed = _execute(update(DeliveryCircuit).where(DeliveryCircuit.name == SMTP, DeliveryCircuit.state != CLOSED)
                      .values(state=CLOSED, outages=0, opened_at=None, retry_at=None, last_error="",
                              changed_at=now), None)
    if closed:
        log.warning("SMTP server reachable again (unreachable since %s): notices go out", since)
    return bool(closed)
