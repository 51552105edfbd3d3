"""The document's year and meeting, whether it has a version in another
language, and its level and status, on circulation and named_recipient
(documents/list_filters.py): the copies say what the document says, whoever
wrote the rows and whatever changed since, and the inbox's year and meeting
filters find through them exactly the documents the plain rule finds, and its
walks (which test the reading rule on the copies of the level and status) list
exactly what the rule lets the reader read. On SQLite
and PostgreSQL, on the schema built from the models (the test app) and on the
one built by the Alembic revisions (whose upgrade fills the copies of the rows
that exist)."""
from __future__ import annotations

from datetime import timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, exists, select, text, update

from secretariat_app.documents.models import (
    Circulation,
    DistributionLevel,
    Document,
    DocumentStatus,
    DocumentVersion,
    NamedRecipient,
)
from secretariat_app.documents.services.inbox import InboxFilters, inbox_page
from secretariat_app.documents.services.other_languages import MAIN_LANGUAGES
from secretariat_app.extensions import db
from tests.documents_helpers import T0, add_version, cast, circulate, make_document, meeting

REVISION = "b7e2c4a9d1f3"


Copy = tuple[int | None, int | None, bool, str | None, str | None]
COPIES = "year, meeting_id, other_language, document_level, document_status"


def copies(columns: str = COPIES) -> dict[tuple[str, int], Copy]:
    """(list, row id) -> (year, meeting, another language, level, status) of each list row
    (`columns`: those a revision has)."""
    def read(table: str) -> dict[int, Copy]:
        return {id_: (year, meeting_id, bool(other), *rest) for id_, year, meeting_id, other, *rest in
                db.session.execute(text(f"SELECT id, {columns} FROM {table}"))}
    return {**{("circulation", id_): copy for id_, copy in read("circulation").items()},
            **{("named", id_): copy for id_, copy in read("named_recipient").items()}}


def truth() -> dict[tuple[str, int], Copy]:
    """The same, read from the documents and their versions."""
    other = exists().where(DocumentVersion.document_id == Document.id,
                           DocumentVersion.language.not_in(MAIN_LANGUAGES))
    rows = {}
    for name, listed in (("circulation", Circulation), ("named", NamedRecipient)):
        for id_, year, meeting_id, has, level, status in db.session.execute(
                select(listed.id, Document.year, Document.meeting_id, other, Document.level, Document.status)
                .join(Document, Document.id == listed.document_id)):
            rows[(name, id_)] = (year, meeting_id, has, level.value, status.value)
    return rows


def _with_other() -> set[int]:
    return set(db.session.scalars(select(DocumentVersion.document_id).where(
        DocumentVersion.language.not_in(MAIN_LANGUAGES))))


def listed(user, **filters) -> list[int]:
    page = inbox_page(user, InboxFilters(**filters))
    return sorted(row.document_id for row in page.rows)


def exercise_and_check() -> None:
    before = len(copies())
    c = cast()
    june, july = meeting("June"), meeting("July")
    documents = [make_document(f"Doc {n}", year=2020 + n % 3, meeting_id=(june.id, july.id, None)[n % 3],
                               languages=("en", "ru", "zh") if n % 4 == 1 else ("en", "ru"),
                               circulated_at=T0 + timedelta(hours=n)) for n in range(9)]
    for document in documents:
        circulate(document, c.alpha, named=(c.a1,))  # ORM rows without the copies: the database writes them
    assert copies() == truth() and len(copies()) - before == 18
    assert {copy[0] for copy in copies().values()} >= {2020, 2021, 2022}
    assert {copy[2] for copy in copies().values()} == {True, False}
    assert listed(c.a1, language="other") == sorted(d.id for d in documents if d.id in _with_other())
    # A version in another language added, moved to English, removed: the lists follow.
    version = add_version(documents[0], "tr")
    assert copies() == truth() and documents[0].id in listed(c.a1, language="other")
    db.session.execute(update(DocumentVersion).where(DocumentVersion.id == version.id).values(language="en"))
    db.session.commit()
    assert copies() == truth() and documents[0].id not in listed(c.a1, language="other")
    db.session.execute(delete(DocumentVersion).where(DocumentVersion.document_id == documents[1].id,
                                                     DocumentVersion.language == "zh"))
    db.session.commit()
    assert copies() == truth() and documents[1].id not in listed(c.a1, language="other")

    # The inbox's filters through the copies: the documents the plain rule finds.
    for filters, expected in (({"year": 2021}, [d.id for d in documents if d.year == 2021]),
                              ({"meeting_id": june.id}, [d.id for d in documents if d.meeting_id == june.id]),
                              ({"meeting_id": july.id, "year": 2021},
                               [d.id for d in documents if d.meeting_id == july.id and d.year == 2021])):
        assert listed(c.a1, **filters) == sorted(expected), filters
        assert expected

    # A document's meeting or year changed (by hand: the app edits drafts only): its rows follow.
    moved = documents[0]
    db.session.execute(update(Document).where(Document.id == moved.id).values(meeting_id=july.id, year=2030))
    db.session.commit()
    assert copies() == truth()
    assert moved.id in listed(c.a1, year=2030) and moved.id in listed(c.a1, meeting_id=july.id)
    assert moved.id not in listed(c.a1, meeting_id=june.id)
    # A document derestricted, withdrawn, superseded, or made a draft or RESTRICTED again by
    # hand: its rows follow, and the inbox's walks (testing the rule on the copies) list
    # it to the delegation exactly when the rule lets the delegation read it.
    shown = documents[3]
    for level, status, to_delegation in ((DistributionLevel.LIMITED, DocumentStatus.CIRCULATED, True),
                                         (DistributionLevel.RESTRICTED, DocumentStatus.CIRCULATED, False),
                                         (DistributionLevel.GENERAL, DocumentStatus.WITHDRAWN, True),
                                         (DistributionLevel.GENERAL, DocumentStatus.SUPERSEDED, True),
                                         (DistributionLevel.GENERAL, DocumentStatus.DRAFT, False),
                                         (DistributionLevel.GENERAL, DocumentStatus.CIRCULATED, True)):
        db.session.execute(update(Document).where(Document.id == shown.id).values(level=level, status=status))
        db.session.commit()
        assert copies() == truth(), (level, status)
        assert (shown.id in listed(c.a2)) is to_delegation, (level, status)  # a2: of alpha, not named
        # a1 is named on it too: RESTRICTED reaches a1 by name, the others through the delegation
        assert (shown.id in listed(c.a1)) is (status != DocumentStatus.DRAFT), (level, status)
    # A row moved to another document takes that document's values.
    row = db.session.scalars(select(Circulation).where(Circulation.document_id == documents[1].id)).one()
    draft = make_document("Draft", year=2019, meeting_id=june.id, status=DocumentStatus.DRAFT, circulated_at=None)
    row.document_id = draft.id
    db.session.commit()
    assert copies() == truth()
    # Rows written in SQL with other values, as a careless script might: the document's win.
    db.session.execute(text("INSERT INTO circulation (document_id, delegation_id, circulated_at, year, meeting_id) "
                            "VALUES (:d, :g, :t, 1999, NULL)"), {"d": documents[2].id, "g": c.beta.id, "t": T0})
    db.session.commit()
    assert copies() == truth()


def test_the_lists_carry_their_documents_year_and_meeting(app_ctx):
    exercise_and_check()


def test_the_migration_fills_the_copies_and_its_triggers_work(migrated_app):
    exercise_and_check()
    expected = truth()
    db.session.commit()
    downgrade(revision=f"{REVISION}-1")  # the columns go
    db.session.remove()
    columns = set(db.session.execute(text("SELECT * FROM circulation LIMIT 0")).keys())
    assert "year" not in columns and "meeting_id" not in columns and "other_language" not in columns
    db.session.commit()
    upgrade()  # and come back filled from the documents
    assert copies() == expected == truth()
    exercise_and_check()  # and the triggers fire after the upgrade


def test_the_other_language_revision_goes_down_to_the_year_and_meeting_and_back(migrated_app):
    """d4f8a2c6e1b3 down: the copy and its triggers go, the year's and meeting's stay and
    still work (b7e2c4a9d1f3's triggers put back); up again: filled from the versions."""
    exercise_and_check()
    expected = truth()
    db.session.commit()
    downgrade(revision="c7e1f3a5b9d2")
    db.session.remove()
    columns = set(db.session.execute(text("SELECT * FROM circulation LIMIT 0")).keys())
    assert "other_language" not in columns and {"year", "meeting_id"} <= columns
    # Read and written in SQL: the ORM's Document has a later revision's column (version_languages).
    document_id, year = db.session.execute(text("SELECT id, year FROM document ORDER BY id LIMIT 1")).one()
    delegation = db.session.execute(text("SELECT max(id) FROM delegation")).scalar_one()
    db.session.execute(text("DELETE FROM circulation WHERE document_id = :d AND delegation_id = :g"),
                       {"d": document_id, "g": delegation})
    db.session.execute(text("INSERT INTO circulation (document_id, delegation_id, circulated_at) VALUES (:d, :g, :t)"),
                       {"d": document_id, "g": delegation, "t": T0})
    db.session.execute(text("INSERT INTO document_version (document_id, language, is_original, file_sha256, "
                            "uploaded_at) SELECT :d, 'fa', false, min(file_sha256), :t FROM document_version"),
                       {"d": document_id, "t": T0})  # no trigger of the copy left to fail on
    assert db.session.execute(text("SELECT year FROM circulation WHERE document_id = :d AND delegation_id = :g"),
                              {"d": document_id, "g": delegation}).scalar_one() == year
    db.session.commit()
    upgrade()
    assert copies() == truth() != expected  # the new row and the new version, filled in
    exercise_and_check()
