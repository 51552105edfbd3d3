"""The content-addressed store: atomic writes under the SHA-256, one copy per
content, refusals that leave nothing behind, and the sweeper's grace period."""
from __future__ import annotations

import hashlib
import io
import os
import time

import pytest

from secretariat_app.core import storage
from secretariat_app.core.filetypes import Reason
from secretariat_app.core.storage import FileStore, RefusedFile
from tests.documents_setup import DOCX, ELF, PDF, PNG


@pytest.fixture
def store(tmp_path) -> FileStore:
    return FileStore(tmp_path / "files")


def files(store: FileStore) -> list[str]:
    return sorted(p.name for p in store.root.glob("??/??/*"))


def leftovers(store: FileStore) -> list[str]:
    return sorted(p.name for p in store.tmp.iterdir()) if store.tmp.exists() else []


def test_a_file_is_stored_under_its_hash_outside_any_name_the_user_gave(store):
    stored = store.save(io.BytesIO(PDF), max_size=1000)
    sha = hashlib.sha256(PDF).hexdigest()
    assert (stored.sha256, stored.size, stored.type.extension) == (sha, len(PDF), "pdf")
    path = store.path_for(sha)
    assert path == store.root / sha[:2] / sha[2:4] / sha and path.read_bytes() == PDF
    assert store.exists(sha) and leftovers(store) == []


def test_the_write_is_atomic_temporary_file_fsync_rename(store, monkeypatch):
    synced, renamed = [], []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(storage.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    monkeypatch.setattr(storage.os, "replace", lambda a, b: (renamed.append((a, b)), real_replace(a, b)))
    stored = store.save(io.BytesIO(PNG), max_size=1000)
    assert len(synced) == 2  # the file, then its directory
    (source, target), = renamed
    assert source.parent == store.tmp and target == store.path_for(stored.sha256)


def test_a_failed_rename_leaves_neither_a_partial_file_nor_a_temporary_one(store, monkeypatch):
    def crash(source, target):
        raise OSError("disk gone")

    monkeypatch.setattr(storage.os, "replace", crash)
    with pytest.raises(OSError):
        store.save(io.BytesIO(PDF), max_size=1000)
    assert files(store) == [] and leftovers(store) == []


def test_the_same_content_is_stored_once(store):
    first = store.save(io.BytesIO(DOCX), max_size=10_000)
    second = store.save(io.BytesIO(DOCX), max_size=10_000)
    assert first == second and files(store) == [first.sha256] and leftovers(store) == []


@pytest.mark.parametrize("content,name,reason", [
    (b"", "a.pdf", Reason.EMPTY), (PDF, "a.pdf", Reason.TOO_LARGE), (ELF, "a.pdf", Reason.EXECUTABLE),
    (PDF[:40], "a.docx", Reason.MISMATCH),
])
def test_refusals_leave_nothing_behind(store, content, name, reason):
    with pytest.raises(RefusedFile) as caught:
        store.save(io.BytesIO(content), max_size=len(PDF) - 1, filename=name)
    assert caught.value.reason is reason
    assert files(store) == [] and leftovers(store) == []


@pytest.mark.parametrize("guess", ["../../etc/passwd", "a" * 63, "A" * 64, "g" * 64, "", "a" * 64 + "/x"])
def test_a_guessed_or_crafted_hash_is_not_a_path(store, guess):
    with pytest.raises(ValueError):
        store.path_for(guess)


def age(path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_the_sweeper_removes_only_unreferenced_files_past_the_grace_period(store):
    kept, old, young = (store.save(io.BytesIO(c), max_size=10_000).sha256 for c in (PDF, PNG, DOCX))
    for sha in (kept, old):
        age(store.path_for(sha), 7200)
    assert store.sweep({kept}, older_than_seconds=3600) == [old]
    assert files(store) == sorted([kept, young])
    assert store.sweep({kept}, older_than_seconds=3600) == []
    assert store.sweep({kept}, older_than_seconds=0) == [young]


def test_the_sweeper_clears_stale_temporary_files_and_ignores_strangers(store):
    store.tmp.mkdir(parents=True)
    stale, fresh = store.tmp / "upload-stale", store.tmp / "upload-fresh"
    stale.write_bytes(b"half"), fresh.write_bytes(b"being written")
    age(stale, 7200)
    stranger = store.root / "ab" / "cd" / "notes.txt"
    stranger.parent.mkdir(parents=True)
    stranger.write_bytes(b"not ours")
    age(stranger, 7200)
    assert store.sweep(set(), older_than_seconds=3600) == []
    assert not stale.exists() and fresh.exists() and stranger.exists()
