"""The daily check of the cycle rules."""
from __future__ import annotations

from datetime import date

from celery import shared_task

from secretariat_app.services import cycle_check, officer_alerts


@shared_task(name="workers.tasks.cycles.run_daily_check")
def run_daily_check() -> int:
    """Check the rules as of today, store the findings and tell officers of new
    unjustified ones (after the commit). Returns how many were new."""
    recorded = cycle_check.record_findings(date.today())
    officer_alerts.send_cycle_alerts(recorded.new_warnings)
    return len(recorded.new_warnings)
