"""Reading documents: the access check built on domain.visibility, receipts,
acknowledgements and the audit of downloads."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.documents.models import (
    Acknowledgement,
    Document,
    DocumentVersion,
    Receipt,
)
from secretariat_app.documents.services import download, reading
from secretariat_app.extensions import db
from secretariat_app.permissions import documents as document_access
from tests.documents_helpers import READS, add_version, cast, library


@pytest.fixture
def world(app_ctx):
    c = cast()
    return c, library(c)


def receipts(user=None) -> int:
    query = select(func.count(Receipt.id))
    if user is not None:
        query = query.where(Receipt.user_id == user.id)
    return db.session.scalar(query)


def audit_entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


@pytest.mark.parametrize("who", ["a1", "a2", "b1", "g1"])
def test_delegates_read_what_was_circulated_to_them(world, who):
    c, docs = world
    user = getattr(c, who)
    assert {k for k, d in docs.items() if document_access.may_read_document(user, d.id)} == READS[who]
    versions = db.session.scalars(select(DocumentVersion)).all()
    allowed = {v.id for v in versions if download.download_for(user, v.id) is not None}
    assert allowed == {v.id for v in versions if v.document_id in {docs[k].id for k in READS[who]}}


def test_the_secretariat_reads_everything_drafts_included(world):
    c, docs = world
    assert all(document_access.may_read_document(c.officer, d.id) for d in docs.values())
    assert download.download_for(c.officer, docs["D1"].versions[0].id) is not None


def test_unknown_ids_are_unreadable(world):
    c, _ = world
    assert not document_access.may_read_document(c.officer, 999_999)
    assert reading.readable_document(c.a1, 999_999) is None
    assert download.download_for(c.officer, 999_999) is None


def test_download_names_follow_the_symbol_and_language(world):
    c, docs = world
    g1 = download.download_for(c.a1, docs["G1"].versions[1].id)
    assert (g1.file_name, g1.content_type) == ("CICA-SOC-2024-1-ru.pdf", "application/pdf")
    revision = download.download_for(c.a1, docs["S1R"].versions[0].id)
    assert revision.file_name == f"{docs['S1R'].symbol.replace('/', '-')}-en.pdf"
    assert revision.file_name.endswith("/Rev.1-en.pdf".replace("/", "-"))


def test_a_receipt_is_recorded_once_and_not_for_the_secretariat(world):
    c, docs = world
    assert reading.record_receipt(c.a1, docs["G1"].id) is True
    first = reading.receipt_of(c.a1.id, docs["G1"].id).read_at
    assert reading.record_receipt(c.a1, docs["G1"].id) is False
    assert receipts(c.a1) == 1 and reading.receipt_of(c.a1.id, docs["G1"].id).read_at == first
    assert reading.record_receipt(c.officer, docs["G1"].id) is False
    assert receipts(c.officer) == 0


def test_every_download_is_audited_and_the_first_is_a_receipt(world):
    c, docs = world
    version = docs["L1"].versions[0]
    for _ in range(2):
        download.record_download(c.b1, download.download_for(c.b1, version.id))
    download.record_download(c.officer, download.download_for(c.officer, version.id))
    entries = audit_entries("document.download")
    assert [(e.actor_id, e.object_type, e.object_id) for e in entries] == [
        (c.b1.id, "document", str(docs["L1"].id))] * 2 + [(c.officer.id, "document", str(docs["L1"].id))]
    assert entries[0].after == {"version_id": version.id, "symbol": docs["L1"].symbol, "language": "en",
                                "sha256": version.file_sha256}
    assert all(e.at is not None for e in entries)
    assert receipts(c.b1) == 1 and receipts(c.officer) == 0


def test_acknowledgement_once_per_delegation_and_audited(world):
    c, docs = world
    first, new = reading.acknowledge(c.a1, docs["L1"])
    assert new and first.delegation_id == c.alpha.id and first.acknowledged_by_id == c.a1.id
    again, new = reading.acknowledge(c.a2, docs["L1"])  # a colleague, for the same delegation
    assert not new and again.id == first.id
    other, new = reading.acknowledge(c.b1, docs["L1"])
    assert new and other.delegation_id == c.beta.id
    assert db.session.scalar(select(func.count(Acknowledgement.id))) == 2
    entries = audit_entries("document.acknowledge")
    assert [(e.actor_id, e.object_id) for e in entries] == [(c.a1.id, str(docs["L1"].id)),
                                                             (c.b1.id, str(docs["L1"].id))]
    assert reading.receipt_of(c.a1.id, docs["L1"].id) is not None


def test_what_supersedes_is_shown_only_if_circulated_to_the_reader(world):
    c, docs = world
    s1 = reading.load_document(docs["S1"].id)
    related = reading.related_documents(c.a1, s1)
    assert [d.symbol for d in related] == [docs["S1R"].symbol]
    assert reading.superseded_by(s1, related).id == docs["S1R"].id
    assert reading.related_documents(c.b1, s1) == []
    assert reading.superseded_by(s1, []) is None
    revision = reading.load_document(docs["S1R"].id)
    assert [d.symbol for d in reading.related_documents(c.b1, revision)] == [docs["S1"].symbol]


def test_latest_version_of_each_language_english_and_russian_first(world):
    c, docs = world
    g1 = docs["G1"]
    add_version(g1, "zh", is_original=True)
    newer = add_version(g1, "ru", content=b"%PDF-1.4 newer Russian")
    db.session.expire(g1)
    latest = reading.latest_versions(db.session.get(Document, g1.id).versions)
    assert [(v.language, v.id) for v in latest] == [("en", g1.versions[0].id), ("ru", newer.id),
                                                     ("zh", latest[2].id)]
