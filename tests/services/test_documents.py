"""Documents against the database: symbols from the counter, drafts, later
versions and their lineage, deleting drafts (never anything circulated)."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.documents.models import (
    DistributionLevel,
    Document,
    DocumentStatus,
    DocumentVersion,
    Originator,
    StoredFile,
    SymbolCounter,
    VersionKind,
)
from secretariat_app.documents.services import documents as service
from secretariat_app.documents.services.archive import lineage
from secretariat_app.documents.services.circulation import (
    Audience,
    CirculationData,
    circulate,
)
from secretariat_app.documents.services.documents import (
    LaterVersionData,
    create_document,
    create_later_version,
)
from secretariat_app.documents.services.versions import UploadData, upload
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from tests.documents_setup import (
    PDF,
    counts,
    document_data,
    make_document,
)
from tests.forum_day import SUITE_DAY

pytestmark = pytest.mark.usefixtures("steady_forum_day")


def refused(call, *args, **kwargs) -> list[str]:
    """The fields the refusal names; asserts that nothing was written."""
    before = counts()
    with pytest.raises(RuleViolations) as caught:
        call(*args, **kwargs)
    assert counts() == before
    return [v.field for v in caught.value.violations]


def circulated(world, **overrides) -> Document:
    document = make_document(world, **overrides)
    circulate(world.officer, document, CirculationData(Audience.MEMBERS))
    return document


# Symbols ------------------------------------------------------------------------------------

def test_the_symbol_is_given_from_the_counter_per_body_and_year(world):
    first = make_document(world, with_file=False)
    second = make_document(world, with_file=False)
    other_body = make_document(world, with_file=False, body_id=world.swg.id)
    other_year = make_document(world, with_file=False, year=2023)
    assert [first.symbol, second.symbol] == ["CICA/SOC/2024/1", "CICA/SOC/2024/2"]
    assert (other_body.symbol, other_year.symbol) == ("CICA/SWG/2024/1", "CICA/SOC/2023/1")
    assert (second.body_id, second.year, second.serial, second.status) == (world.soc.id, 2024, 2, DocumentStatus.DRAFT)
    counter = db.session.scalar(select(SymbolCounter).where(SymbolCounter.body_id == world.soc.id,
                                                            SymbolCounter.year == 2024))
    assert counter.last_serial == 2


def test_the_year_defaults_to_this_year_and_the_body_to_the_meetings(world):
    document = create_document(world.officer, document_data(world, year=None, body_id=None,
                                                             meeting_id=world.other_meeting.id))
    assert document.symbol == f"CICA/SWG/{SUITE_DAY.year}/1"
    assert document.meeting_id == world.other_meeting.id


def test_a_serial_is_never_reused_after_a_draft_is_deleted(world):
    make_document(world)
    draft = make_document(world)
    assert draft.symbol == "CICA/SOC/2024/2"
    service.delete_draft(world.officer, draft)
    assert make_document(world, with_file=False).symbol == "CICA/SOC/2024/3"
    assert db.session.scalar(select(Document.id).where(Document.symbol == "CICA/SOC/2024/2")) is None


def test_a_refused_document_takes_no_serial(world):
    assert refused(create_document, world.officer, document_data(world, title_en=" ", title_ru="")) == ["title_en"]
    assert make_document(world, with_file=False).symbol == "CICA/SOC/2024/1"


# What a draft needs ---------------------------------------------------------------------------

def test_one_title_is_enough_in_either_language(world):
    assert create_document(world.officer, document_data(world, title_en="", title_ru="Только по-русски")).title() \
        == "Только по-русски"
    assert create_document(world.officer, document_data(world, title_en="English only", title_ru="")).title("ru") \
        == "English only"


@pytest.mark.parametrize("overrides,fields", [
    ({"title_en": "", "title_ru": "  "}, ["title_en"]),
    ({"title_en": "x" * 401}, ["title_en"]),
    ({"body_id": None}, ["body_id"]),
    ({"body_id": 9999}, ["body_id"]),
    ({"year": 1980}, ["year"]),
    ({"originator": Originator.DELEGATION}, ["originator_delegation_id"]),
    ({"originator": Originator.COORDINATOR, "originator_delegation_id": 9999}, ["originator_delegation_id"]),
    ({"meeting_id": 9999}, ["meeting_id"]),
    ({"doc_type": None, "level": None}, ["doc_type", "level"]),
])
def test_bad_drafts_are_refused_with_the_field(world, overrides, fields):
    assert refused(create_document, world.officer, document_data(world, **overrides)) == fields


def test_the_agenda_item_must_belong_to_the_meeting(world):
    data = document_data(world, meeting_id=world.meeting.id, agenda_item_id=world.other_item.id)
    assert refused(create_document, world.officer, data) == ["agenda_item_id"]
    data = document_data(world, agenda_item_id=world.item.id)
    assert refused(create_document, world.officer, data) == ["meeting_id"]
    document = create_document(world.officer, document_data(world, meeting_id=world.meeting.id,
                                                            agenda_item_id=world.item.id))
    assert (document.meeting_id, document.agenda_item_id) == (world.meeting.id, world.item.id)


def test_a_delegation_originates_with_its_delegation_and_the_secretariat_without(world):
    document = create_document(world.officer, document_data(
        world, originator=Originator.DELEGATION, originator_delegation_id=world.member_a.id))
    assert document.originator_delegation_id == world.member_a.id
    document = create_document(world.officer, document_data(
        world, originator=Originator.SECRETARIAT, originator_delegation_id=world.member_a.id))
    assert document.originator_delegation_id is None


def test_creation_is_audited(world):
    document = make_document(world, with_file=False)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document.create"))
    assert entry.object_id == str(document.id) and entry.after["symbol"] == "CICA/SOC/2024/1"


def test_a_draft_is_edited_but_not_a_circulated_document(world):
    draft = make_document(world)
    service.update_document(world.officer, draft, document_data(world, title_en="Revised title", body_id=world.swg.id))
    assert (draft.title_en, draft.symbol) == ("Revised title", "CICA/SOC/2024/1")  # the symbol stays
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document.update")).after["title_en"] \
        == "Revised title"
    document = circulated(world)
    assert refused(service.update_document, world.officer, document, document_data(world)) == ["status"]


# Later versions ---------------------------------------------------------------------------------

def test_later_versions_take_the_base_symbol_and_the_next_number(world):
    base = circulated(world, level=DistributionLevel.LIMITED)
    rev1 = create_later_version(world.officer, base, LaterVersionData(VersionKind.REV))
    corr1 = create_later_version(world.officer, base, LaterVersionData(VersionKind.CORR, title_en="Corrigendum"))
    rev2 = create_later_version(world.officer, rev1, LaterVersionData(VersionKind.REV))  # of rev1: of its base
    assert [rev1.symbol, corr1.symbol, rev2.symbol] == [
        "CICA/SOC/2024/1/Rev.1", "CICA/SOC/2024/1/Corr.1", "CICA/SOC/2024/1/Rev.2"]
    assert {d.base_id for d in (rev1, corr1, rev2)} == {base.id}
    assert (rev1.body_id, rev1.year, rev1.serial, rev1.level, rev1.status) == (
        base.body_id, base.year, base.serial, DistributionLevel.LIMITED, DocumentStatus.DRAFT)
    assert (rev1.title_en, corr1.title_en, corr1.title_ru) == (base.title_en, "Corrigendum", base.title_ru)


def test_a_second_rev1_is_refused(world):
    base = circulated(world)
    create_later_version(world.officer, base, LaterVersionData(VersionKind.REV))
    assert refused(create_later_version, world.officer, base, LaterVersionData(VersionKind.REV, number=1)) == ["number"]
    assert refused(create_later_version, world.officer, base, LaterVersionData(VersionKind.REV, number=5)) == ["number"]
    assert create_later_version(world.officer, base, LaterVersionData(VersionKind.CORR, number=1)).symbol.endswith(
        "/Corr.1")


def test_a_second_rev1_made_at_the_same_moment_is_refused_by_the_database(world, monkeypatch):
    base = circulated(world)
    create_later_version(world.officer, base, LaterVersionData(VersionKind.REV))
    monkeypatch.setattr(service, "next_number", lambda base, kind: 1)  # as if the other one was not committed yet
    with pytest.raises(RuleViolations) as caught:
        create_later_version(world.officer, base, LaterVersionData(VersionKind.REV))
    assert "CICA/SOC/2024/1/Rev.1 exists already" in caught.value.violations[0].render()
    assert db.session.scalar(select(Document.id).where(Document.symbol.like("%Rev.2"))) is None


def test_a_draft_gets_no_later_version(world):
    draft = make_document(world)
    assert refused(create_later_version, world.officer, draft, LaterVersionData(VersionKind.REV)) == ["kind"]


def test_the_lineage_is_visible_both_ways(world):
    base = circulated(world)
    add1 = create_later_version(world.officer, base, LaterVersionData(VersionKind.ADD))
    rev1 = create_later_version(world.officer, base, LaterVersionData(VersionKind.REV))
    assert lineage(base) == (None, [rev1, add1])
    assert lineage(add1) == (base, [rev1, add1])


# Deleting ----------------------------------------------------------------------------------------

def test_a_draft_is_deleted_with_its_versions_but_the_stored_file_stays(world):
    draft = make_document(world)
    sha = draft.versions[0].file_sha256
    service.delete_draft(world.officer, draft)
    assert db.session.scalar(select(DocumentVersion.id).where(DocumentVersion.file_sha256 == sha)) is None
    assert db.session.get(StoredFile, sha) is not None  # for the sweeper
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document.delete"))
    assert entry.before["symbol"] == "CICA/SOC/2024/1" and entry.after is None
    assert entry.before["language_versions"] == [{"language": "en", "sha256": sha}]


@pytest.mark.parametrize("status", ["circulated", "superseded", "withdrawn"])
def test_nothing_circulated_is_ever_deleted(world, status):
    document = circulated(world)
    document.status = DocumentStatus(status)
    db.session.commit()
    before = counts()
    with pytest.raises(service.NeverDeleted):
        service.delete_draft(world.officer, document)
    assert counts() == before


def test_uploading_a_version_to_a_later_version_keeps_the_base_files(world):
    base = circulated(world)
    rev1 = create_later_version(world.officer, base, LaterVersionData(VersionKind.REV))
    upload(world.officer, rev1, UploadData("ru", io.BytesIO(PDF + b"rev")))
    assert [v.language for v in base.versions] == ["en"] and [v.language for v in rev1.versions] == ["ru"]


def test_the_counter_row_is_locked_while_a_serial_is_taken(world, app):
    """A second creation waits for the first one's transaction, then takes the next
    serial: a row lock on PostgreSQL, SQLite's single writer (with its busy timeout)."""
    import threading

    from sqlalchemy import update

    make_document(world, with_file=False)
    data, symbols = document_data(world), []

    def create_elsewhere():
        with app.app_context():
            symbols.append(create_document(None, data).symbol)

    with db.engine.connect() as connection:
        transaction = connection.begin()
        # Another creation takes the serial and so holds the lock.
        connection.execute(update(SymbolCounter).values(last_serial=SymbolCounter.last_serial + 1))
        thread = threading.Thread(target=create_elsewhere)
        thread.start()
        thread.join(1.0)
        assert thread.is_alive() and symbols == []  # waiting for the lock
        transaction.commit()
    thread.join(10)
    assert symbols == ["CICA/SOC/2024/3"]
