"""Compiling the next revision of a negotiated text and circulating it as any document.

`compile_revision` makes the draft document /Rev.N of the negotiated document (through
the documents' own services), attaches the compilation in English and Russian as its
language versions (DOCX, then PDF: the PDF is the current version a reader opens, the
DOCX stays beside it in the archive), and keeps the compilation's rows for the next
revision's diff. Positions are named, or counted, as the negotiation's setting shows
them to delegates. `circulate_revision` then circulates it through documents' `circulate`
(circulation rows, inbox, notices, acknowledgements). The revision's symbol is taken
when it is compiled: a draft revision left uncirculated is circulated (or deleted) from
its document's page, as any draft.
"""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from secretariat_app.accounts.models.people import User
from secretariat_app.audit import services as audit
from secretariat_app.core.columns import utcnow
from secretariat_app.documents.models import Document, DocumentStatus, VersionKind
from secretariat_app.documents.services import circulation as circulation_service
from secretariat_app.documents.services import documents as document_service
from secretariat_app.documents.services import versions as version_service
from secretariat_app.domain.negotiation import LANGUAGES
from secretariat_app.domain.negotiation_diff import ParagraphDiff, revision_diff
from secretariat_app.domain.violations import N_, Violation
from secretariat_app.extensions import db
from secretariat_app.negotiations.models import NegotiatedText, TextRevision, TextStatus
from secretariat_app.negotiations.services import exports, notices
from secretariat_app.negotiations.services.texts import compiled, compiled_rows, refuse
from secretariat_app.permissions import is_secretariat


def _filename(symbol: str, language: str, extension: str) -> str:
    return f"{re.sub(r'[^A-Za-z0-9.]+', '-', symbol)}-{language}.{extension}"


def compile_revision(actor: User | None, text: NegotiatedText) -> TextRevision:
    """Make the next revision's draft document with the compiled text as its English and Russian
    versions, and keep its compilation. Each step commits (the documents' services do). Refused
    (RuleViolations) outside the Secretariat, once the text is submitted, or while the negotiated
    document is itself a draft (circulate it first)."""
    violations = []
    if not is_secretariat(actor):
        violations.append(Violation("text", N_("The Secretariat compiles the text.")))
    if text.status != TextStatus.NEGOTIATING:
        violations.append(Violation("text", N_("The text has been submitted for adoption: the negotiation is closed.")))
    refuse(violations)
    base = text.document
    revision_document = document_service.create_later_version(
        actor, base, document_service.LaterVersionData(kind=VersionKind.REV))
    made_at = utcnow()
    rows = compiled_rows(text)
    for language in LANGUAGES:
        paragraphs = compiled(text, language)
        header = exports.ExportHeader(revision_document.symbol, revision_document.title(language), made_at)
        names = text.positions_by_name
        for extension, content in (("docx", exports.docx_bytes(header, paragraphs, language, names)),
                                   ("pdf", exports.pdf_bytes(header, paragraphs, language, names))):
            version_service.upload(actor, revision_document, version_service.UploadData(
                language=language, stream=io.BytesIO(content),
                filename=_filename(revision_document.symbol, language, extension)))
    revision = TextRevision(text_id=text.id, number=revision_document.version_number or 0,
                            document_id=revision_document.id, compiled=rows, created_by_id=getattr(actor, "id", None),
                            created_at=made_at)
    db.session.add(revision)
    db.session.flush()
    audit.record(actor, "negotiation.compile", "text_revision", revision.id, None,
                 {"text_id": text.id, "number": revision.number, "symbol": revision_document.symbol})
    db.session.commit()
    return revision


def circulate_revision(actor: User | None, revision: TextRevision,
                       data: circulation_service.CirculationData) -> TextRevision:
    """Circulate the revision's document as any document (it supersedes the earlier ones), and commit;
    the deadline's reminder then reaches the delegations it newly reached."""
    circulation_service.circulate(actor, revision.document, data)
    notices.queue_deadline_reminder(revision.text)
    db.session.commit()
    return revision


def latest_revision(text: NegotiatedText) -> TextRevision | None:
    return text.revisions[-1] if text.revisions else None


def previous_revision(revision: TextRevision) -> TextRevision | None:
    return db.session.scalar(select(TextRevision).where(TextRevision.text_id == revision.text_id,
                                                        TextRevision.number < revision.number)
                             .order_by(TextRevision.number.desc()).limit(1))


def diff(revision: TextRevision, language: str) -> list[ParagraphDiff]:
    """The revision against the one before it (the draft for Rev.1), paragraph by paragraph, word by word."""
    previous = previous_revision(revision)
    before = [tuple(row) for row in previous.compiled.get(language, [])] if previous else []
    after = [tuple(row) for row in revision.compiled.get(language, [])]
    return revision_diff(before, after)


def circulated_documents(text: NegotiatedText) -> list[Document]:
    """The negotiated document and its revisions that have been circulated, newest first."""
    return [r.document for r in reversed(text.revisions) if r.document.status != DocumentStatus.DRAFT]
