"""Test helpers that make documents, language versions with real files in the
temporary store, circulations and named recipients directly through the models
and the FileStore (the document services are written elsewhere)."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.accounts.models.states import Body
from secretariat_app.core.storage import file_store
from secretariat_app.documents.models import (
    Circulation,
    DistributionLevel,
    Document,
    DocumentStatus,
    DocumentType,
    DocumentVersion,
    NamedRecipient,
    Originator,
    StoredFile,
    VersionKind,
)
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def body(code: str = "SOC") -> Body:
    found = db.session.scalar(select(Body).where(Body.code == code))
    if found is None:
        found = Body(code=code, name_en=f"{code} body", name_ru=f"Орган {code}")
        db.session.add(found)
        db.session.commit()
    return found


def meeting(title: str = "SOC meeting", code: str = "SOC", start: datetime = T0) -> Meeting:
    held = Meeting(body_id=body(code).id, title_en=title, title_ru=f"Совещание {title}", starts_at=start,
                   ends_at=start + timedelta(hours=8))
    db.session.add(held)
    db.session.commit()
    return held


def store_file(content: bytes) -> StoredFile:
    """Put `content` in the temporary store and record it."""
    stored = file_store().save(io.BytesIO(content), max_size=10 * 1024 * 1024)
    row = db.session.get(StoredFile, stored.sha256)
    if row is None:
        row = StoredFile(sha256=stored.sha256, size=stored.size, content_type=stored.type.content_type,
                         extension=stored.type.extension)
        db.session.add(row)
        db.session.commit()
    return row


def pdf(text: str) -> bytes:
    return b"%PDF-1.4\n% " + text.encode("utf-8") + b"\n%%EOF\n"


def add_version(document: Document, language: str, content: bytes | None = None,
                is_original: bool = False) -> DocumentVersion:
    stored = store_file(content if content is not None else pdf(f"{document.symbol} {language}"))
    version = DocumentVersion(document_id=document.id, language=language, is_original=is_original,
                              file_sha256=stored.sha256)
    db.session.add(version)
    db.session.commit()
    return version


def make_document(title_en: str = "Report", title_ru: str = "Доклад", *, code: str = "SOC", year: int = 2024,
                  level: DistributionLevel = DistributionLevel.GENERAL,
                  status: DocumentStatus = DocumentStatus.CIRCULATED,
                  doc_type: DocumentType = DocumentType.REPORT, meeting_id: int | None = None,
                  languages: tuple[str, ...] = ("en", "ru"), base: Document | None = None,
                  kind: VersionKind | None = None, number: int | None = None, reason: str = "",
                  circulated_at: datetime | None = T0) -> Document:
    """A document with a fresh serial (or a later version of `base`) and a PDF per language."""
    owner = body(code)
    if base is None:
        serial = (db.session.scalar(select(func.max(Document.serial)).where(
            Document.body_id == owner.id, Document.year == year)) or 0) + 1
        symbol = f"CICA/{code}/{year}/{serial}"
    else:
        serial, year = base.serial, base.year
        symbol = f"{base.symbol}/{kind.value}.{number}"
    document = Document(
        symbol=symbol, body_id=owner.id, year=year, serial=serial, base_id=base.id if base else None,
        version_kind=kind, version_number=number, title_en=title_en, title_ru=title_ru, doc_type=doc_type,
        originator=Originator.SECRETARIAT, meeting_id=meeting_id, level=level, status=status,
        status_reason=reason, circulated_at=None if status == DocumentStatus.DRAFT else circulated_at,
    )
    db.session.add(document)
    db.session.commit()
    for language in languages:
        add_version(document, language)
    return document


def circulate(document: Document, *delegations: Delegation, at: datetime | None = None,
              named: tuple[User, ...] = ()) -> None:
    """Record the circulation rows (one per delegation) and the named recipients."""
    when = at or document.circulated_at or T0
    for delegation in delegations:
        db.session.add(Circulation(document_id=document.id, delegation_id=delegation.id, circulated_at=when))
    for user in named:
        db.session.add(NamedRecipient(document_id=document.id, user_id=user.id, added_at=when))
    db.session.commit()


@dataclass
class Cast:
    """Two member states' delegates (two in the first), an observer's delegate and an officer."""

    alpha: Delegation
    beta: Delegation
    gamma: Delegation  # an observer
    a1: User
    a2: User
    b1: User
    g1: User
    officer: User


def cast() -> Cast:
    from secretariat_app.accounts.models.states import MembershipStatus
    from tests.factories import DelegationFactory, MembershipFactory, delegate, officer

    alpha, beta, gamma = DelegationFactory(), DelegationFactory(), DelegationFactory()
    for delegation, status in ((alpha, MembershipStatus.MEMBER), (beta, MembershipStatus.MEMBER),
                               (gamma, MembershipStatus.OBSERVER)):
        MembershipFactory(state=delegation.state, status=status)
    return Cast(alpha, beta, gamma, delegate(alpha), delegate(alpha), delegate(beta), delegate(gamma), officer())


def shelf_of_three() -> tuple[Cast, dict[str, Document], Meeting]:
    """The inbox's filters' and search's documents, circulated to alpha an hour apart: a budget
    of the June SOC, a 2023 annual report in Russian only, and an SWG note."""
    c = cast()
    june = meeting("June SOC")
    budget = make_document("Draft budget", "Проект бюджета", meeting_id=june.id, circulated_at=T0)
    report = make_document("Annual report", "Годовой доклад", year=2023, languages=("ru",),
                           circulated_at=T0 + timedelta(hours=1))
    note = make_document("Note", "Записка", code="SWG", circulated_at=T0 + timedelta(hours=2))
    for document in (budget, report, note):
        circulate(document, c.alpha)
    return c, {"budget": budget, "report": report, "note": note}, june


def library(c: Cast) -> dict[str, Document]:
    """Documents at each level, circulated to different lists, each an hour
    after the one before:

    G1 GENERAL to alpha, beta, gamma      G2 GENERAL to alpha
    L1 LIMITED to alpha, beta             L2 LIMITED to beta
    R1 RESTRICTED named a1 (the circulation row for alpha does not open it to a2)
    R2 RESTRICTED named g1                D1 a draft (with a stray row for alpha)
    S1 superseded, to everyone; S1R its Rev.1, to alpha only
    W1 withdrawn, LIMITED to alpha
    """
    hour = timedelta(hours=1)
    docs: dict[str, Document] = {}

    def add(key, *to, named=(), **kw):
        at = T0 + hour * len(docs)
        docs[key] = make_document(f"{key} title", f"{key} заголовок", circulated_at=at, **kw)
        circulate(docs[key], *to, at=at, named=named)

    add("G1", c.alpha, c.beta, c.gamma)
    add("G2", c.alpha)
    add("L1", c.alpha, c.beta, level=DistributionLevel.LIMITED)
    add("L2", c.beta, level=DistributionLevel.LIMITED)
    add("R1", c.alpha, named=(c.a1,), level=DistributionLevel.RESTRICTED)
    add("R2", named=(c.g1,), level=DistributionLevel.RESTRICTED)
    add("D1", c.alpha, status=DocumentStatus.DRAFT)
    add("S1", c.alpha, c.beta, c.gamma, status=DocumentStatus.SUPERSEDED, reason="Replaced by the revision")
    add("S1R", c.alpha, base=docs["S1"], kind=VersionKind.REV, number=1)
    add("W1", c.alpha, level=DistributionLevel.LIMITED, status=DocumentStatus.WITHDRAWN,
        reason="Circulated in error")
    return docs


# Who may read what in library(): the answer the inbox and downloads must give.
READS = {
    "a1": {"G1", "G2", "L1", "R1", "S1", "S1R", "W1"},
    "a2": {"G1", "G2", "L1", "S1", "S1R", "W1"},
    "b1": {"G1", "L1", "L2", "S1"},
    "g1": {"G1", "R2", "S1"},
}
