"""Housekeeping tasks run by Celery beat."""
from __future__ import annotations

from celery import shared_task

from secretariat_app.accounts.services import sessions
from secretariat_app.accounts.services import users as accounts


@shared_task(name="workers.tasks.maintenance.purge_expired_reset_tokens")
def purge_expired_reset_tokens() -> int:
    """Delete reset tokens that are used or expired; returns how many went."""
    return accounts.purge_reset_tokens()


@shared_task(name="workers.tasks.maintenance.purge_old_sessions")
def purge_old_sessions() -> int:
    """Delete sessions that ended or went idle more than SESSION_RETENTION ago."""
    return sessions.purge_sessions()
