"""The dispatcher of notices and the task that sends one.

Beat runs `dispatch_due` every NOTIFY_DISPATCH_INTERVAL_SECONDS (60 s): it
takes back rows stuck in "sending", claims due rows, commits, and only then
enqueues one `send_notification(id, attempt)` per row, without eta or
countdown (a delay is a later due_at on the row, never a delayed task)."""
from __future__ import annotations

from celery import shared_task

from secretariat_app.services import notifications


@shared_task(name="workers.tasks.notify.send_notification", ignore_result=True)
def send_notification(notification_id: int, attempt: int | None = None) -> str:
    """Send one claimed notice and mark it; a no-op unless the row is still
    "sending" in this attempt (so a redelivered task sends nothing)."""
    return notifications.deliver(notification_id, attempt)


def enqueue(notification_id: int, attempt: int) -> None:
    send_notification.apply_async((notification_id, attempt))


@shared_task(name="workers.tasks.notify.dispatch_due", ignore_result=True)
def dispatch_due() -> int:
    """One pass of the dispatcher; returns how many notices it handed to workers."""
    return notifications.dispatch(enqueue).enqueued
