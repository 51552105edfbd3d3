"""secretariat_app/core/pg_connections.py on PostgreSQL: lone reads run outside a
transaction, everything else inside one begun as psycopg would; connections are
pinged only after resting in the pool, and a dead one is replaced before use."""
from __future__ import annotations

import psycopg
import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import select, text, update

from secretariat_app.accounts.models.states import State
from secretariat_app.core import pg_connections
from secretariat_app.core.pg_connections import lone_read
from secretariat_app.extensions import db
from tests import services_available as services

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

KAZ = select(State.name_en).where(State.code == "KAZ")


def status() -> TransactionStatus:
    return db.session.connection().connection.driver_connection.info.transaction_status


def test_a_lone_read_that_comes_first_opens_no_transaction(reference):
    assert db.session.execute(lone_read(KAZ)).scalar_one() == "Kazakhstan"
    assert status() == TransactionStatus.IDLE
    db.session.execute(KAZ)  # not marked: a transaction, as before
    assert status() == TransactionStatus.INTRANS
    db.session.rollback()


def test_a_write_after_a_lone_read_is_in_a_transaction_a_rollback_undoes(reference):
    db.session.execute(lone_read(KAZ))
    db.session.execute(update(State).where(State.code == "KAZ").values(name_en="Changed"))
    assert status() == TransactionStatus.INTRANS
    assert db.session.execute(lone_read(KAZ)).scalar_one() == "Changed"  # a lone read inside it is part of it
    db.session.rollback()
    assert db.session.execute(lone_read(KAZ)).scalar_one() == "Kazakhstan"


def test_a_committed_write_after_a_lone_read_is_kept(reference):
    db.session.execute(lone_read(KAZ))
    db.session.execute(update(State).where(State.code == "KAZ").values(name_en="Kazakhstan (kept)"))
    db.session.commit()
    with psycopg.connect(db.engine.url.render_as_string(hide_password=False).replace("+psycopg", "")) as other:
        assert other.execute("SELECT name_en FROM state WHERE code = 'KAZ'").fetchone()[0] == "Kazakhstan (kept)"


def test_an_autocommit_connection_commits_each_statement(reference):
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.execute(update(State).where(State.code == "KAZ").values(name_en="Autocommitted"))
        connection.rollback()  # nothing to undo: the statement was its own transaction
    assert db.session.execute(lone_read(KAZ)).scalar_one() == "Autocommitted"
    # The connection the pool lends next still runs lone reads outside a transaction.
    db.session.remove()
    db.session.execute(lone_read(KAZ))
    assert status() == TransactionStatus.IDLE


@pytest.fixture
def pings(app_ctx, monkeypatch):
    """One pooled connection; the pings the pool sends, counted."""
    db.session.remove()
    db.engine.dispose()
    sent = []
    real = db.engine.dialect.do_ping
    monkeypatch.setattr(db.engine.dialect, "do_ping", lambda connection: sent.append(1) or real(connection))
    yield sent
    db.engine.dispose()


def backend_pid() -> int:
    with db.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


def test_a_connection_back_from_the_pool_at_once_is_not_pinged(pings):
    first = backend_pid()
    assert backend_pid() == first and backend_pid() == first
    assert pings == []


def test_a_connection_that_rested_is_pinged_and_a_dead_one_replaced(pings, monkeypatch):
    first = backend_pid()
    with psycopg.connect(services.POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (first,))
    monkeypatch.setattr(pg_connections, "IDLE_PING_AFTER", 0.0)  # every connection has rested long enough
    second = backend_pid()  # no error: the ping found the connection dead and the pool made a new one
    assert second != first
    assert len(pings) >= 1


def test_a_statement_of_its_own_transaction_that_comes_first_commits_by_itself(reference, app):
    """own_transaction: no BEGIN, committed as it ends (another connection sees
    it at once, nothing is left open), and the request counts as one that may
    have written (core/db_failover.py runs it no second time)."""
    from secretariat_app.core import db_failover

    with app.test_request_context("/"):
        db.session.execute(pg_connections.own_transaction(
            update(State).where(State.code == "KAZ").values(name_en="Kazakhstan (own)")))
        assert status() == TransactionStatus.IDLE
        assert db_failover.may_have_written()
        with psycopg.connect(db.engine.url.render_as_string(hide_password=False).replace("+psycopg", "")) as other:
            assert other.execute("SELECT name_en FROM state WHERE code = 'KAZ'").fetchone()[0] == "Kazakhstan (own)"
        db.session.rollback()  # nothing to undo
        assert db.session.execute(lone_read(KAZ)).scalar_one() == "Kazakhstan (own)"


def test_a_statement_of_its_own_transaction_inside_a_transaction_is_part_of_it(reference):
    db.session.execute(update(State).where(State.code == "KAZ").values(name_en="First"))
    db.session.execute(pg_connections.own_transaction(
        update(State).where(State.code == "KAZ").values(name_en="Second")))
    assert status() == TransactionStatus.INTRANS
    db.session.rollback()
    assert db.session.execute(lone_read(KAZ)).scalar_one() == "Kazakhstan"


def test_the_app_s_connections_run_without_jit(app_ctx):
    """config.PG_SESSION_OPTIONS: no JIT compilation on any connection of the app (it
    compiled the API's sync listing for 250 of its 320 ms), with no statement to set it."""
    assert db.session.execute(text("SHOW jit")).scalar_one() == "off"
    with db.engine.connect() as other:
        assert other.execute(text("SHOW jit")).scalar_one() == "off"


def test_a_driver_statement_is_prepared_once_and_then_runs_its_generic_plan(reference):
    """core/driver_statements.run prepares its statement on the server although the app's
    connections prepare nothing unasked (config.py: prepare_threshold None, which makes
    psycopg ignore prepare=True): planned once, not on every download (as it was until
    2026-12-06); the connection's threshold is left as it was."""
    from sqlalchemy import bindparam

    from secretariat_app.core import driver_statements

    connection = db.session.connection()
    raw = connection.connection.driver_connection
    assert raw.prepare_threshold is None  # the app's setting
    statement = driver_statements.DriverStatement.of(
        lone_read(select(State.name_en).where(State.code == bindparam("code"))), connection)
    for code, name in [("KAZ", "Kazakhstan"), ("CHN", "China")] * 4:
        assert driver_statements.run(connection, statement, {"code": code}) == (name,)
    assert raw.prepare_threshold is None
    prepared = db.session.execute(text(
        "SELECT generic_plans + custom_plans, generic_plans FROM pg_prepared_statements "
        "WHERE statement = :sql"), {"sql": statement.sql.replace("%(code)s", "$1")}).all()
    assert len(prepared) == 1  # one statement on the server, run eight times
    runs, generic = prepared[0]
    assert runs == 8 and generic >= 1


def test_a_driver_statement_s_rows_read_as_sqlalchemy_s(reference, app):
    """DriverStatement applies its columns' result processors: the reader's rows (one a
    role: an Enum column; a UTCDateTime; the delegation's names; the login session's
    columns) are SQLAlchemy's, value for value and type for type, whether run on the
    driver (reader_rows) or through SQLAlchemy."""
    from datetime import UTC, datetime

    from secretariat_app.accounts.login import READER
    from secretariat_app.accounts.models.people import Role
    from secretariat_app.accounts.reader import reader_rows
    from secretariat_app.accounts.services import sessions
    from tests.factories import UserFactory

    enrolled = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    user = UserFactory(roles=[Role.DELEGATE, Role.COORDINATOR], second_factor_enrolled_at=enrolled)
    with app.test_request_context("/"):
        sessions.start_session(user)
        key = user.login_session.key
    db.session.commit()
    parameters = {"secret_hash": sessions.secret_hash(key), "idle_since": sessions.idle_since(datetime.now(UTC))}
    through_sqlalchemy = [tuple(row) for row in db.session.execute(READER, parameters).all()]
    on_the_driver = list(reader_rows(READER, parameters))
    assert len(through_sqlalchemy) == 2 and sorted(on_the_driver, key=str) == sorted(through_sqlalchemy, key=str)
    for driver_row, sqlalchemy_row in zip(sorted(on_the_driver, key=str), sorted(through_sqlalchemy, key=str),
                                          strict=True):
        assert [type(value) for value in driver_row] == [type(value) for value in sqlalchemy_row]
    assert on_the_driver[0][7] == enrolled and on_the_driver[0][7].tzinfo is UTC
    assert {row[10] for row in on_the_driver} == {Role.DELEGATE, Role.COORDINATOR}


def test_a_driver_statement_reads_every_enum_column_as_sqlalchemy_does(reference):
    """The Enum columns' processors, tabulated (driver_statements._result_processor): for
    every Enum column of the models, each value the column may hold and NULL read as
    SQLAlchemy's processor reads them, and a value it may not hold is refused as there."""
    from sqlalchemy import Enum

    from secretariat_app.core.driver_statements import _result_processor

    dialect = db.session.connection().dialect
    columns = [column for table in db.metadata.tables.values() for column in table.columns
               if isinstance(column.type, Enum) and column.type.enum_class is not None]
    assert len(columns) > 10
    for column in columns:
        tabulated = _result_processor(column.type, dialect)
        original = column.type.dialect_impl(dialect).result_processor(dialect, None)
        assert tabulated is not None and original is not None, column
        for value in [*column.type.enums, None]:
            assert tabulated(value) is original(value), (column, value)
        with pytest.raises(LookupError):
            original("no such value")
        with pytest.raises(LookupError):
            tabulated("no such value")


def test_a_driver_statement_binds_values_as_sqlalchemy_does(reference):
    """DriverStatement applies its parameters' bind processors: an Enum member is sent as
    the column stores it and a datetime in another zone as UTC, so the statement finds
    what SQLAlchemy's execution of it finds (the inbox's page binds a document type and
    its cursor's time: without them its type filter found nothing on the driver)."""
    from datetime import UTC, datetime, timedelta, timezone

    from sqlalchemy import bindparam

    from secretariat_app.accounts.models.people import Role, UserRole
    from secretariat_app.accounts.models.sessions import UserSession
    from secretariat_app.core import driver_statements
    from tests.factories import UserFactory

    seen = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    user = UserFactory(roles=[Role.COORDINATOR])
    db.session.add(UserSession(user_id=user.id, secret_hash="h" * 64, last_seen_at=seen, address="127.0.0.1",
                               user_agent="test"))
    db.session.commit()
    statement = lone_read(
        select(UserRole.user_id).join(UserSession, UserSession.user_id == UserRole.user_id)
        .where(UserRole.role == bindparam("role", type_=UserRole.role.type),
               UserSession.last_seen_at == bindparam("seen", type_=UserSession.last_seen_at.type)))
    in_almaty = seen.astimezone(timezone(timedelta(hours=5)))
    for role, at, found in [(Role.COORDINATOR, seen, True), (Role.COORDINATOR, in_almaty, True),
                            (Role.DELEGATE, seen, False), (Role.COORDINATOR, seen + timedelta(seconds=1), False)]:
        values = {"role": role, "seen": at}
        through_sqlalchemy = db.session.execute(statement, values).scalars().all()
        connection = db.session.connection()
        on_the_driver = driver_statements.run_all(connection, driver_statements.DriverStatement.of(statement,
                                                                                                   connection), values)
        assert [row[0] for row in on_the_driver] == through_sqlalchemy == ([user.id] if found else [])


def prepared_here() -> set[str]:
    return set(db.session.execute(lone_read(select(text("name")).select_from(text("pg_prepared_statements"))))
               .scalars())


def backend() -> int:
    return db.session.execute(lone_read(select(text("pg_backend_pid()")))).scalar_one()


def test_a_transaction_that_only_read_keeps_the_prepared_statements(reference):
    """pg_connections: a transaction that only read ends with COMMIT, so psycopg keeps the
    connection's prepared statements (at a ROLLBACK it forgets them all and sends
    DEALLOCATE ALL); the transaction is over either way."""
    from secretariat_app.extensions import prepared_statements

    db.session.remove()
    db.engine.dispose()  # one connection in the pool from here on: each checkout lends it
    with prepared_statements() as connection:
        connection.execute(lone_read(KAZ))
    pid, before = backend(), prepared_here()
    assert before
    assert db.session.execute(KAZ).scalar_one() == "Kazakhstan"  # a read in a transaction
    assert db.session.execute(select(State.code).where(State.code == "CHN").with_for_update()).scalar_one()
    assert status() == TransactionStatus.INTRANS
    db.session.rollback()  # what the end of every request does
    assert backend() == pid and status() == TransactionStatus.IDLE
    assert prepared_here() == before
    # A transaction that wrote still ends with ROLLBACK (and psycopg forgets them).
    db.session.execute(KAZ)
    db.session.execute(update(State).where(State.code == "KAZ").values(name_en="Changed"))
    db.session.rollback()
    assert backend() == pid and prepared_here() == set()
    assert db.session.execute(lone_read(KAZ)).scalar_one() == "Kazakhstan"


@pytest.mark.parametrize("write", ["orm flush", "own transaction", "driver statement", "savepoint"])
def test_a_write_after_reads_in_a_transaction_is_still_rolled_back(reference, write):
    """The transaction began with a read; whatever wrote after it (a flush of the ORM, an
    own_transaction statement or a driver statement inside it, a savepoint's write), a
    rollback undoes it."""
    from secretariat_app.core import driver_statements

    assert db.session.execute(KAZ).scalar_one() == "Kazakhstan"
    change = update(State).where(State.code == "KAZ").values(name_en="Written")
    if write == "orm flush":
        db.session.scalars(select(State).where(State.code == "KAZ")).one().name_en = "Written"
        db.session.flush()
    elif write == "own transaction":
        db.session.execute(pg_connections.own_transaction(change))
    elif write == "driver statement":
        statement = driver_statements.DriverStatement.of(
            pg_connections.own_transaction(change.returning(State.code)), db.session.connection())
        assert driver_statements.run(db.session.connection(), statement, {}) == ("KAZ",)
    else:
        with db.session.begin_nested():
            db.session.execute(change)
    assert db.session.execute(KAZ).scalar_one() == "Written"
    db.session.rollback()
    assert db.session.execute(lone_read(KAZ)).scalar_one() == "Kazakhstan"
