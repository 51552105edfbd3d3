"""unread_circulation is derived data kept by database triggers: after any
change to circulation, named_recipient, user_account or receipt it holds
exactly what those tables say (one row per circulation and user of that
delegation, and per named recipient, without a receipt). Checked on SQLite
and PostgreSQL, on the schema built from the models (the test app) and on the
one built by the Alembic revisions, whose upgrade also fills the table."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, select, text, update

from config import TestConfig
from secretariat_app import create_app
from secretariat_app.accounts.models.people import User
from secretariat_app.documents.models import (
    UNREAD_BACKFILL,
    Circulation,
    DistributionLevel,
    NamedRecipient,
    Receipt,
    UnreadCirculation,
)
from secretariat_app.documents.services import reading
from secretariat_app.extensions import db
from tests import services_available as services
from tests.conftest import _create_postgres_database, _drop_postgres_database
from tests.documents_helpers import T0, cast, circulate, make_document

REVISION = "e4a6c8b0d2f1"


def derived() -> set[tuple[int, int, bool]]:
    """What the source tables say unread_circulation should hold."""
    circulated = db.session.execute(
        select(Circulation.document_id, User.id).join(User, User.delegation_id == Circulation.delegation_id))
    named = db.session.execute(select(NamedRecipient.document_id, NamedRecipient.user_id))
    receipts = {tuple(row) for row in db.session.execute(select(Receipt.document_id, Receipt.user_id))}
    return ({(d, u, False) for d, u in circulated if (d, u) not in receipts}
            | {(d, u, True) for d, u in named if (d, u) not in receipts})


def kept() -> set[tuple[int, int, bool]]:
    return {(d, u, bool(n)) for d, u, n in db.session.execute(
        select(UnreadCirculation.document_id, UnreadCirculation.user_id, UnreadCirculation.named))}


def exercise_and_check() -> None:
    """Every kind of change the triggers answer, each checked against derived()."""
    def check(step: str):
        db.session.expire_all()
        assert kept() == derived(), f"unread_circulation differs from its sources after: {step}"

    c = cast()
    general = make_document("Agenda", "Повестка", circulated_at=T0)
    restricted = make_document("Note", "Записка", level=DistributionLevel.RESTRICTED, circulated_at=T0)
    circulate(general, c.alpha, c.beta)
    circulate(restricted, named=(c.a1, c.g1))
    check("circulation and named recipients added")
    assert (general.id, c.a1.id, False) in kept() and (general.id, c.a2.id, False) in kept()
    assert (restricted.id, c.a1.id, True) in kept() and (restricted.id, c.a2.id, True) not in kept()

    reading.record_receipt(c.a1, general.id)
    reading.record_receipt(c.a1, restricted.id)
    check("receipts added")
    assert not {row for row in kept() if row[1] == c.a1.id}

    db.session.execute(delete(Receipt).where(Receipt.user_id == c.a1.id, Receipt.document_id == general.id))
    db.session.commit()
    check("a receipt removed")
    assert (general.id, c.a1.id, False) in kept()

    db.session.execute(update(User).where(User.id == c.a2.id).values(delegation_id=c.gamma.id))
    db.session.commit()
    check("a user moved to another delegation")
    assert not {row for row in kept() if row[1] == c.a2.id}

    from tests.factories import delegate
    newcomer = delegate(c.beta)
    check("a user created in a delegation")
    assert (general.id, newcomer.id, False) in kept()

    db.session.execute(update(Circulation).where(Circulation.document_id == general.id,
                                                 Circulation.delegation_id == c.beta.id)
                       .values(circulated_at=T0 + timedelta(hours=1)))
    db.session.commit()
    check("a circulation's time changed")
    times = set(db.session.execute(select(UnreadCirculation.circulated_at).where(
        UnreadCirculation.document_id == general.id, UnreadCirculation.user_id == newcomer.id)).scalars())
    assert times == {T0 + timedelta(hours=1)}

    db.session.execute(delete(NamedRecipient).where(NamedRecipient.user_id == c.g1.id))
    db.session.execute(delete(Circulation).where(Circulation.delegation_id == c.beta.id))
    db.session.commit()
    check("a named recipient and a circulation removed")


def test_triggers_keep_unread_rows_equal_to_their_sources(app_ctx):
    exercise_and_check()


def test_the_backfill_computes_what_the_triggers_keep(app_ctx):
    exercise_and_check()
    before = kept()
    db.session.execute(delete(UnreadCirculation))
    db.session.execute(text(UNREAD_BACKFILL))
    db.session.commit()
    assert kept() == before == derived()


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_app(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'unread.sqlite'}"
        name = None
    else:
        services.require("PostgreSQL", services.postgres_available(), services.POSTGRES_ADMIN_URL)
        name, url = _create_postgres_database()
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()
    if name:
        _drop_postgres_database(name)


def test_after_the_migrations_the_triggers_work_and_the_upgrade_fills_the_table(migrated_app):
    exercise_and_check()
    before = kept()
    assert before, "the exercise leaves unread rows"
    db.session.commit()
    downgrade(revision=f"{REVISION}-1")  # the table and its triggers gone, the sources kept
    db.session.remove()
    upgrade()  # re-created and filled from circulation, named_recipient, user_account and receipt
    assert kept() == before == derived()
    exercise_and_check()  # and the triggers fire again
