"""The daily task of the succession to the chairmanship."""
from __future__ import annotations

from celery import shared_task

from secretariat_app.decisions.succession import alerts


@shared_task(name="workers.tasks.succession.run_daily")
def run_daily() -> int:
    """Record the decided terms that took effect, then warn the officers once when the
    term in force ends within a year undecided. Returns how many notices were queued (0 on a rerun)."""
    return alerts.run_daily().warned
