"""Reading circulated documents: a document's page (the document, its
related documents), receipts and acknowledgements.

Who may read what is not decided here: permissions/documents.py is the one
module that answers it (in Python for one document, in SQL for a list), from
the table in domain/visibility.py. Downloads, the fast path that reads the
version, checks the right and writes the receipt and the audit entry in one
statement, are in documents/services/download.py."""
from __future__ import annotations

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from secretariat_app.audit import services as audit
from secretariat_app.core.columns import utcnow
from secretariat_app.documents.models import (
    Acknowledgement,
    Document,
    DocumentStatus,
    DocumentVersion,
    Receipt,
    UnreadMark,
)
from secretariat_app.extensions import db
from secretariat_app.permissions import documents as policy
from secretariat_app.permissions import is_secretariat


def load_document(document_id: int) -> Document | None:
    """A document with what its page shows: versions and their files, meeting, body."""
    query = (
        select(Document)
        .where(Document.id == document_id)
        .options(selectinload(Document.versions).selectinload(DocumentVersion.file),
                 selectinload(Document.meeting), selectinload(Document.body))
    )
    return db.session.scalar(query)


def readable_document(user, document_id: int) -> Document | None:
    """The document, if `user` may read it (permissions.documents); None otherwise."""
    return load_document(document_id) if policy.may_read_document(user, document_id) else None


def related_documents(user, document: Document) -> list[Document]:
    """The other documents of the same lineage (the original, its revisions,
    corrigenda and addenda) that `user` may read, in symbol order."""
    root = document.base_id or document.id
    query = (
        select(Document)
        .where(or_(Document.id == root, Document.base_id == root), Document.id != document.id,
               policy.readable(policy.reader_for(user)))
        .order_by(Document.id)
    )
    return list(db.session.scalars(query))


def superseded_by(document: Document, related: list[Document]) -> Document | None:
    """The revision that replaced `document`, among those the reader may read:
    the first revision numbered after it."""
    if document.status != DocumentStatus.SUPERSEDED:
        return None
    mine = (document.version_number or 0) if document.version_kind is not None else 0
    revisions = [d for d in related if d.version_kind is not None and d.version_kind.value == "Rev"
                 and (d.version_number or 0) > mine and d.status != DocumentStatus.DRAFT]
    return min(revisions, key=lambda d: d.version_number or 0) if revisions else None


def latest_versions(versions: list[DocumentVersion]) -> list[DocumentVersion]:
    """The latest upload of each language (versions in upload order), English and
    Russian first, then the others by language code."""
    latest: dict[str, DocumentVersion] = {}
    for version in sorted(versions, key=lambda v: v.id):
        latest[version.language] = version
    order = {"en": 0, "ru": 1}
    return sorted(latest.values(), key=lambda v: (order.get(v.language, 2), v.language))


# Receipts and acknowledgements ---------------------------------------------

def _receipt_insert(dialect: str, user_id: int, document_id: int):
    """The receipt unless there is one: safe against a second request racing this one."""
    table = Receipt.__table__
    return ((postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
            .values(user_id=user_id, document_id=document_id, read_at=utcnow())
            .on_conflict_do_nothing(index_elements=[table.c.user_id, table.c.document_id]))


def _unread_delete(user_id: int, document_id: int):
    table = UnreadMark.__table__
    return delete(table).where(table.c.user_id == user_id, table.c.document_id == document_id)


def receipt_ctes(user_id: int, document_id: int):
    """On PostgreSQL, the receipt and the end of "unread" as CTEs of another
    statement. A receipt is what makes a document read; the trigger on receipt
    removes the document's mark (documents/read_state.py) for a new receipt, and
    the DELETE here also mends the rare mark a horizon moved at the very moment
    of the first reading left behind."""
    return (_receipt_insert("postgresql", user_id, document_id).cte("receipt_added"),
            _unread_delete(user_id, document_id).cte("unread_ended"))


def add_receipt(user_id: int, document_id: int) -> bool:
    """Insert the receipt unless there is one, and make sure the document is not
    left "unread" (see receipt_ctes): one statement on PostgreSQL. Returns whether
    the receipt is new."""
    dialect = db.session.get_bind().dialect.name
    statement = _receipt_insert(dialect, user_id, document_id).returning(Receipt.__table__.c.id)
    if dialect == "postgresql":
        statement = statement.add_cte(_unread_delete(user_id, document_id).cte("unread_ended"))
        return db.session.execute(statement).first() is not None
    added = db.session.execute(statement).first() is not None
    if not added:
        db.session.execute(_unread_delete(user_id, document_id))
    return added


def record_receipt(user, document_id: int) -> bool:
    """Mark the document read for `user` (the first time only). Commits.
    Returns whether this was the first time."""
    if is_secretariat(user):
        return False
    added = add_receipt(user.id, document_id)
    db.session.commit()
    return added


def receipt_of(user_id: int, document_id: int) -> Receipt | None:
    return db.session.scalar(select(Receipt).where(Receipt.user_id == user_id, Receipt.document_id == document_id))


def acknowledgement_of(delegation_id: int | None, document_id: int) -> Acknowledgement | None:
    if delegation_id is None:
        return None
    return db.session.scalar(
        select(Acknowledgement)
        .where(Acknowledgement.document_id == document_id, Acknowledgement.delegation_id == delegation_id)
        .options(selectinload(Acknowledgement.acknowledged_by))
    )


def acknowledge(user, document: Document) -> tuple[Acknowledgement, bool]:
    """Acknowledge receipt on behalf of the user's delegation, once. Returns the
    acknowledgement and whether it is new. Audited; commits."""
    existing = acknowledgement_of(user.delegation_id, document.id)
    if existing is not None:
        return existing, False
    acknowledgement = Acknowledgement(document_id=document.id, delegation_id=user.delegation_id,
                                      acknowledged_by_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(acknowledgement)
    except IntegrityError:  # a colleague acknowledged at the same moment
        existing = acknowledgement_of(user.delegation_id, document.id)
        if existing is None:
            raise
        return existing, False
    audit.record(user, "document.acknowledge", "document", document.id, None, {
        "symbol": document.symbol,
        "delegation_id": user.delegation_id,
        "acknowledged_at": audit.plain(acknowledgement.acknowledged_at),
    })
    add_receipt(user.id, document.id)
    db.session.commit()
    return acknowledgement, True
