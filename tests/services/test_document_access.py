"""The document read rule has one definition (domain.visibility's table) and
two forms derived from it (permissions.documents): Python for one document,
SQL for a list. On a real database, every door answers what the rule's Python
form answers, for every kind of reader × level × status × circulation to the
reader's delegation × naming of the reader."""
from __future__ import annotations

from itertools import product

import pytest
from sqlalchemy import select

from secretariat_app.accounts.models.people import Role
from secretariat_app.accounts.models.states import MembershipStatus
from secretariat_app.documents.models import (
    Circulation,
    DistributionLevel,
    Document,
    DocumentStatus,
    DocumentType,
    DocumentVersion,
    NamedRecipient,
    Originator,
)
from secretariat_app.documents.services import archive, download, reading
from secretariat_app.documents.services.inbox import inbox_page
from secretariat_app.domain import visibility
from secretariat_app.domain.visibility import DocumentFacts
from secretariat_app.extensions import db
from secretariat_app.permissions import documents as document_access
from tests.documents_helpers import T0, body, pdf, store_file
from tests.factories import DelegationFactory, MembershipFactory, UserFactory, delegate, officer

LEVELS = list(DistributionLevel)
STATUSES = list(DocumentStatus)
# Kinds of reader: the Secretariat; delegates of a member's and of an observer's
# delegation; a coordinator; an account of no delegation (an officer-to-be, say).
READERS = ("officer", "member", "observer", "coordinator", "outsider")


@pytest.fixture
def world(app_ctx):
    """For each reader, one document per level × status × (circulated to the
    reader's delegation or not) × (the reader named or not); every document is
    also circulated to a bystander delegation and names a bystander, so that
    other people's rows open nothing. Returns the readers, the documents with
    their facts, and each document's version."""
    alpha, gamma, bystanders = DelegationFactory(), DelegationFactory(), DelegationFactory()
    for delegation, status in ((alpha, MembershipStatus.MEMBER), (gamma, MembershipStatus.OBSERVER),
                               (bystanders, MembershipStatus.MEMBER)):
        MembershipFactory(state=delegation.state, status=status)
    readers = {
        "officer": officer(),
        "member": delegate(alpha),
        "observer": delegate(gamma),
        "coordinator": UserFactory(roles=[Role.COORDINATOR], delegation=alpha),
        "outsider": UserFactory(roles=[Role.DELEGATE]),
    }
    bystander = delegate(bystanders)
    owner, stored = body("SOC"), store_file(pdf("every document"))
    documents: dict[int, DocumentFacts] = {}
    combinations = list(product(READERS, LEVELS, STATUSES, (False, True), (False, True)))
    rows = []
    for serial, (_who, level, status, _circulated, _named) in enumerate(combinations, start=1):
        rows.append(Document(
            symbol=f"CICA/SOC/2024/{serial}", body_id=owner.id, year=2024, serial=serial,
            title_en=f"Document {serial}", title_ru=f"Документ {serial}", doc_type=DocumentType.REPORT,
            originator=Originator.SECRETARIAT, level=level, status=status,
            circulated_at=None if status == DocumentStatus.DRAFT else T0))
    db.session.add_all(rows)
    db.session.flush()
    for document, (who, level, status, circulated, named) in zip(rows, combinations, strict=True):
        reader = readers[who]
        to = {bystanders.id} | ({reader.delegation_id} if circulated and reader.delegation_id else set())
        names = {bystander.id} | ({reader.id} if named else set())
        db.session.add_all(Circulation(document_id=document.id, delegation_id=d, circulated_at=T0) for d in to)
        db.session.add_all(NamedRecipient(document_id=document.id, user_id=u, added_at=T0) for u in names)
        db.session.add(DocumentVersion(document_id=document.id, language="en", file_sha256=stored.sha256))
        documents[document.id] = DocumentFacts(status.value, level.value, frozenset(to), frozenset(names))
    db.session.commit()
    versions = {document_id: version_id for document_id, version_id
                in db.session.execute(select(DocumentVersion.document_id, DocumentVersion.id))}
    return readers, documents, versions


def python_answer(user, documents: dict[int, DocumentFacts]) -> set[int]:
    """What the rule's Python form says, from the rows as they are in the database."""
    reader = document_access.reader_for(user)
    return {document_id for document_id, facts in documents.items() if document_access.may_read(reader, facts)}


@pytest.mark.parametrize("who", READERS)
def test_every_door_answers_what_the_rule_answers(world, who):
    readers, documents, versions = world
    user = readers[who]
    reader = document_access.reader_for(user)
    expected = python_answer(user, documents)

    listed = set(db.session.scalars(select(Document.id).where(document_access.readable(reader))))
    assert listed == expected, "permissions.documents.readable (SQL)"
    assert {d for d in documents if document_access.may_read_document(user, d)} == expected, "may_read_document"
    assert {d for d in documents if reading.readable_document(user, d) is not None} == expected, "document page"
    assert {d for d, v in versions.items() if download.download_for(user, v) is not None} == expected, "download_for"
    assert {d for d, v in versions.items() if download.find_download(user, v) is not None} == expected, \
        "find_download (the download's read)"
    opened = set()
    for document_id, version_id in versions.items():
        if download.open_download(user, version_id) is not None:
            opened.add(document_id)
        db.session.rollback()
    assert opened == expected, "open_download (the download's read and its writes)"
    archived = set(db.session.scalars(archive.archive_query(archive.ArchiveFilter(), reader)).unique())
    assert {d.id for d in archived} == expected, "the archive"
    if not reader.is_secretariat:
        assert {row.document_id for row in inbox_page(user, per_page=len(documents)).rows} == expected, "inbox"


def test_the_combinations_are_all_there_and_both_answers_occur(world):
    """Every kind × level × status × circulation × naming is in the world (a
    reader of no delegation has no circulation to it), and the rule grants some
    and refuses others: the test above is not vacuous."""
    readers, documents, _ = world
    answers: dict[tuple, bool] = {}
    possible = set()
    for user in readers.values():
        reader = document_access.reader_for(user)
        circulations = (False, True) if user.delegation_id else (False,)
        possible |= set(product((reader.kind,), visibility.LEVELS, visibility.STATUSES, circulations, (False, True)))
        for facts in documents.values():
            circulated = user.delegation_id in facts.circulated_to
            key = (reader.kind, facts.level, facts.status, circulated, user.id in facts.named)
            answers[key] = document_access.may_read(reader, facts)
    assert set(answers) == possible
    assert {key[0] for key in possible} == {visibility.SECRETARIAT, visibility.RECIPIENT}
    assert all(answers[key] for key in answers if key[0] == visibility.SECRETARIAT)
    recipient = {key: allowed for key, allowed in answers.items() if key[0] == visibility.RECIPIENT}
    assert any(recipient.values()) and not all(recipient.values())


def test_an_observer_reads_no_limited_document_it_was_not_sent_and_is_never_sent_one(world):
    """The question "where is the rule that an observer may not read a LIMITED
    document?" has one answer: permissions.documents (from domain.visibility)."""
    readers, documents, _ = world
    observer = readers["observer"]
    limited_not_sent = {d for d, facts in documents.items()
                        if facts.level == visibility.LIMITED and observer.delegation_id not in facts.circulated_to}
    assert limited_not_sent
    assert not any(document_access.may_read_document(observer, d) for d in limited_not_sent)
    assert not document_access.may_receive(DistributionLevel.LIMITED, delegation_is_member=False, named=False)
    assert document_access.may_receive(DistributionLevel.GENERAL, delegation_is_member=False, named=False)


def test_the_rules_sql_writes_its_constants_and_walks_the_table(app_ctx):
    """The SQL form is built from the table: the statuses and levels as written
    constants, one EXISTS per way a document reaches a recipient."""
    recipient = document_access.Reader(user_id=7, delegation_id=3, is_secretariat=False)
    sql = str(document_access.readable(recipient).compile(compile_kwargs={"literal_binds": True}))
    assert "document.status != 'draft'" in sql
    assert "document.level != 'restricted'" in sql and "document.level = 'restricted'" in sql
    assert "circulation.delegation_id = 3" in sql and "named_recipient.user_id = 7" in sql
    nobody = document_access.Reader(user_id=7, delegation_id=None, is_secretariat=False)
    assert "circulation" not in str(document_access.readable(nobody).compile())
    officer_sql = document_access.Reader(user_id=1, delegation_id=None, is_secretariat=True)
    assert str(document_access.readable(officer_sql).compile()) in {"true", "1 = 1"}


def test_the_downloads_row_names_are_its_columns(app_ctx):
    reader = document_access.Reader(user_id=7, delegation_id=3, is_secretariat=False)
    download._check_columns(download._version_query(reader))
