"""Tasks of the clearing house: the sweeper of stored files (beat), the
readers' horizons moved forward (beat), the
reading of each stored file's text (after its upload commits, and the beat's
sweep of the rows still pending), and the building of meeting kits."""
from __future__ import annotations

from typing import Any

from celery import shared_task
from sqlalchemy.exc import OperationalError

from secretariat_app.documents.kits import build as kits_build
from secretariat_app.documents.kits import services as kits_services
from secretariat_app.documents.services import read_horizon
from secretariat_app.documents.services import versions as documents_versions
from secretariat_app.documents.text import extraction
from secretariat_app.documents.text.readers import TextLimits

# Celery's limits stand behind the reader's own (its timer): a soft one raises in the task, the hard one
# ends the worker process; the attempt was committed before the read, so the beat's sweep gives such a file up.
_READ_SECONDS = int(TextLimits.seconds)


@shared_task(name="workers.tasks.documents.sweep_files")
def sweep_files() -> int:
    """Remove the stored files no language version refers to; returns how many went (0 on a rerun)."""
    return len(documents_versions.sweep_files())


@shared_task(name="workers.tasks.documents.extract_text", bind=True, ignore_result=True,
             max_retries=extraction.MAX_ATTEMPTS - 1, soft_time_limit=_READ_SECONDS + 30,
             time_limit=_READ_SECONDS + 60, acks_late=True)
def extract_text(self: Any, sha256: str) -> str | None:
    """Read the text of stored file `sha256` into file_text (idempotent); retried
    with a growing delay (30 s, 1, 2, 4 min) while the file cannot be opened or the
    database cannot be reached; the last attempt marks the file unreadable."""
    retries = int(self.request.retries or 0)
    try:
        status = extraction.extract(sha256, final_attempt=retries >= self.max_retries)
    except (extraction.TryAgain, OperationalError) as error:
        raise self.retry(exc=error, countdown=min(30 * 2 ** retries, 600)) from error
    return status.value if status else None


@shared_task(name="workers.tasks.documents.extract_pending_texts", ignore_result=True)
def extract_pending_texts() -> int:
    """The beat's sweep of file_text: rows added for stored files without one,
    spent ones given up, a read sent for each pending one; returns how many were sent."""
    return extraction.queue_pending()


@shared_task(name="workers.tasks.documents.build_meeting_kit", ignore_result=True)
def build_meeting_kit(kit_id: int) -> str | None:
    """Build the ZIP of meeting kit `kit_id` unless it is built (idempotent); its status."""
    status = kits_build.build_kit(kit_id)
    return status.value if status else None


@shared_task(name="workers.tasks.documents.sweep_meeting_kits", ignore_result=True)
def sweep_meeting_kits() -> int:
    """Remove the meeting kits asked for more than KIT_KEEP_HOURS ago; returns how many went."""
    return kits_services.sweep_kits()


@shared_task(name="workers.tasks.documents.advance_read_horizons", ignore_result=True)
def advance_read_horizons() -> int:
    """Move the horizon of every reader who keeps up (documents/read_state.py); returns how many moved."""
    return read_horizon.advance()
