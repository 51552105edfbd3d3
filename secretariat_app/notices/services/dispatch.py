"""Dispatching notices: rows queued (`queue`) in the transaction of whatever
causes them are claimed by the dispatcher, delivered by workers that take row
ids, retried with exponential backoff, failed after the last try and resent
by an officer (`resend`). Their mails are written by `rendering`.

The life of a row: pending → (claim: claims + 1, attempts + 1) sending → sent;
or, after a temporary SMTP refusal or a lost connection, back to pending with a
later not_before; or failed (a permanent 5xx refusal, or the last attempt); or
cancelled (the recipient can no longer be mailed, or the subject is gone); or,
when the server cannot be reached at all, back to pending with its attempt
given back while the circuit breaker (`circuit`) holds the dispatcher. A row
left "sending" by a dead worker is taken back after
NOTIFY_SENDING_TIMEOUT_SECONDS. Every write that starts or ends a delivery is
conditional on the row still being "sending" in the same claim (`claims`, the
fencing token, which only ever grows), so a task that arrives late, or twice,
does nothing. A worker that starts sending a row sets its claimed_at again: a
row is taken back only when no worker has touched it for the timeout.

The dispatcher runs at the workers' speed: a commit that queued notices asks
for a pass (`kick`), each finished batch runs the next pass itself
(`workers.tasks.notify`); beat's pass every minute is the safety net. At most
NOTIFY_BATCH_SIZE rows are in flight, and at most NOTIFY_RATE_PER_MINUTE mails
go out in any minute."""
from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from flask import current_app
from sqlalchemy import Connection, and_, case, func, literal, or_, select, text, tuple_, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from secretariat_app.core import mail
from secretariat_app.core.columns import utcnow
from secretariat_app.extensions import db, rowcount
from secretariat_app.notices import kinds
from secretariat_app.notices.kinds import NotDeliverable
from secretariat_app.notices.models import Notification, NotificationStatus
from secretariat_app.notices.services import circuit, digest, rendering
from secretariat_app.notices.services.queue import mailable

log = logging.getLogger(__name__)

PENDING, SENDING, SENT = NotificationStatus.PENDING, NotificationStatus.SENDING, NotificationStatus.SENT
FAILED, CANCELLED = NotificationStatus.FAILED, NotificationStatus.CANCELLED
NO_SYNC = {"synchronize_session": False}
PER_TASK = 50  # rows one send task carries, unless NOTIFY_PER_TASK says otherwise
TASK_SECONDS = 120.0  # a batch hands its unsent rows back after this long (below the soft time limit, 240 s)
# PostgreSQL: the transaction-level advisory lock that makes claims one at a time (b"NOTICLAM").
CLAIM_LOCK = 0x4E4F5449434C414D


def _config(name: str):
    return current_app.config[name]


# Claiming, taking back -----------------------------------------------------------------------------

def reclaim_stuck(now: datetime | None = None) -> int:
    """Rows "sending" for longer than NOTIFY_SENDING_TIMEOUT_SECONDS (their worker
    died or their task was lost) go back to pending, or to failed when that was
    the last attempt. Returns how many were taken back. The caller commits."""
    now = now or utcnow()
    timeout = _config("NOTIFY_SENDING_TIMEOUT_SECONDS")
    stuck = (Notification.status == SENDING, Notification.claimed_at < now - timedelta(seconds=timeout))
    note = f"taken back: still sending after {timeout:g} s (worker lost?)"
    last = Notification.attempts >= _config("NOTIFY_MAX_ATTEMPTS")
    failed = rowcount(db.session.execute(update(Notification).where(*stuck, last)
                                         .values(status=FAILED, last_error=note), execution_options=NO_SYNC))
    back = rowcount(db.session.execute(update(Notification).where(*stuck, ~last)
                                       .values(status=PENDING, last_error=note), execution_options=NO_SYNC))
    if failed or back:
        log.warning("notices taken back from a lost worker: %d to retry, %d failed", back, failed)
    return back + failed


def claim_due(now: datetime | None = None, limit: int | None = None,
              rate: int | None = None) -> list[tuple[int, int]]:
    """Mark due pending rows "sending" (claims + 1, attempts + 1) and return
    their (id, claim).

    At most `limit` (NOTIFY_BATCH_SIZE) rows are in flight at once: rows still
    "sending" count against it, so a slow worker is not buried under tasks that
    would outlive the sending timeout. With `rate` (NOTIFY_RATE_PER_MINUTE; 0:
    none), the mails sent in the last minute count against it too. The room
    left is counted inside the one claiming statement, and claims are taken
    one at a time: on PostgreSQL a transaction-level advisory lock (held until
    the caller commits) comes first, so the count of a second dispatcher,
    taken after the first committed, sees its claims (READ COMMITTED: each
    statement sees what was committed when it began); SQLite runs one writing
    statement at a time, and this one writes. Two dispatchers started at the
    same instant stay within the limit together, and never return the same
    row (the inner SELECT locks what it picks and skips what another holds,
    FOR UPDATE SKIP LOCKED). The caller commits before it enqueues anything."""
    now = now or utcnow()
    limit = _config("NOTIFY_BATCH_SIZE") if limit is None else limit
    rate = int(current_app.config.get("NOTIFY_RATE_PER_MINUTE", 0)) if rate is None else rate
    if _in_flight() >= limit:  # no room (a read, no lock): the pass that follows a batch will find some
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLAIM_LOCK})
    room = _room(now, limit, rate)
    # A materialised CTE: as a plain IN (subquery), PostgreSQL may rescan the
    # subquery per row, and each rescan skips the rows just updated: more than the room.
    due = (select(Notification.id).where(Notification.status == PENDING, Notification.due_at <= now,
                                         or_(Notification.not_before.is_(None), Notification.not_before <= now))
           .order_by(Notification.due_at, Notification.id).limit(room).with_for_update(skip_locked=True)
           .cte("due").prefix_with("MATERIALIZED"))
    claim = (update(Notification).where(Notification.id.in_(select(due.c.id)), Notification.status == PENDING)
             .values(status=SENDING, attempts=Notification.attempts + 1, claims=Notification.claims + 1,
                     claimed_at=now)
             .returning(Notification.id, Notification.claims))
    return sorted((row.id, row.claims) for row in db.session.execute(claim, execution_options=NO_SYNC))


def _in_flight() -> int:
    return db.session.execute(select(func.count(Notification.id))
                              .where(Notification.status == SENDING)).scalar_one()


def _room(now: datetime, limit: int, rate: int):
    """How many rows may be claimed now, as a SQL expression (evaluated inside
    the claiming statement): the in-flight limit less the rows in flight, and
    the rate less the mails of the last minute and the rows in flight."""
    in_flight = select(func.count(Notification.id)).where(Notification.status == SENDING).scalar_subquery()
    room = literal(limit) - in_flight
    if rate > 0:
        recent = (select(func.count(Notification.id))
                  .where(Notification.sent_at > now - timedelta(seconds=60)).scalar_subquery())
        by_rate = literal(rate) - recent - in_flight
        room = case((room < by_rate, room), else_=by_rate)
    return case((room > 0, room), else_=0)  # never negative (SQLite reads a negative LIMIT as none)


@dataclass
class Dispatched:
    reclaimed: int = 0
    claimed: list[tuple[int, int]] = field(default_factory=list)
    enqueued: int = 0  # notices handed over (in `tasks` tasks)
    tasks: int = 0
    error: str = ""
    gate: str = "closed"  # the SMTP circuit: "closed", or "wait" (the server is down: nothing claimed)


def task_batch_size() -> int:
    """How many claimed rows one send task carries (NOTIFY_PER_TASK, default 50)."""
    return max(1, int(current_app.config.get("NOTIFY_PER_TASK", PER_TASK)))


def dispatch(enqueue: Callable, now: datetime | None = None, limit: int | None = None, *,
             per_task: int | None = None) -> Dispatched:
    """One pass of the dispatcher: take back stuck rows, claim due ones, commit,
    and only then hand them over. Without `per_task`, `enqueue(id, claim)` is
    called once per row; with it, `enqueue(pairs)` once per list of up to
    `per_task` (id, claim) pairs, in id order (one task each: the workers'
    `dispatch_due` does this). When enqueueing fails (the broker is down) the
    rest stay "sending" and are taken back later.

    While the SMTP circuit is open, nothing is claimed; once its wait is over,
    this pass probes the server first (no transaction open) and claims only if
    it answered (`circuit`)."""
    gate = circuit.gate(now)
    if gate == circuit.Gate.PROBE:
        gate = circuit.Gate.CLOSED if circuit.probe(now) else circuit.Gate.WAIT
    result = Dispatched(reclaimed=reclaim_stuck(now), gate=gate.value)
    if gate == circuit.Gate.CLOSED:
        result.claimed = claim_due(now, limit)
    db.session.commit()
    claimed = result.claimed
    if per_task:
        groups = [claimed[start:start + per_task] for start in range(0, len(claimed), per_task)]
    else:
        groups = [[pair] for pair in claimed]
    for group in groups:
        try:
            if per_task:
                enqueue(group)
            else:
                enqueue(*group[0])
        except Exception as error:  # noqa: BLE001  (the broker's many ways of being down)
            result.error = f"{type(error).__name__}: {error}"
            unqueued = claimed[result.enqueued:]
            back = give_back_unqueued(unqueued, result.error)
            log.error("could not enqueue notices from %s on (%s); %d of %d claimed notices handed back at once",
                      group[0][0], result.error, back, len(unqueued))
            break
        result.enqueued += len(group)
        result.tasks += 1
    return result


def give_back_unqueued(pairs: Sequence[tuple[int, int]], why: str) -> int:
    """Claimed rows that no task carries (the broker refused them) go back to
    pending at once, their attempt given back: nothing was tried. Only rows still
    "sending" in the very claim are touched, and their claim stays counted, so a
    task that reached the broker after all (the error came after it took the
    message) finds its row no longer in its claim and sends nothing: still once.
    Rows this misses (the database went too) are taken back after the sending
    timeout, as before. Commits; returns how many went back."""
    if not pairs:
        return 0
    note = f"not sent: could not be queued ({why}); handed back to the dispatcher"[:2000]
    try:
        back = rowcount(db.session.execute(
            update(Notification).where(_in_claim(pairs))
            .values(status=PENDING, attempts=Notification.attempts - 1, claimed_at=None, last_error=note),
            execution_options=NO_SYNC))
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("could not hand back %d unqueued notices; the sending timeout will", len(pairs))
        return 0
    return back


# Delivering -------------------------------------------------------------------------------------------

def classify(error: BaseException) -> tuple[bool, str]:
    """(permanent, text) for an error raised while sending. A 5xx answer is a
    permanent refusal; a 4xx, a lost or refused connection, a timeout, are temporary."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        text = "; ".join(f"{addr}: {code} {_decode(msg)}" for addr, (code, msg) in error.recipients.items())
        return bool(codes) and all(500 <= code < 600 for code in codes), f"recipient refused: {text}"
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600, f"{error.smtp_code} {_decode(error.smtp_error)}"
    return False, f"{type(error).__name__}: {error}"


def _decode(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _in_claim(pairs: Iterable[tuple[int, int | None]]):
    """Rows still "sending" in the given claims (any claim where it is None)."""
    exact = [(i, a) for i, a in pairs if a is not None]
    loose = [i for i, a in pairs if a is None]
    conditions = []
    if exact:
        conditions.append(tuple_(Notification.id, Notification.claims).in_(exact))
    if loose:
        conditions.append(Notification.id.in_(loose))
    return and_(Notification.status == SENDING, or_(*conditions))


def _start(connection: Connection, pairs: list[tuple[int, int | None]]) -> dict[int, int]:
    """Start (or go on with) the claims: claimed_at becomes now, so a row is
    taken back only if its worker then goes silent for the timeout. Returns
    {id: claim} of the rows still "sending" in their claim: a row taken back
    meanwhile, or no longer "sending", is left out (nothing is sent)."""
    if not pairs:
        return {}
    statement = (update(Notification).where(_in_claim(pairs)).values(claimed_at=utcnow())
                 .returning(Notification.id, Notification.claims))
    return {row.id: row.claims for row in connection.execute(statement)}


def _finish(notification_id: int, claim: int, connection: Connection | None = None, **values) -> bool:
    """Write the outcome of one claim, unless the row moved on meanwhile; commits
    (on `connection`, an autocommit connection, when given; else the session)."""
    statement = update(Notification).where(Notification.id == notification_id, Notification.status == SENDING,
                                           Notification.claims == claim).values(**values)
    if connection is not None:
        return bool(connection.execute(statement).rowcount)
    done = rowcount(db.session.execute(statement, execution_options=NO_SYNC))
    db.session.commit()
    return bool(done)


def record_failure(notification_id: int, claim: int, error: str, permanent: bool,
                   now: datetime | None = None, connection: Connection | None = None,
                   attempt: int | None = None) -> NotificationStatus:
    """After a failed attempt (the row's `attempt`-th charged one; its claim
    number when not given): failed when permanent or the last attempt, else
    pending again, due after NOTIFY_BACKOFF_SECONDS * 2**(attempt-1)."""
    now = now or utcnow()
    error = error[:2000]
    attempt = claim if attempt is None else attempt
    if permanent or attempt >= _config("NOTIFY_MAX_ATTEMPTS"):
        _finish(notification_id, claim, connection, status=FAILED, last_error=error)
        log.error("notice %s failed after %d attempt(s): %s", notification_id, attempt, error)
        return FAILED
    delay = _config("NOTIFY_BACKOFF_SECONDS") * 2 ** (attempt - 1)
    _finish(notification_id, claim, connection, status=PENDING, last_error=error,
            not_before=now + timedelta(seconds=delay))
    log.warning("notice %s: attempt %d failed (%s); next try in %g s", notification_id, attempt, error, delay)
    return PENDING


def deliver(notification_id: int, claim: int | None = None) -> str:
    """Send one claimed row and mark it; returns what happened ("sent",
    "retry", "failed", "cancelled", "digested", "held" or "skipped"). Does
    nothing unless the row is "sending" (and, given `claim`, still in that
    claim): a task delivered twice, or after its row was taken back, sends nothing."""
    return deliver_batch([(notification_id, claim)]).get(notification_id, "skipped")


@dataclass
class _Plan:
    """One started row of a batch: a message to send, an outcome to write, or a digest row."""
    id: int
    claim: int
    attempt: int  # the attempts charged, this one included
    message: EmailMessage | None = None
    outcome: str = ""
    values: dict = field(default_factory=dict)
    digest: bool = False


def deliver_batch(pairs: Iterable[tuple[int, int | None]]) -> dict[int, str]:
    """Send a batch of claimed rows (id, claim) over one SMTP connection and
    mark each row on its own right after its own outcome; returns {id: outcome}
    (the outcomes of `deliver`, "deferred" for a row handed back to the
    dispatcher because the batch ran out of time, and "held" for a row handed
    back with its attempt given back because the SMTP server could not be
    reached, or the circuit was open when the batch began).

    The cost is per batch, not per row: one UPDATE … RETURNING starts the
    claims of the batch (a row no longer "sending" in its claim is
    skipped: a redelivered task sends nothing); one query loads the rows with
    their recipients (and one the recipients' roles, one the documents); the
    messages are rendered; the read transaction ends before any SMTP. Then,
    per row, the mail goes over the batch's connection and one autocommitted
    UPDATE (still "sending" in this claim) marks it: a worker killed in the
    middle leaves at most the one mail in flight unmarked (sent again after
    the timeout, with the same Message-ID) and the rest "sending", taken back
    after the timeout. While the batch runs, the claimed_at of its remaining
    rows is renewed every quarter of NOTIFY_SENDING_TIMEOUT_SECONDS, and a row
    found taken back meanwhile is skipped. After NOTIFY_TASK_SECONDS (120) the
    rest of the batch goes back to pending (attempt spent) for the next
    dispatch. The rows of a daily digest take the one-row path (they look at
    their siblings). When the server cannot be reached at all, the batch's
    unsent rows go back to pending with their attempt given back and the
    circuit opens (`circuit`): an outage spends no attempt."""
    pairs = list({int(i): (int(i), None if a is None else int(a)) for i, a in pairs}.values())
    outcomes = {i: "skipped" for i, _ in pairs}
    if not pairs:
        return outcomes
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")  # each mark is its own transaction
        if not circuit.is_closed(connection):  # the server is down: keep the rows and their attempts
            _hold(pairs, connection, outcomes, "the SMTP server is unreachable (the circuit is open)")
            return outcomes
        started = _start(connection, pairs)
        if not started:
            return outcomes
        plans = _prepare(started)
        with mail.connection() as mailer:
            try:
                _send_all(plans, connection, mailer, outcomes)
            except mail.ServerUnreachable as outage:
                held = [(p.id, p.claim) for p in plans if outcomes[p.id] == "skipped"]
                _hold(held, connection, outcomes, str(outage))
                circuit.record_outage(str(outage), connection=connection)
    return outcomes


def _hold(pairs: Sequence[tuple[int, int | None]], connection: Connection, outcomes: dict[int, str], why: str) -> None:
    """The server cannot be reached: these rows go back to pending, unsent, with
    the attempt of this claim given back (their claim stays counted, so a late
    copy of the task sends nothing); the dispatcher claims them again once the
    circuit has closed."""
    if not pairs:
        return
    note = f"not sent: {why}; held without spending an attempt"[:2000]
    back = connection.execute(update(Notification).where(_in_claim(pairs))
                              .values(status=PENDING, attempts=Notification.attempts - 1, claimed_at=None,
                                      last_error=note)
                              .returning(Notification.id))
    held = [notification_id for (notification_id,) in back]
    for notification_id in held:
        outcomes[notification_id] = "held"
    log.warning("%d notices held: %s", len(held), why)


def _prepare(started: dict[int, int]) -> list[_Plan]:
    """Load the started rows with what their mail needs and render the mails;
    ends the session's transaction."""
    try:
        rows = list(db.session.scalars(select(Notification).where(Notification.id.in_(started))
                                       .options(joinedload(Notification.recipient)).order_by(Notification.id)))
        # The subjects in the session's identity map: the renderers' session.get finds them without a query.
        subjects = _load_subjects(rows)
        plans = []
        for row in rows:
            plan = _Plan(row.id, started[row.id], row.attempts)
            plans.append(plan)
            if digest.is_digest(row):
                plan.digest = True
                continue
            reason = mailable(row.recipient, row.kind)
            try:
                if reason:
                    raise NotDeliverable(reason)
                plan.message = rendering.build(row)
            except NotDeliverable as gone:
                plan.outcome, plan.values = "cancelled", {"status": CANCELLED, "last_error": str(gone)}
            except SQLAlchemyError:  # the database, not the notice: the rows are taken back after the timeout
                raise
            except Exception as error:  # a broken template or renderer: the same every time
                log.exception("could not render notice %s", row.id)
                plan.outcome = "failed"
                plan.values = {"status": FAILED, "last_error": f"could not render: {error!r}"[:2000]}
        del subjects
        return plans
    finally:
        db.session.rollback()  # no transaction stays open during the SMTP conversation


def _load_subjects(rows: list[Notification]) -> list[Any]:
    """The rows' subjects, one query per subject type (kept by the caller while it renders)."""
    wanted: dict[str, set[int]] = {}
    for row in rows:
        wanted.setdefault(row.subject_type, set()).add(row.subject_id)
    loaded: list[Any] = []
    for subject_type, ids in sorted(wanted.items()):
        subject = kinds.subject(subject_type)
        if subject is not None:
            loaded.extend(db.session.scalars(select(subject.model).where(subject.model.id.in_(ids))))
    return loaded


def _send_all(plans: list[_Plan], connection: Connection, mailer: mail.Mailer, outcomes: dict[int, str]) -> None:
    renew_every = _config("NOTIFY_SENDING_TIMEOUT_SECONDS") / 4
    budget = float(current_app.config.get("NOTIFY_TASK_SECONDS", TASK_SECONDS))
    began = renewed = time.monotonic()
    index = 0
    while index < len(plans):
        now = time.monotonic()
        if now - began > budget:
            _give_back(connection, plans[index:], outcomes, budget)
            return
        if now - renewed > renew_every:  # still ours? (and not taken back while we work)
            alive = _start(connection, [(p.id, p.claim) for p in plans[index:]])
            plans[index:] = [p for p in plans[index:] if alive.get(p.id) == p.claim]
            renewed = now
            if index == len(plans):
                return
        plan = plans[index]
        index += 1
        if plan.digest:
            outcomes[plan.id] = _deliver_one(plan.id, plan.claim, mailer)
        elif plan.message is None:
            _finish(plan.id, plan.claim, connection, **plan.values)
            outcomes[plan.id] = plan.outcome
        else:
            outcomes[plan.id] = _send_one(plan, connection, mailer)


def _send_one(plan: _Plan, connection: Connection, mailer: mail.Mailer) -> str:
    assert plan.message is not None  # a plan without a message is finished, not sent
    try:
        mailer.send(plan.message)
    except mail.ServerUnreachable:
        raise  # an outage, not this mail's: the batch holds its rows
    except Exception as error:  # noqa: BLE001  (classified: SMTP codes, connections, timeouts)
        permanent, text = classify(error)
        status = record_failure(plan.id, plan.claim, text, permanent, connection=connection, attempt=plan.attempt)
        return "failed" if status == FAILED else "retry"
    if not _finish(plan.id, plan.claim, connection, status=SENT, sent_at=utcnow(), last_error=""):
        log.warning("notice %s was sent but its row had moved on (taken back?)", plan.id)
    return "sent"


def _give_back(connection: Connection, plans: list[_Plan], outcomes: dict[int, str], budget: float) -> None:
    """The batch ran out of time: its unsent rows go back to pending for the next
    dispatch (their attempt stays charged, and their claim counted, so a late copy of this task sends nothing)."""
    if not plans:
        return
    note = f"not sent: its batch ran out of time ({budget:g} s); sent by a later dispatch"
    back = connection.execute(update(Notification).where(_in_claim([(p.id, p.claim) for p in plans]))
                              .values(status=PENDING, claimed_at=None, last_error=note)
                              .returning(Notification.id))
    for (notification_id,) in back:
        outcomes[notification_id] = "deferred"
    log.warning("a batch of notices ran out of time; %d handed back to the dispatcher", len(plans))


def _deliver_one(notification_id: int, claim: int, mailer: mail.Mailer) -> str:
    """One row the slow way, in the session: a row of a daily digest, which one
    mail carries with its siblings (the oldest of them sends it)."""
    start = update(Notification).where(_in_claim([(notification_id, claim)])).values(claimed_at=utcnow())
    started = db.session.execute(start.returning(Notification.attempts), execution_options=NO_SYNC).scalar()
    db.session.commit()
    if started is None:  # carried by a sibling's digest meanwhile, or taken back
        return "skipped"
    row = db.session.get(Notification, notification_id, populate_existing=True)
    assert row is not None  # its attempt was just started
    digested = digest.is_digest(row)
    carrier = digest.digested_elsewhere(row) if digested else None
    if carrier is not None:  # one mail per digest: the oldest notice carries it
        db.session.rollback()
        _finish(notification_id, claim, status=SENT, sent_at=utcnow(), last_error=digest.carried_note(carrier))
        return "digested"
    reason = mailable(row.recipient, row.kind)
    try:
        if reason:
            raise NotDeliverable(reason)
        message = rendering.build(row)
    except NotDeliverable as gone:
        db.session.rollback()
        _finish(notification_id, claim, status=CANCELLED, last_error=str(gone))
        return "cancelled"
    except SQLAlchemyError:  # the database, not the notice: the row is taken back after the timeout
        db.session.rollback()
        raise
    except Exception as error:  # a broken template or renderer: the same every time
        log.exception("could not render notice %s", notification_id)
        db.session.rollback()
        _finish(notification_id, claim, status=FAILED, last_error=f"could not render: {error!r}"[:2000])
        return "failed"
    db.session.rollback()  # no transaction stays open during the SMTP conversation
    try:
        mailer.send(message)
    except mail.ServerUnreachable:
        raise  # an outage, not this mail's: the batch holds its rows
    except Exception as error:  # noqa: BLE001  (classified: SMTP codes, connections, timeouts)
        permanent, text = classify(error)
        status = record_failure(notification_id, claim, text, permanent, attempt=started)
        return "failed" if status == FAILED else "retry"
    if not _finish(notification_id, claim, status=SENT, sent_at=utcnow(), last_error=""):
        log.warning("notice %s was sent but its row had moved on (taken back?)", notification_id)
    if digested:
        digest.mark_carried(row, utcnow())  # the same object: session.get() would return it from the identity map
    return "sent"
