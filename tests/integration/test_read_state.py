"""What each reader has read (documents/read_state.py): read_horizon and
unread_mark must say exactly what the source tables say (a document that
reached a user is unread when they have no receipt for it) after any change to
circulation, named_recipient, user_account or receipt, and after horizons move;
the tables stay as small as what users do; the inbox shows the same pages
whatever the horizons. Checked on SQLite and PostgreSQL, on the schema built
from the models (the test app) and on the one built by the Alembic revisions,
whose upgrade converts unread_circulation into horizons and marks (and whose
downgrade converts them back)."""
from __future__ import annotations

from datetime import timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, func, select, text, update

from secretariat_app.accounts.models.people import User
from secretariat_app.documents.models import (
    Circulation,
    DistributionLevel,
    NamedRecipient,
    ReadHorizon,
    Receipt,
    UnreadMark,
)
from secretariat_app.documents.services import read_horizon, reading
from secretariat_app.documents.services.inbox import Cursor, InboxFilters, inbox_page
from secretariat_app.extensions import db
from tests.documents_helpers import T0, cast, circulate, make_document

REVISION = "9c4e7a1d3b6f"
DAY = timedelta(days=1)


def derived() -> set[tuple[int, int, bool]]:
    """What the source tables say is unread: (document, user, named)."""
    circulated = db.session.execute(
        select(Circulation.document_id, User.id).join(User, User.delegation_id == Circulation.delegation_id))
    named = db.session.execute(select(NamedRecipient.document_id, NamedRecipient.user_id))
    receipts = {tuple(row) for row in db.session.execute(select(Receipt.document_id, Receipt.user_id))}
    return ({(d, u, False) for d, u in circulated if (d, u) not in receipts}
            | {(d, u, True) for d, u in named if (d, u) not in receipts})


def represented() -> set[tuple[int, int, bool]]:
    """What horizons and marks say is unread: the marks at or before the user's horizon,
    and after it (or without one) what has no receipt."""
    horizons = dict(db.session.execute(select(ReadHorizon.user_id, ReadHorizon.horizon_at)).all())
    receipts = {tuple(row) for row in db.session.execute(select(Receipt.document_id, Receipt.user_id))}
    marked = {(d, u, bool(n)) for d, u, n, at in db.session.execute(
        select(UnreadMark.document_id, UnreadMark.user_id, UnreadMark.named, UnreadMark.at))
        if u in horizons and at <= horizons[u]}
    reached = [(d, u, False, at) for d, u, at in db.session.execute(
        select(Circulation.document_id, User.id, Circulation.circulated_at)
        .join(User, User.delegation_id == Circulation.delegation_id))]
    reached += [(d, u, True, at) for d, u, at in db.session.execute(
        select(NamedRecipient.document_id, NamedRecipient.user_id, NamedRecipient.added_at))]
    fresh = {(d, u, n) for d, u, n, at in reached
             if (u not in horizons or at > horizons[u]) and (d, u) not in receipts}
    return marked | fresh


def marks() -> set[tuple[int, int, bool]]:
    return {(d, u, bool(n)) for d, u, n in db.session.execute(
        select(UnreadMark.document_id, UnreadMark.user_id, UnreadMark.named))}


def exercise_and_check() -> None:
    """Every kind of change the triggers answer, and horizons moved between them,
    each checked against derived()."""
    def check(step: str):
        db.session.expire_all()
        assert represented() == derived(), f"the read state differs from its sources after: {step}"

    c = cast()
    general = make_document("Agenda", "Повестка", circulated_at=T0)
    restricted = make_document("Note", "Записка", level=DistributionLevel.RESTRICTED, circulated_at=T0)
    circulate(general, c.alpha, c.beta)
    circulate(restricted, named=(c.a1, c.g1))
    check("circulation and named recipients added, no horizon")
    assert not {row for row in marks() if row[0] in (general.id, restricted.id)}

    assert read_horizon.advance(until=T0 + DAY) == 4  # a1, a2, b1, g1: a few documents each
    check("horizons moved past them")
    assert (general.id, c.a1.id, False) in marks() and (restricted.id, c.a1.id, True) in marks()
    assert (restricted.id, c.a2.id, True) not in marks()

    reading.record_receipt(c.a1, general.id)
    reading.record_receipt(c.a1, restricted.id)
    check("receipts added")
    assert not {row for row in marks() if row[1] == c.a1.id}

    db.session.execute(delete(Receipt).where(Receipt.user_id == c.a1.id, Receipt.document_id == general.id))
    db.session.commit()
    check("a receipt removed behind the horizon")
    assert (general.id, c.a1.id, False) in marks()

    later = make_document("Report", "Доклад", circulated_at=T0 + 2 * DAY)
    circulate(later, c.alpha, c.beta)
    check("a circulation after the horizon")
    assert not {row for row in marks() if row[0] == later.id}
    reading.record_receipt(c.b1, later.id)
    db.session.execute(delete(Receipt).where(Receipt.user_id == c.b1.id, Receipt.document_id == later.id))
    db.session.commit()
    check("a receipt added and removed after the horizon")

    earlier = make_document("Old note", "Старая записка", circulated_at=T0 - DAY)
    circulate(earlier, c.beta)
    check("a circulation dated behind the horizon (an import)")
    assert (earlier.id, c.b1.id, False) in marks()

    db.session.execute(update(User).where(User.id == c.a2.id).values(delegation_id=c.gamma.id))
    db.session.commit()
    check("a user moved to another delegation")
    assert not {row for row in marks() if row[1] == c.a2.id}
    assert db.session.get(ReadHorizon, c.a2.id) is None

    from tests.factories import delegate
    newcomer = delegate(c.beta)
    check("a user created in a delegation")
    assert db.session.get(ReadHorizon, newcomer.id) is None

    db.session.execute(update(Circulation).where(Circulation.document_id == general.id,
                                                 Circulation.delegation_id == c.beta.id)
                       .values(circulated_at=T0 + timedelta(hours=1)))
    db.session.commit()
    check("a circulation's time changed behind the horizon")
    times = set(db.session.execute(select(UnreadMark.at).where(
        UnreadMark.document_id == general.id, UnreadMark.user_id == c.b1.id)).scalars())
    assert times == {T0 + timedelta(hours=1)}
    db.session.execute(update(Circulation).where(Circulation.document_id == general.id,
                                                 Circulation.delegation_id == c.beta.id)
                       .values(circulated_at=T0 + 3 * DAY))
    db.session.commit()
    check("a circulation's time moved past the horizon")

    read_horizon.advance(until=T0 + 10 * DAY)
    check("horizons moved again")
    assert (later.id, c.a1.id, False) in marks() and (general.id, newcomer.id, False) in marks()

    db.session.execute(delete(NamedRecipient).where(NamedRecipient.user_id == c.g1.id))
    db.session.execute(delete(Circulation).where(Circulation.delegation_id == c.beta.id))
    db.session.commit()
    check("a named recipient and a circulation removed")


def test_horizons_and_marks_say_what_the_sources_say(app_ctx):
    exercise_and_check()


def test_a_horizon_moves_only_for_a_user_who_keeps_up(app_ctx, monkeypatch):
    """Marks are bounded by what a user does: at most max(MARK_FLOOR, their receipts)."""
    monkeypatch.setattr(read_horizon, "MARK_FLOOR", 2)
    c = cast()
    documents = [make_document(f"Note {n}", f"Записка {n}", circulated_at=T0 + timedelta(minutes=n))
                 for n in range(8)]
    for document in documents:
        circulate(document, c.alpha)
    for document in documents[:6]:
        reading.record_receipt(c.a1, document.id)  # a1 reads 6 of 8; a2 reads nothing
    assert read_horizon.advance(until=T0 + DAY, user_ids=[c.a1.id, c.a2.id]) == 1
    assert db.session.get(ReadHorizon, c.a2.id) is None
    assert marks() == {(documents[6].id, c.a1.id, False), (documents[7].id, c.a1.id, False)}
    assert represented() == derived()
    assert read_horizon.advance(until=T0 + DAY) == 0  # nobody further (b1 has nothing, a2 reads nothing)


def test_the_nightly_pass_the_task_and_the_command_move_horizons(app_ctx):
    """The beat runs the pass daily (workers.tasks.documents.advance_read_horizons), to an
    hour ago; `flask read-state advance` runs the same by hand."""
    from workers.celery_app import beat_schedule
    from workers.tasks.documents import advance_read_horizons

    entry = next(e for e in beat_schedule().values()
                 if e["task"] == "workers.tasks.documents.advance_read_horizons")
    assert len(entry["schedule"].hour) == 1 and len(entry["schedule"].day_of_week) == 7
    c = cast()
    document = make_document("Agenda", "Повестка", circulated_at=T0)
    circulate(document, c.alpha)
    assert advance_read_horizons.run() == 2  # a1 and a2 (b1 and g1 have received nothing: no row to list)
    horizon = db.session.get(ReadHorizon, c.a1.id).horizon_at
    assert horizon > T0 and marks() == {(document.id, c.a1.id, False), (document.id, c.a2.id, False)}
    result = app_ctx.test_cli_runner().invoke(args=["read-state", "advance"])
    assert result.exit_code == 0 and "Read horizons moved: 2." in result.output
    assert represented() == derived()


def pages(user, **filters) -> list[list[tuple[bool, int]]]:
    """Every page of the user's inbox, 3 rows a page, by the cursors."""
    result, cursor = [], None
    while True:
        page = inbox_page(user, InboxFilters(**filters), cursor=cursor, per_page=3)
        result.append([(row.unread, row.document_id) for row in page.rows])
        if page.next_cursor is None:
            return result
        cursor = Cursor.parse(page.next_cursor.token())


def test_the_inbox_shows_the_same_pages_whatever_the_horizon(app_ctx):
    """Unread first, then newest, across pages and filters, with no horizon, a horizon
    in the middle of the history (marks behind it, receipts after it) and one past it."""
    c = cast()
    documents = [make_document(f"Note {n}", f"Записка {n}", circulated_at=T0 + timedelta(hours=n),
                               level=DistributionLevel.RESTRICTED if n % 4 == 3 else DistributionLevel.GENERAL)
                 for n in range(12)]
    for n, document in enumerate(documents):
        circulate(document, c.alpha, named=(c.a1,) if n % 4 == 3 else ())
    for document in documents[1::3] + documents[5:8]:
        reading.record_receipt(c.a1, document.id)
    expected = {state: pages(c.a1, state=state) for state in (None, "unread", "read")}
    unread = [d.id for d in reversed(documents) if d not in documents[1::3] + documents[5:8]]
    assert [row for page in expected[None] for row in page][:len(unread)] == [(True, d) for d in unread]
    for until in (T0 + timedelta(hours=6, minutes=30), T0 + DAY):
        read_horizon.advance(until=until)
        assert db.session.get(ReadHorizon, c.a1.id).horizon_at == until
        assert marks()
        for state, before in expected.items():
            assert pages(c.a1, state=state) == before, (until, state)
    reading.record_receipt(c.a1, documents[0].id)
    assert (True, documents[0].id) not in [row for page in pages(c.a1) for row in page]


def old_rows() -> set[tuple[int, int, bool]]:
    return {(d, u, bool(n)) for d, u, n in db.session.execute(
        text("SELECT document_id, user_id, named FROM unread_circulation"))}


def test_the_migration_converts_unread_circulation_both_ways(migrated_app):
    exercise_and_check()
    truth = derived()
    assert truth, "the exercise leaves unread documents"
    db.session.commit()
    downgrade(revision=f"{REVISION}-1")  # back to unread_circulation, filled from horizons and marks
    db.session.remove()
    assert old_rows() == truth
    # The old table's triggers work again: a receipt ends one row.
    some = sorted(truth)[0]
    db.session.execute(text("INSERT INTO receipt (user_id, document_id, read_at) VALUES (:u, :d, :t)"),
                       {"u": some[1], "d": some[0], "t": T0})
    db.session.commit()
    truth = {row for row in truth if row[:2] != some[:2]}
    assert old_rows() == truth
    db.session.commit()  # the migration drops unread_circulation: no transaction may hold it
    upgrade()  # converted again: horizons for users with few unread rows, marks for those rows
    assert represented() == truth == derived()
    assert db.session.scalar(select(func.count()).select_from(ReadHorizon))
    exercise_and_check()  # and the new triggers fire
