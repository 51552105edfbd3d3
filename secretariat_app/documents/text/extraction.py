"""Keeping `file_text`: a PENDING row for every stored file, written with its
upload, and the read of that file by a worker once the upload commits.

- `add_pending(sha256)`: the upload's part (with the StoredFile row): the row,
  and the task `workers.tasks.documents.extract_text`, sent after the commit.
- `extract(sha256)`: the task's part. Idempotent: a row already read is not
  read again (the same content uploaded twice is read once); the signal is sent
  again, so that the search index follows a replaced language version. The
  attempt is counted and committed before the read, so that a read that kills
  its process is not retried for ever. A stored file that cannot be opened
  (OSError) raises TryAgain until the last attempt, then is UNREADABLE.
- `queue_pending()`: the beat's sweep: rows for stored files that have none,
  rows whose attempts ran out marked UNREADABLE, and a task for each row still
  pending.
- `extract_here()`: the command line's part: read the pending rows (or again
  those of some statuses) in this process.

After each result is committed, `signals.file_text_changed` is sent with the
file's `sha256`."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import exists, select, update
from sqlalchemy.dialects import postgresql, sqlite

from secretariat_app.core.columns import utcnow
from secretariat_app.core.storage import FileStore, file_store
from secretariat_app.core.tasks import send_after_commit
from secretariat_app.documents.models import FileText, StoredFile, TextStatus
from secretariat_app.documents.signals import file_text_changed
from secretariat_app.documents.text.readers import ERROR_LENGTH, Reading, TextLimits, read_file
from secretariat_app.extensions import db

TASK = "workers.tasks.documents.extract_text"
MAX_ATTEMPTS = 5
BATCH = 500
GAVE_UP = f"gave up after {MAX_ATTEMPTS} attempts: each read ended without a result (too slow or crashed)"


class TryAgain(Exception):
    """The stored file could not be opened now; the task is retried later."""


def _insert():
    return postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert


def add_pending(sha256: str) -> None:
    """The PENDING row of a stored file unless it has one, and its read, sent
    when the current transaction commits."""
    db.session.execute(_insert()(FileText).values(
        sha256=sha256, status=TextStatus.PENDING, text="", attempts=0, error="",
    ).on_conflict_do_nothing(index_elements=["sha256"]))
    send_after_commit(TASK, sha256=sha256)


def _announce(sha256: str) -> None:
    file_text_changed.send(current_app._get_current_object(), sha256=sha256)  # type: ignore[attr-defined]


def extract(sha256: str, *, final_attempt: bool = True, store: FileStore | None = None,
            limits: TextLimits | None = None) -> TextStatus | None:
    """Read the stored file `sha256` into its row, commit, announce; the row's
    status (None when the file is no longer stored). TryAgain when the file
    cannot be opened and this is not the final attempt."""
    stored = db.session.get(StoredFile, sha256)
    if stored is None:
        db.session.rollback()
        return None
    row = db.session.get(FileText, sha256)
    if row is None:
        add_row = _insert()(FileText).values(sha256=sha256, status=TextStatus.PENDING, text="", attempts=0,
                                             error="").on_conflict_do_nothing(index_elements=["sha256"])
        db.session.execute(add_row)
        row = db.session.get(FileText, sha256)
        assert row is not None
    if row.status is not TextStatus.PENDING:
        status = row.status
        db.session.commit()
        _announce(sha256)
        return status
    if row.attempts >= MAX_ATTEMPTS:  # the reads before this one never ended (a task redelivered after a crash)
        _save(sha256, Reading(TextStatus.UNREADABLE, error=GAVE_UP))
        _announce(sha256)
        return TextStatus.UNREADABLE
    row.attempts += 1
    extension = stored.extension
    db.session.commit()  # the attempt counts, even if the read brings the process down
    path = (store or file_store()).path_for(sha256)
    try:
        reading = read_file(path, extension, limits or TextLimits.from_config(current_app.config))
    except OSError as error:
        if not final_attempt:
            raise TryAgain(f"the stored file could not be opened: {error}") from error
        reading = Reading(TextStatus.UNREADABLE, error=f"the stored file could not be opened: {error}")
    _save(sha256, reading)
    _announce(sha256)
    return reading.status


def _save(sha256: str, reading: Reading) -> None:
    db.session.execute(update(FileText).where(FileText.sha256 == sha256).values(
        status=reading.status, text=reading.text, error=reading.error[:ERROR_LENGTH], extracted_at=utcnow()))
    db.session.commit()


def _add_missing_rows() -> None:
    """A PENDING row for each stored file without one (files stored before file_text, or by hand)."""
    missing = select(StoredFile.sha256).where(~exists().where(FileText.sha256 == StoredFile.sha256))
    for sha256 in db.session.scalars(missing).all():
        db.session.execute(_insert()(FileText).values(
            sha256=sha256, status=TextStatus.PENDING, text="", attempts=0, error="",
        ).on_conflict_do_nothing(index_elements=["sha256"]))


def _give_up() -> list[str]:
    """Rows still pending after MAX_ATTEMPTS reads are UNREADABLE: each read ended without a result."""
    spent = db.session.scalars(select(FileText.sha256).where(
        FileText.status == TextStatus.PENDING, FileText.attempts >= MAX_ATTEMPTS)).all()
    if spent:
        db.session.execute(update(FileText).where(FileText.sha256.in_(spent)).values(
            status=TextStatus.UNREADABLE, extracted_at=utcnow(), error=GAVE_UP))
    return list(spent)


def _pending(limit: int) -> list[str]:
    return list(db.session.scalars(select(FileText.sha256).where(FileText.status == TextStatus.PENDING)
                                   .order_by(FileText.attempts, FileText.sha256).limit(limit)))


def queue_pending(limit: int = BATCH) -> int:
    """The beat's sweep: missing rows added, spent rows given up, and a read
    sent for up to `limit` pending rows. Returns how many were sent."""
    _add_missing_rows()
    given_up = _give_up()
    pending = _pending(limit)
    for sha256 in pending:
        send_after_commit(TASK, sha256=sha256)
    db.session.commit()
    for sha256 in given_up:
        _announce(sha256)
    return len(pending)


def read_again(statuses: Iterable[TextStatus]) -> int:
    """Make the rows of `statuses` PENDING again (a reader improved, a limit
    raised); commits. Returns how many."""
    chosen = [status for status in statuses if status is not TextStatus.PENDING]
    if not chosen:
        return 0
    result = db.session.execute(update(FileText).where(FileText.status.in_(chosen)).values(
        status=TextStatus.PENDING, attempts=0, error=""))
    db.session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def extract_here(limit: int | None = None) -> Counter[str]:
    """Read every pending row (up to `limit`) in this process; the outcomes by status."""
    _add_missing_rows()
    for sha256 in _give_up():
        _announce(sha256)
    db.session.commit()
    outcomes: Counter[str] = Counter()
    tried: set[str] = set()
    while limit is None or len(tried) < limit:
        batch = [sha for sha in _pending(BATCH) if sha not in tried]
        if limit is not None:
            batch = batch[:limit - len(tried)]
        if not batch:
            break
        for sha256 in batch:
            tried.add(sha256)
            status = extract(sha256, final_attempt=True)
            outcomes[status.value if status else "gone"] += 1
    return outcomes


def statuses_of(hashes: Iterable[str]) -> dict[str, tuple[TextStatus, str]]:
    """The status and error of these stored files' texts, by hash (no text loaded)."""
    wanted = sorted(set(hashes))
    if not wanted:
        return {}
    rows = db.session.execute(select(FileText.sha256, FileText.status, FileText.error)
                              .where(FileText.sha256.in_(wanted)))
    return {sha256: (status, error) for sha256, status, error in rows}


def texts_of(hashes: Iterable[str]) -> dict[str, FileText]:
    """The file_text rows of these stored files, by hash."""
    wanted = sorted(set(hashes))
    if not wanted:
        return {}
    return {row.sha256: row for row in db.session.scalars(select(FileText).where(FileText.sha256.in_(wanted)))}
