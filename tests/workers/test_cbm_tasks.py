"""The periodic task of CBM report deadlines: thin, scheduled every quarter
of an hour, idempotent, run in the app context as the worker runs it."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import select

from secretariat_app.cbm.services import reports as cbm_reports
from secretariat_app.extensions import db
from secretariat_app.notices.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
)
from tests import cbm_builders as build
from workers.celery_app import beat_schedule
from workers.tasks.cbm import sync_report_deadlines

TASK_NAME = "workers.tasks.cbm.sync_report_deadlines"


def pending_for(user) -> set[datetime]:
    return set(db.session.scalars(select(Notification.due_at).where(
        Notification.kind == NotificationKind.REPORT_DEADLINE, Notification.recipient_id == user.id,
        Notification.status == NotificationStatus.PENDING)))


def test_the_task_is_scheduled_every_quarter_of_an_hour():
    entries = [e for e in beat_schedule().values() if e["task"] == TASK_NAME]
    assert len(entries) == 1
    assert entries[0]["schedule"] == 900.0
    assert entries[0]["options"]["expires"] <= 900.0  # a run that waited a whole period is dropped
    assert sync_report_deadlines.name == TASK_NAME


@freeze_time("2026-09-01 08:00:00")
def test_the_registered_task_writes_late_coordinators_rows_once(app_ctx):
    cast = build.cbm_cast()
    cbm_reports.open_report(cast.officer, cast.area, 2026)
    later = build.coordinator_user(cast.area)
    task = app_ctx.extensions["celery"].tasks[TASK_NAME]
    assert task() == 3  # FlaskTask: pushes the app context, as the worker does
    assert task() == 0
    due = datetime(2026, 11, 15, 19, 0, tzinfo=UTC)
    assert pending_for(later) == {due - timedelta(days=30), due - timedelta(days=7), due + timedelta(minutes=1)}
