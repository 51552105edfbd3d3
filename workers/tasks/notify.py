"""The dispatcher of notices and the tasks that send them.

`dispatch_due` takes back rows stuck in "sending", claims due rows (within the
in-flight limit and the rate, unless the SMTP circuit is open), commits, and
only then enqueues one `send_notifications([(id, claim), …])` per batch of up
to NOTIFY_PER_TASK (50) rows, without eta or countdown (a delay is a later
not_before on the row, never a delayed task). It runs at the workers' speed:
a commit that queued notices asks for it (`notices.services.kick`), and every
batch that finishes runs the next pass itself (`next_pass`), until no due row
is left; beat runs it every NOTIFY_DISPATCH_INTERVAL_SECONDS (60 s) too, for
retries that fall due and after an outage. A batch goes over one SMTP
connection and each row is marked on its own as soon as its mail is accepted.
`flask notify dispatch` does the same by hand. `send_notification(id,
claim)` sends one row (tasks queued by an earlier version)."""
from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

from celery import shared_task

from secretariat_app.notices.services import dispatch

log = logging.getLogger(__name__)


@shared_task(name="workers.tasks.notify.send_notification", ignore_result=True)
def send_notification(notification_id: int, attempt: int | None = None) -> str:
    """Send one claimed notice and mark it; a no-op unless the row is still
    "sending" in this claim (so a redelivered task sends nothing)."""
    return dispatch.deliver(notification_id, attempt)


@shared_task(name="workers.tasks.notify.send_notifications", ignore_result=True)
def send_notifications(pairs: list[list[int]]) -> str:
    """Send a batch of claimed notices, [[id, claim], …], over one SMTP
    connection, each row marked right after its own mail; a row no longer
    "sending" in its claim is skipped (so a redelivered task sends nothing
    twice). Then, unless the server was down, the next pass of the dispatcher,
    here: the batch's rows no longer count against the in-flight limit.
    Returns the outcomes counted, e.g. "sent: 50"."""
    outcomes = dispatch.deliver_batch((pair[0], pair[1]) for pair in pairs)
    if "held" not in outcomes.values():
        next_pass()
    return ", ".join(f"{outcome}: {count}" for outcome, count in sorted(Counter(outcomes.values()).items()))


def next_pass() -> None:
    """A pass of the dispatcher right after a batch, in its task: no task of its
    own, so passes never queue up behind the batches (or in front of them)."""
    try:
        done = dispatch_now()
        if done.enqueued:
            log.info("the next pass after a batch: %d notices handed over", done.enqueued)
    except Exception:  # noqa: BLE001  (the batch is done and marked; beat's next pass goes on)
        log.exception("the dispatcher's pass after a batch failed; beat's next pass goes on")


def enqueue(notification_id: int, attempt: int) -> None:
    send_notification.apply_async((notification_id, attempt))


def enqueue_batch(pairs: list[tuple[int, int]]) -> None:
    send_notifications.apply_async(([list(pair) for pair in pairs],))


def dispatch_now(now: datetime | None = None, limit: int | None = None) -> dispatch.Dispatched:
    """One pass of the dispatcher, handing the claimed rows to the workers in batches."""
    return dispatch.dispatch(enqueue_batch, now, limit, per_task=dispatch.task_batch_size())


@shared_task(name="workers.tasks.notify.dispatch_due", ignore_result=True)
def dispatch_due() -> int:
    """One pass of the dispatcher; returns how many notices it handed to workers."""
    return dispatch_now().enqueued
