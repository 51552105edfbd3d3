"""Text extraction: every upload gets a PENDING file_text row and a read after
its commit; the worker reads each format, marks scans, unreadable and
unsupported files for what they are, retries a file it cannot open, gives up
in the end, reads a replaced language version, and announces each result."""
from __future__ import annotations

import io
import time

import pytest
from sqlalchemy import select

from secretariat_app.core.storage import file_store
from secretariat_app.documents.models import DocumentStatus, FileText, TextStatus
from secretariat_app.documents.services.versions import UploadData, upload
from secretariat_app.documents.signals import file_text_changed
from secretariat_app.documents.text import extraction, readers
from secretariat_app.documents.text.readers import TextLimits, read_file
from secretariat_app.extensions import db
from tests.documents_helpers import make_document, store_file
from tests.text_samples import KINDS, make, scanned_pdf
from tests.upload_samples import docx_bomb
from workers.tasks.documents import extract_text

TEXT = "Energy security of the region\nЭнергетическая безопасность региона\nThird line"
TASK = "workers.tasks.documents.extract_text"


@pytest.fixture
def announced():
    heard: list[str] = []

    def receiver(sender, sha256):
        heard.append(sha256)

    file_text_changed.connect(receiver)
    yield heard
    file_text_changed.disconnect(receiver)


def row(sha256: str) -> FileText:
    db.session.expire_all()
    found = db.session.get(FileText, sha256)
    assert found is not None
    return found


def uploaded(document, language: str, content: bytes, filename: str):
    from tests.factories import officer

    return upload(officer(), document, UploadData(language, io.BytesIO(content), filename=filename))


@pytest.mark.parametrize("kind", KINDS)
def test_an_upload_is_pending_until_the_worker_reads_it_after_the_commit(app_ctx, sent_tasks, announced, kind):
    document = make_document(languages=(), status=DocumentStatus.DRAFT)
    version = uploaded(document, "en", make(kind, TEXT), f"note.{kind}")
    assert row(version.file_sha256).status is TextStatus.PENDING
    assert sent_tasks == [(TASK, {"sha256": version.file_sha256})]
    assert announced == []
    sent_tasks.run()
    found = row(version.file_sha256)
    assert found.status is TextStatus.EXTRACTED, found.error
    assert "Energy security of the region" in found.text and "Энергетическая безопасность региона" in found.text
    assert found.attempts == 1 and found.extracted_at is not None
    assert announced == [version.file_sha256]


def test_a_refused_upload_sends_nothing_and_writes_no_row(app_ctx, sent_tasks):
    from secretariat_app.domain.violations import RuleViolations

    document = make_document(languages=())
    with pytest.raises(RuleViolations):
        uploaded(document, "en", b"\x7fELF\x02\x01\x01" + bytes(64), "note.pdf")
    assert sent_tasks == [] and db.session.scalars(select(FileText)).all() == []


def test_a_pdf_without_a_text_layer_is_a_scan_not_an_empty_text(app_ctx, announced):
    stored = store_file(scanned_pdf())
    assert extraction.extract(stored.sha256) is TextStatus.SCAN
    assert (row(stored.sha256).status, row(stored.sha256).text) == (TextStatus.SCAN, "")
    assert announced == [stored.sha256]


def test_damaged_files_are_unreadable_with_the_reason(app_ctx):
    broken = store_file(b"%PDF-1.4\nnot really a PDF at all\n")
    assert extraction.extract(broken.sha256) is TextStatus.UNREADABLE
    assert row(broken.sha256).error  # what the reader said


def test_pictures_are_unsupported(app_ctx):
    from tests.documents_setup import PNG

    picture = store_file(PNG)
    assert extraction.extract(picture.sha256) is TextStatus.UNSUPPORTED
    assert "png" in row(picture.sha256).error


def test_reading_again_is_idempotent_and_announces_again(app_ctx, announced, monkeypatch):
    stored = store_file(make("docx", TEXT))
    assert extraction.extract(stored.sha256) is TextStatus.EXTRACTED
    text = row(stored.sha256).text

    def never(*_args, **_kwargs):
        raise AssertionError("a file already read is not read again")

    monkeypatch.setattr(extraction, "read_file", never)
    assert extraction.extract(stored.sha256) is TextStatus.EXTRACTED
    assert row(stored.sha256).text == text and row(stored.sha256).attempts == 1
    assert announced == [stored.sha256, stored.sha256]


def test_a_replaced_language_version_is_read(app_ctx, sent_tasks, announced):
    document = make_document(languages=(), status=DocumentStatus.DRAFT)
    first = uploaded(document, "en", make("txt", "The first text"), "a.txt")
    sent_tasks.run()
    second = uploaded(document, "en", make("txt", "The replacement"), "a.txt")
    assert row(second.file_sha256).status is TextStatus.PENDING
    sent_tasks.run()
    assert row(second.file_sha256).text == "The replacement"
    assert row(first.file_sha256).text == "The first text"  # the archive keeps both
    assert announced == [first.file_sha256, second.file_sha256]


def test_a_file_that_cannot_be_opened_is_retried_then_unreadable(app_ctx, announced):
    stored = store_file(make("txt", "Soon gone"))
    file_store().path_for(stored.sha256).unlink()
    with pytest.raises(extraction.TryAgain):
        extraction.extract(stored.sha256, final_attempt=False)
    assert (row(stored.sha256).status, row(stored.sha256).attempts) == (TextStatus.PENDING, 1)
    assert announced == []
    assert extraction.extract(stored.sha256, final_attempt=True) is TextStatus.UNREADABLE
    assert "could not be opened" in row(stored.sha256).error
    assert announced == [stored.sha256]


def test_the_task_retries_with_backoff_and_gives_up_on_its_last_attempt(app_ctx, monkeypatch):
    stored = store_file(make("txt", "Soon gone"))
    file_store().path_for(stored.sha256).unlink()
    delays: list[int] = []
    original = extract_text.retry

    def retry(*args, **kwargs):
        delays.append(kwargs["countdown"])
        return original(*args, **kwargs)

    monkeypatch.setattr(extract_text, "retry", retry)
    extract_text.apply(kwargs={"sha256": stored.sha256})  # eager: each retry runs at once
    assert delays == [30, 60, 120, 240]
    assert (row(stored.sha256).status, row(stored.sha256).attempts) == (TextStatus.UNREADABLE, extraction.MAX_ATTEMPTS)


def test_the_beat_sweep_adds_missing_rows_gives_up_spent_ones_and_sends_the_rest(app_ctx, sent_tasks, announced):
    orphan = store_file(make("txt", "Stored before file_text"))  # no row
    spent = store_file(make("txt", "A read that always crashed"))
    db.session.add(FileText(sha256=spent.sha256, status=TextStatus.PENDING, attempts=extraction.MAX_ATTEMPTS))
    db.session.commit()
    assert extraction.queue_pending() == 1
    assert sent_tasks == [(TASK, {"sha256": orphan.sha256})]
    assert row(orphan.sha256).status is TextStatus.PENDING
    assert row(spent.sha256).status is TextStatus.UNREADABLE and "gave up" in row(spent.sha256).error
    assert announced == [spent.sha256]
    sent_tasks.run()
    assert row(orphan.sha256).text == "Stored before file_text"


def test_the_command_line_reads_pending_rows_and_again_on_request(app_ctx):
    good = store_file(make("odt", TEXT))
    bad = store_file(b"%PDF-1.4\nbroken\n")
    result = app_ctx.test_cli_runner().invoke(args=["texts", "extract"])
    assert result.exit_code == 0, result.output
    assert "extracted" in result.output and "unreadable" in result.output
    assert row(good.sha256).status is TextStatus.EXTRACTED and row(bad.sha256).status is TextStatus.UNREADABLE
    result = app_ctx.test_cli_runner().invoke(args=["texts", "extract", "--again", "unreadable"])
    assert "Made pending again: 1." in result.output and "unreadable" in result.output
    assert app_ctx.test_cli_runner().invoke(args=["texts", "extract"]).output.strip() == "Nothing pending."


def test_a_slow_reader_is_stopped_by_the_time_limit(tmp_path, monkeypatch):
    def slow(path, out, limits):
        time.sleep(5)
        return TextStatus.EXTRACTED

    monkeypatch.setitem(readers.READERS, "txt", slow)
    path = tmp_path / "a.txt"
    path.write_text("x")
    started = time.monotonic()
    reading = read_file(path, "txt", TextLimits(seconds=0.2))
    assert time.monotonic() - started < 2
    assert reading.status is TextStatus.UNREADABLE and "longer than 0.2 s" in reading.error


def test_a_zip_bomb_is_not_opened(tmp_path):
    path = tmp_path / "bomb.docx"
    path.write_bytes(docx_bomb(200))
    reading = read_file(path, "docx")
    assert reading.status is TextStatus.UNREADABLE and "OFFICE" in reading.error


def test_the_text_kept_is_capped_and_free_of_nul(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("a\x00b " * 1000)
    reading = read_file(path, "txt", TextLimits(max_chars=100))
    assert reading.status is TextStatus.EXTRACTED
    assert len(reading.text) <= 100 and "\x00" not in reading.text


def test_the_beat_sweeps_pending_texts_and_old_kits():
    from workers.celery_app import beat_schedule

    tasks = {entry["task"] for entry in beat_schedule().values()}
    assert {"workers.tasks.documents.extract_pending_texts", "workers.tasks.documents.sweep_meeting_kits"} <= tasks


def test_a_read_redelivered_after_its_attempts_ran_out_is_given_up_not_repeated(app_ctx, announced, monkeypatch):
    stored = store_file(make("txt", "A file whose reads kill the worker"))
    db.session.add(FileText(sha256=stored.sha256, status=TextStatus.PENDING, attempts=extraction.MAX_ATTEMPTS))
    db.session.commit()

    def never(*_args, **_kwargs):
        raise AssertionError("not read a sixth time")

    monkeypatch.setattr(extraction, "read_file", never)
    assert extraction.extract(stored.sha256) is TextStatus.UNREADABLE
    assert "gave up" in row(stored.sha256).error and announced == [stored.sha256]
