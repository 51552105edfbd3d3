"""Shared setup of the clearing-house tests (no tests here): a small world of
two member delegations, an observer, a former member, their people, two
bodies and a meeting with an agenda, and tiny real files of each kind.

The `world` fixture is registered for every test by tests/conftest.py
(pytest_plugins); import the helpers by name from here."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.accounts.models.states import Body, MembershipStatus
from secretariat_app.audit.models import AuditEntry
from secretariat_app.documents.models import (
    Acknowledgement,
    Circulation,
    DistributionLevel,
    Document,
    DocumentType,
    DocumentVersion,
    NamedRecipient,
    Originator,
    StoredFile,
    SymbolCounter,
)
from secretariat_app.documents.services.documents import DocumentData, create_document
from secretariat_app.documents.services.versions import UploadData, upload
from secretariat_app.extensions import db
from secretariat_app.meetings.models import AgendaItem, Invitation, Meeting
from secretariat_app.notices.models import Notification
from tests.factories import (
    DelegationFactory,
    MembershipFactory,
    StateFactory,
    delegate,
    officer,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16 + b"\xff\xd9"
RTF = b"{\\rtf1\\ansi Hello}"
TEXT = "Пояснительная записка · note\n".encode()
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64
MZ = b"MZ\x90\x00\x03" + b"\x00" * 64


def ooxml(folder: str) -> bytes:
    """A minimal DOCX (word/), XLSX (xl/) or PPTX (ppt/) package."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(f"{folder}document.xml", "<document/>")
    return buffer.getvalue()


def odf(mimetype: str) -> bytes:
    """A minimal ODF package: the mimetype member first, stored uncompressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


DOCX, XLSX, PPTX = ooxml("word/"), ooxml("xl/"), ooxml("ppt/")
ODT = odf("application/vnd.oasis.opendocument.text")
ODS = odf("application/vnd.oasis.opendocument.spreadsheet")


@dataclass
class World:
    soc: Body
    swg: Body
    member_a: Delegation
    member_b: Delegation
    observer: Delegation
    former: Delegation  # a member until 2010
    officer: User
    a1: User
    a2: User
    a_inactive: User
    b1: User
    obs1: User
    meeting: Meeting  # SOC; invites A and the observer
    item: AgendaItem
    other_meeting: Meeting
    other_item: AgendaItem


def _delegation(name: str, status: MembershipStatus, valid_to: date | None = None) -> Delegation:
    state = StateFactory(name_en=name, name_ru=name + " (ru)")
    MembershipFactory(state=state, status=status, valid_from=date(1999, 9, 14), valid_to=valid_to)
    return DelegationFactory(state=state)


def _meeting(body: Body, title: str, start: datetime, invited: list[Delegation]) -> tuple[Meeting, AgendaItem]:
    meeting = Meeting(body_id=body.id, title_en=title, title_ru=title + " (ru)", starts_at=start,
                      ends_at=start.replace(hour=18), timezone="Asia/Almaty", sequence=0)
    db.session.add(meeting)
    db.session.flush()
    item = AgendaItem(meeting_id=meeting.id, position=1, title_en=f"{title}: item", title_ru=f"{title}: пункт")
    db.session.add(item)
    db.session.add_all(Invitation(meeting_id=meeting.id, delegation_id=d.id) for d in invited)
    db.session.commit()
    return meeting, item


@pytest.fixture
def world(app_ctx) -> World:
    soc = Body(code="SOC", name_en="Senior Officials Committee", name_ru="Комитет старших должностных лиц")
    swg = Body(code="SWG", name_en="Special Working Group", name_ru="Специальная рабочая группа")
    db.session.add_all([soc, swg])
    db.session.commit()
    member_a = _delegation("Aland", MembershipStatus.MEMBER)
    member_b = _delegation("Borduria", MembershipStatus.MEMBER)
    observer = _delegation("Carpania", MembershipStatus.OBSERVER)
    former = _delegation("Dystopia", MembershipStatus.MEMBER, valid_to=date(2010, 1, 1))
    meeting, item = _meeting(soc, "SOC 2027", datetime(2027, 6, 1, 4, tzinfo=UTC), [member_a, observer])
    other, other_item = _meeting(swg, "SWG 2027", datetime(2027, 3, 1, 4, tzinfo=UTC), [member_b])
    return World(
        soc=soc, swg=swg, member_a=member_a, member_b=member_b, observer=observer, former=former,
        officer=officer(), a1=delegate(member_a), a2=delegate(member_a), a_inactive=delegate(member_a, active=False),
        b1=delegate(member_b), obs1=delegate(observer), meeting=meeting, item=item, other_meeting=other,
        other_item=other_item,
    )


def document_data(world: World, **overrides) -> DocumentData:
    values = dict(doc_type=DocumentType.REPORT, originator=Originator.SECRETARIAT, level=DistributionLevel.GENERAL,
                  title_en="Report of the Secretariat", title_ru="Доклад Секретариата", body_id=world.soc.id,
                  year=2024)
    values.update(overrides)
    return DocumentData(**values)


def make_document(world: World, with_file: bool = True, **overrides) -> Document:
    document = create_document(world.officer, document_data(world, **overrides))
    if with_file:
        upload(world.officer, document, UploadData("en", io.BytesIO(PDF + str(document.id).encode())))
    return document


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


TABLES = (Document, DocumentVersion, StoredFile, SymbolCounter, Circulation, NamedRecipient, Notification,
          Acknowledgement, AuditEntry)


def counts() -> dict[str, int]:
    """Rows in every table the clearing house writes: the same before and after a refusal."""
    db.session.rollback()
    return {model.__name__: count(model) for model in TABLES}
