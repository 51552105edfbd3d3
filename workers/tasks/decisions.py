"""Tasks of the decisions register, run by Celery beat."""
from __future__ import annotations

from celery import shared_task

from secretariat_app.decisions.services import decisions


@shared_task(name="workers.tasks.decisions.close_silence_procedures")
def close_silence_procedures() -> int:
    """Close the silence procedures whose deadline has passed; returns how many closed (0 on a rerun)."""
    return len(decisions.close_silence_procedures())
