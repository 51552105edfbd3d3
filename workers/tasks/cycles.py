"""The daily check of the cycle rules."""
from __future__ import annotations

from celery import shared_task

from secretariat_app.cycles.services import check as cycle_check


@shared_task(name="workers.tasks.cycles.run_daily_check")
def run_daily_check() -> int:
    """The cycle check as of today (check_and_record: findings and their officer
    notices in one commit; the dispatcher mails them). Returns how many findings
    were raised (0 on a rerun)."""
    return len(cycle_check.check_and_record().new_warnings)
