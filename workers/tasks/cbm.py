"""Tasks of CBM implementation reporting, run by Celery beat."""
from __future__ import annotations

from celery import shared_task

from secretariat_app.cbm.services import notices as cbm_notices
from secretariat_app.core.columns import utcnow


@shared_task(name="workers.tasks.cbm.sync_report_deadlines", ignore_result=True)
def sync_report_deadlines() -> int:
    """Make sure every draft annual report has its reminders and chaser rows for
    the area's coordinators of today (idempotent); returns how many rows changed."""
    return cbm_notices.sync_all(utcnow())
