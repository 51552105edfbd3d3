"""A document, its files and the acknowledgement through the API: the same rule
as the pages for every reader and document (404 exactly as for nothing), each
file's SHA-256, downloads audited and counted as receipts as on the site."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.documents.models import Acknowledgement, Receipt
from secretariat_app.extensions import db
from secretariat_app.permissions.tokens import Scope
from tests.api.helpers import bearer, token_for
from tests.documents_helpers import READS, cast, library


@pytest.fixture
def world(app_ctx):
    c = cast()
    return c, library(c)


@pytest.mark.parametrize("who", ["a1", "a2", "b1", "g1"])
def test_documents_and_files_answer_as_the_pages_do(world, client, who):
    c, docs = world
    secret = token_for(getattr(c, who))
    missing = client.get("/api/v1/documents/999999", headers=bearer(secret))
    for key, document in docs.items():
        response = client.get(f"/api/v1/documents/{document.id}", headers=bearer(secret))
        files = [client.get(f"/api/v1/versions/{v.id}/file", headers=bearer(secret)) for v in document.versions]
        if key in READS[who]:
            assert response.status_code == 200, key
            assert all(f.status_code == 200 for f in files), key
        else:
            assert response.status_code == 404, key
            assert response.get_json() == missing.get_json()  # nothing tells it exists
            assert all(f.status_code == 404 for f in files), key


def test_a_document_lists_its_versions_with_each_files_sha256(world, client):
    c, docs = world
    secret = token_for(c.a1)
    body = client.get(f"/api/v1/documents/{docs['S1'].id}", headers=bearer(secret)).get_json()
    assert body["symbol"] == docs["S1"].symbol and body["status"] == "superseded"
    assert body["related"] == [docs["S1R"].id]
    assert [f["language"] for f in body["languages"]] == ["en", "ru"]
    for entry in body["versions"]:
        download = client.get(entry["download_url"], headers=bearer(secret))
        assert download.status_code == 200
        assert hashlib.sha256(download.data).hexdigest() == entry["sha256"]
        assert download.headers["ETag"].strip('"') == entry["sha256"]
        assert len(download.data) == entry["size"] and entry["file_name"].endswith(f"-{entry['language']}.pdf")


def test_opening_and_downloading_are_receipts_and_downloads_are_audited(world, client):
    c, docs = world
    secret = token_for(c.b1)
    assert client.get(f"/api/v1/documents/{docs['G1'].id}", headers=bearer(secret)).status_code == 200
    version = docs["L2"].versions[0]
    assert client.get(f"/api/v1/versions/{version.id}/file", headers=bearer(secret)).status_code == 200
    assert set(db.session.scalars(select(Receipt.document_id).where(Receipt.user_id == c.b1.id))) == {
        docs["G1"].id, docs["L2"].id}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document.download"))
    assert entry.actor_id == c.b1.id and entry.object_id == str(docs["L2"].id)
    assert entry.after["sha256"] == version.file_sha256 and entry.after["via"] == "api"
    # A refused download is not audited.
    assert client.get(f"/api/v1/versions/{docs['R1'].versions[0].id}/file", headers=bearer(secret)).status_code == 404
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "document.download")) == 1


def test_acknowledge_once_for_the_delegation(world, client):
    c, docs = world
    first, second = token_for(c.a1, Scope.READ, Scope.ACKNOWLEDGE), token_for(c.a2, Scope.READ, Scope.ACKNOWLEDGE)
    url = f"/api/v1/documents/{docs['L1'].id}/acknowledgement"
    response = client.post(url, headers=bearer(first))
    assert response.status_code == 200 and response.get_json()["new"] is True
    again = client.post(url, headers=bearer(second)).get_json()
    assert again["new"] is False and again["acknowledged_by"] == c.a1.name
    assert db.session.scalar(select(func.count(Acknowledgement.id))) == 1
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "document.acknowledge")) == 1
    assert client.get(f"/api/v1/documents/{docs['L1'].id}", headers=bearer(first)).get_json()["acknowledged_at"]


def test_acknowledging_what_did_not_reach_the_delegation_is_404_and_officers_403(world, client):
    c, docs = world
    url = f"/api/v1/documents/{docs['L1'].id}/acknowledgement"
    assert client.post(url, headers=bearer(token_for(c.g1, Scope.READ, Scope.ACKNOWLEDGE))).status_code == 404
    assert client.post(url, headers=bearer(token_for(c.officer, Scope.READ, Scope.OFFICER))).status_code == 403
    assert db.session.scalar(select(func.count(Acknowledgement.id))) == 0


def test_the_secretariat_reads_any_document_drafts_included(world, client):
    c, docs = world
    secret = token_for(c.officer)
    for document in docs.values():
        assert client.get(f"/api/v1/documents/{document.id}", headers=bearer(secret)).status_code == 200
