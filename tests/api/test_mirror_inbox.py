"""examples/mirror_inbox.py against the app served over HTTP: it mirrors exactly
what the delegate may read, fetches only what changed on the next run, resumes
after a failure without fetching again what it has, and keeps no file whose
SHA-256 is not the API's."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from secretariat_app.core.storage import file_store
from tests.api.helpers import LiveServer, bearer, token_for
from tests.documents_helpers import READS, add_version, cast, library, pdf

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "mirror_inbox.py"


def run_mirror(url: str, token: str, folder: Path) -> tuple[int, dict | None, str]:
    done = subprocess.run([sys.executable, str(SCRIPT), url, str(folder)], env={"CICA_TOKEN": token},
                          capture_output=True, text=True, timeout=120)
    summary = json.loads(done.stdout) if done.returncode == 0 else None
    return done.returncode, summary, done.stderr


def mirrored(folder: Path) -> dict[str, str]:
    """Each file kept (but the metadata), by its path in the folder, with its SHA-256."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file() and p.name not in ("document.json", ".mirror-state.json")}


@pytest.fixture
def world(app, app_ctx):
    c = cast()
    docs = library(c)
    with LiveServer(app) as server:
        yield server, c, docs


def test_it_mirrors_what_the_delegate_may_read_then_only_what_changed(world, tmp_path, client):
    server, c, docs = world
    token = token_for(c.a1)
    code, summary, error = run_mirror(server.url, token, tmp_path)
    assert code == 0, error
    assert summary == {"listed": 7, "documents_written": 7, "files_downloaded": 14}
    files = mirrored(tmp_path)
    expected = {v.file_sha256 for key in READS["a1"] for v in docs[key].versions}
    assert set(files.values()) == expected and len(files) == 14
    metadata = json.loads((tmp_path / docs["G1"].symbol.replace("/", "-") / "document.json").read_text())
    assert metadata["id"] == docs["G1"].id and {f["sha256"] for f in metadata["files"]} <= expected

    code, summary, error = run_mirror(server.url, token, tmp_path)
    assert code == 0, error
    assert summary["documents_written"] == 0 and summary["files_downloaded"] == 0

    new = add_version(docs["G1"], "en", pdf("G1 en, second edition"))
    code, summary, error = run_mirror(server.url, token, tmp_path)
    assert code == 0, error
    assert summary["documents_written"] == 1 and summary["files_downloaded"] == 1
    assert new.file_sha256 in mirrored(tmp_path).values()


def test_a_file_that_is_not_what_the_api_says_is_not_kept_and_a_rerun_resumes(world, tmp_path):
    server, c, docs = world
    token = token_for(c.b1)
    stored = file_store().path_for(docs["L2"].versions[0].file_sha256)
    original = stored.read_bytes()
    stored.write_bytes(b"%PDF-1.4 tampered\n")
    try:
        code, _summary, error = run_mirror(server.url, token, tmp_path)
        assert code == 1 and "SHA-256" in error
        assert docs["L2"].versions[0].file_sha256 not in mirrored(tmp_path).values()
        before = mirrored(tmp_path)
    finally:
        stored.write_bytes(original)
    code, summary, error = run_mirror(server.url, token, tmp_path)
    assert code == 0, error
    files = mirrored(tmp_path)
    assert set(files.values()) == {v.file_sha256 for key in READS["b1"] for v in docs[key].versions}
    assert summary["files_downloaded"] == len(files) - len(before)  # what it had is not fetched again


def test_a_revoked_token_stops_the_mirror(world, tmp_path, client):
    server, c, _docs = world
    token = token_for(c.a1)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    code, _summary, error = run_mirror(server.url, "cica_not-a-token", tmp_path)
    assert code == 1 and "401" in error
