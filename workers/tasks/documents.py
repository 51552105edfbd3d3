"""Tasks of the clearing house, run by Celery beat."""
from __future__ import annotations

from celery import shared_task

from secretariat_app.documents.services import versions as documents_versions


@shared_task(name="workers.tasks.documents.sweep_files")
def sweep_files() -> int:
    """Remove the stored files no language version refers to; returns how many went (0 on a rerun)."""
    return len(documents_versions.sweep_files())
