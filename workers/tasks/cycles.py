"""The daily check of the cycle rules."""
from __future__ import annotations

from datetime import date

from celery import shared_task

from secretariat_app.core.columns import utcnow
from secretariat_app.cycles.services import check as cycle_check
from secretariat_app.cycles.services import officer_alerts


@shared_task(name="workers.tasks.cycles.run_daily_check")
def run_daily_check() -> int:
    """Check the rules as of today and store the findings; each new unjustified
    one becomes a CYCLE_FINDING notice per officer in the same transaction (the
    dispatcher mails them). Returns how many findings were new."""
    now = utcnow()
    with officer_alerts.alerts_in_the_same_transaction(now):
        recorded = cycle_check.record_findings(date.today(), now)
    return len(recorded.new_warnings)
