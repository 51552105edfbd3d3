"""The document's year and meeting on circulation and named_recipient
(documents/list_filters.py): the copies say what the document says, whoever
wrote the rows and whatever changed since, and the inbox's year and meeting
filters find through them exactly the documents the plain rule finds. On SQLite
and PostgreSQL, on the schema built from the models (the test app) and on the
one built by the Alembic revisions (whose upgrade fills the copies of the rows
that exist)."""
from __future__ import annotations

from datetime import timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text, update

from secretariat_app.documents.models import Circulation, Document, DocumentStatus, NamedRecipient
from secretariat_app.documents.services.inbox import InboxFilters, inbox_page
from secretariat_app.extensions import db
from tests.documents_helpers import T0, cast, circulate, make_document, meeting

REVISION = "b7e2c4a9d1f3"


def copies() -> dict[tuple[str, int], tuple[int | None, int | None]]:
    """(list, row id) -> (year, meeting) of each list row."""
    return {**{("circulation", id_): (year, meeting_id) for id_, year, meeting_id in db.session.execute(
                text("SELECT id, year, meeting_id FROM circulation"))},
            **{("named", id_): (year, meeting_id) for id_, year, meeting_id in db.session.execute(
                text("SELECT id, year, meeting_id FROM named_recipient"))}}


def truth() -> dict[tuple[str, int], tuple[int | None, int | None]]:
    """The same, read from the documents."""
    return {**{("circulation", id_): (year, meeting_id) for id_, year, meeting_id in db.session.execute(
                select(Circulation.id, Document.year, Document.meeting_id)
                .join(Document, Document.id == Circulation.document_id))},
            **{("named", id_): (year, meeting_id) for id_, year, meeting_id in db.session.execute(
                select(NamedRecipient.id, Document.year, Document.meeting_id)
                .join(Document, Document.id == NamedRecipient.document_id))}}


def listed(user, **filters) -> list[int]:
    page = inbox_page(user, InboxFilters(**filters))
    return sorted(row.document_id for row in page.rows)


def exercise_and_check() -> None:
    before = len(copies())
    c = cast()
    june, july = meeting("June"), meeting("July")
    documents = [make_document(f"Doc {n}", year=2020 + n % 3, meeting_id=(june.id, july.id, None)[n % 3],
                               circulated_at=T0 + timedelta(hours=n)) for n in range(9)]
    for document in documents:
        circulate(document, c.alpha, named=(c.a1,))  # ORM rows without the copies: the database writes them
    assert copies() == truth() and len(copies()) - before == 18
    assert {year for year, _ in copies().values()} >= {2020, 2021, 2022}

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
    assert "year" not in columns and "meeting_id" not in columns
    db.session.commit()
    upgrade()  # and come back filled from the documents
    assert copies() == expected == truth()
    exercise_and_check()  # and the triggers fire after the upgrade
