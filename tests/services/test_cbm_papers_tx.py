"""Opening a paper is one transaction: its document (symbol, serial, audit
entry) and the paper are committed together, or neither is."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.cbm.models import CbmPaper
from secretariat_app.cbm.services import papers as service
from secretariat_app.documents.models import (
    DistributionLevel,
    Document,
    DocumentType,
    Originator,
    SymbolCounter,
)
from secretariat_app.documents.services import documents
from secretariat_app.extensions import db
from tests.cbm_builders import Pipeline
from tests.documents_helpers import body
from tests.services.test_cbm_papers import CONCEPT, PLAN


class Broken(RuntimeError):
    pass


def written() -> dict[str, int]:
    return {
        "papers": db.session.scalar(select(func.count()).select_from(CbmPaper)),
        "documents": db.session.scalar(select(func.count()).select_from(Document)),
        "serial": db.session.scalar(select(func.coalesce(func.max(SymbolCounter.last_serial), 0))),
        "audit": db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action.in_(("document.create", "cbm_paper.create")))),
    }


def fail(*args, **kwargs):
    raise Broken("the paper's audit entry could not be written")


def test_a_failure_after_the_document_leaves_neither_document_nor_paper(pipeline: Pipeline, monkeypatch):
    monkeypatch.setattr(service, "_record", fail)  # called after create_document, before the commit
    with pytest.raises(Broken):
        service.create_paper(pipeline.coordinator, pipeline.area, PLAN)
    db.session.expire_all()
    assert written() == {"papers": 0, "documents": 0, "serial": 0, "audit": 0}


def test_after_a_failure_the_next_paper_takes_the_first_serial(pipeline: Pipeline, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(service, "_record", fail)
        with pytest.raises(Broken):
            service.create_paper(pipeline.coordinator, pipeline.area, CONCEPT)
    paper = service.create_paper(pipeline.coordinator, pipeline.area, CONCEPT)
    db.session.expire_all()
    assert paper.document.serial == 1
    assert written() == {"papers": 1, "documents": 1, "serial": 1, "audit": 2}


def _data() -> documents.DocumentData:
    return documents.DocumentData(doc_type=DocumentType.REPORT, originator=Originator.SECRETARIAT,
                                  level=DistributionLevel.GENERAL, title_en="Report", body_id=body("SOC").id)


def test_create_document_commits_by_default(app_ctx):
    document_id = documents.create_document(None, _data()).id
    db.session.rollback()
    assert db.session.get(Document, document_id) is not None


def test_create_document_without_commit_leaves_the_transaction_to_the_caller(app_ctx):
    soc = body("SOC")
    document = documents.create_document(None, _data(), commit=False)
    assert document.id is not None and document.symbol.endswith("/1")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0
    assert db.session.scalar(select(SymbolCounter.last_serial).where(SymbolCounter.body_id == soc.id)) is None
