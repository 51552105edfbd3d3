"""Language versions against the database and a real file store: uploads,
refusals that change nothing, missing and stale languages, and the sweeper."""
from __future__ import annotations

import io
import os
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.core.storage import FileStore
from secretariat_app.documents.models import DocumentStatus, DocumentVersion, StoredFile
from secretariat_app.documents.services import documents as document_service
from secretariat_app.documents.services.versions import (
    UploadData,
    language_statuses,
    sweep_files,
    upload,
)
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from tests.documents_setup import (
    DOCX,
    ELF,
    MZ,
    PDF,
    PNG,
    TEXT,
    counts,
    make_document,
)

T0 = datetime(2024, 5, 1, 9, tzinfo=UTC)


@pytest.fixture
def store(tmp_path) -> FileStore:
    return FileStore(tmp_path / "files")


def stored_files(store: FileStore) -> list[str]:
    return sorted(p.name for p in store.root.glob("??/??/*"))


def put(world, document, language, content, store, when=None, original=False):
    return upload(world.officer, document, UploadData(language, io.BytesIO(content), original), store=store, now=when)


def test_an_upload_is_stored_under_its_hash_with_a_version_row(world, store):
    document = make_document(world, with_file=False)
    version = put(world, document, "ru", PDF, store)
    file = db.session.get(StoredFile, version.file_sha256)
    assert (file.size, file.extension, file.content_type) == (len(PDF), "pdf", "application/pdf")
    assert store.path_for(version.file_sha256).read_bytes() == PDF
    assert (version.language, version.is_original, version.uploaded_by_id) == ("ru", False, world.officer.id)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document_version.create")) is not None


def test_the_same_content_is_stored_once(world, store):
    first, second = make_document(world, with_file=False), make_document(world, with_file=False)
    put(world, first, "en", DOCX, store)
    put(world, second, "en", DOCX, store)
    put(world, second, "ru", DOCX, store)
    assert len(stored_files(store)) == 1
    assert db.session.scalar(select(db.func.count(StoredFile.sha256))) == 1
    assert db.session.scalar(select(db.func.count(DocumentVersion.id))) == 3


def test_another_language_is_the_original(world, store):
    document = make_document(world, with_file=False)
    assert put(world, document, "ZH", PNG, store).language == "zh"
    assert document.versions[-1].is_original
    assert put(world, document, "ru", TEXT, store, original=True).is_original


@pytest.mark.parametrize("content,message", [
    (b"", "The file is empty"),
    (ELF, "not accepted"),
    (MZ, "not accepted"),
    (b"x" * 101, "larger than"),
])
def test_refused_files_change_nothing(world, store, content, message):
    document = make_document(world, with_file=False)
    before = counts()
    with pytest.raises(RuleViolations) as caught:
        upload(world.officer, document, UploadData("en", io.BytesIO(content)), store=store, max_size=100)
    assert [v.field for v in caught.value.violations] == ["file"]
    assert message in caught.value.violations[0].render()
    assert counts() == before
    assert stored_files(store) == [] and list((store.root / "tmp").iterdir()) == []


@pytest.mark.parametrize("language", ["", "english", "e1", "../x"])
def test_a_language_must_be_a_code(world, store, language):
    document = make_document(world, with_file=False)
    before = counts()
    with pytest.raises(RuleViolations) as caught:
        put(world, document, language, PDF, store)
    assert [v.field for v in caught.value.violations] == ["language"]
    assert counts() == before and stored_files(store) == []


@pytest.mark.parametrize("status", [DocumentStatus.SUPERSEDED, DocumentStatus.WITHDRAWN])
def test_superseded_and_withdrawn_documents_keep_their_files(world, store, status):
    document = make_document(world, with_file=False)
    document.status = status
    db.session.commit()
    before = counts()
    with pytest.raises(RuleViolations):
        put(world, document, "en", PDF, store)
    assert counts() == before


def test_a_circulated_document_takes_a_replacement_and_keeps_the_old_file(world, store):
    document = make_document(world, with_file=False)
    old = put(world, document, "en", PDF, store)
    document.status = DocumentStatus.CIRCULATED
    db.session.commit()
    new = put(world, document, "en", PDF + b"% corrected", store)
    english = next(s for s in language_statuses(document) if s.language == "en")
    assert english.versions == [old, new] and english.current == new
    assert len(stored_files(store)) == 2


def test_missing_and_stale_languages(world, store):
    document = make_document(world, with_file=False)
    statuses = {s.language: s for s in language_statuses(document)}
    assert list(statuses) == ["en", "ru"] and statuses["en"].missing and statuses["ru"].missing
    put(world, document, "en", PDF, store, T0)
    put(world, document, "ru", PDF + b"ru", store, T0 + timedelta(hours=1))
    put(world, document, "zh", PDF + b"zh", store, T0 + timedelta(hours=2))
    statuses = {s.language: s for s in language_statuses(document)}
    assert [(s.missing, s.stale) for s in statuses.values()] == [(False, False)] * 3
    replacement = put(world, document, "en", PDF + b"en2", store, T0 + timedelta(hours=3))  # English replaced
    statuses = {s.language: s for s in language_statuses(document)}
    assert not statuses["en"].stale
    assert statuses["ru"].stale and statuses["zh"].stale and statuses["ru"].stale_since == replacement
    put(world, document, "ru", PDF + b"ru2", store, T0 + timedelta(hours=4))  # Russian brought up to date
    statuses = {s.language: s for s in language_statuses(document)}
    assert not statuses["ru"].stale and not statuses["en"].stale and statuses["zh"].stale


# The sweeper ------------------------------------------------------------------------------------

def age(store: FileStore, sha: str, seconds: float = 7200) -> None:
    past = time.time() - seconds
    os.utime(store.path_for(sha), (past, past))


def test_the_sweeper_removes_only_files_no_version_refers_to(world, store):
    kept = make_document(world, with_file=False)
    kept_sha = put(world, kept, "en", PDF, store).file_sha256
    draft = make_document(world, with_file=False)
    gone_sha = put(world, draft, "en", PNG, store).file_sha256
    young = make_document(world, with_file=False)
    young_sha = put(world, young, "en", TEXT, store).file_sha256
    document_service.delete_draft(world.officer, draft)
    document_service.delete_draft(world.officer, young)
    for sha in (kept_sha, gone_sha):
        age(store, sha)
    assert sweep_files(store) == [gone_sha]
    assert stored_files(store) == sorted([kept_sha, young_sha])  # the young one waits for its grace period
    assert db.session.get(StoredFile, gone_sha) is None
    assert db.session.get(StoredFile, kept_sha) is not None and db.session.get(StoredFile, young_sha) is not None
    assert sweep_files(store) == []  # nothing more on a second run
    age(store, young_sha)
    assert sweep_files(store) == [young_sha] and db.session.get(StoredFile, young_sha) is None


def test_a_reupload_of_swept_content_is_protected_by_a_fresh_mtime(world, store):
    draft = make_document(world, with_file=False)
    sha = put(world, draft, "en", PDF, store).file_sha256
    document_service.delete_draft(world.officer, draft)
    age(store, sha)
    put(world, make_document(world, with_file=False), "en", PDF, store)  # the same content again
    assert store.path_for(sha).stat().st_mtime > time.time() - 60
    assert sweep_files(store) == [] and store.exists(sha)


def test_the_sweeper_task_is_thin_and_scheduled_daily(world, store, monkeypatch):
    from secretariat_app.documents.services import versions as documents_versions
    from workers.celery_app import beat_schedule
    from workers.tasks.documents import sweep_files as sweep_task

    entry = next(e for e in beat_schedule().values() if e["task"] == "workers.tasks.documents.sweep_files")
    schedule = entry["schedule"]
    assert len(schedule.hour) == 1 and len(schedule.minute) == 1 and len(schedule.day_of_week) == 7
    assert sweep_task.name == "workers.tasks.documents.sweep_files"
    monkeypatch.setattr(documents_versions, "file_store", lambda: store)
    draft = make_document(world, with_file=False)
    sha = put(world, draft, "en", PDF, store).file_sha256
    document_service.delete_draft(world.officer, draft)
    age(store, sha)
    assert sweep_task.run() == 1
    assert sweep_task.run() == 0
