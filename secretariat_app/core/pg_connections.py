"""How the app uses its PostgreSQL connections: fewer round trips per request.

A logged-in page that only reads used to cost five round trips before any of
its own work: a ping, BEGIN, the reader's row, the page's statement, COMMIT.
Two of them now remain for the inbox (the reader and the page):

* Connections are pinged when they come out of the pool only if they sat idle
  there for IDLE_PING_AFTER seconds (SQLAlchemy's pool_pre_ping pings on every
  checkout). A connection that fails the ping is replaced before the request
  uses it. A connection broken while in steady use fails its statement, and
  SQLAlchemy then replaces every connection of the pool.

* Lone reads run outside a transaction. The connection is in psycopg's
  autocommit mode and this module sends BEGIN itself before any statement that
  is not marked as a lone read, when no transaction is open: every write,
  every SELECT … FOR UPDATE, every savepoint and every unmarked read runs in a
  transaction begun just as psycopg would have begun it, and committed or
  rolled back by the session as before. A marked statement (`lone_read`) that
  comes first runs on its own. Under READ COMMITTED, PostgreSQL's default,
  each statement of a transaction sees the data committed when it starts, so a
  read sees the same rows inside or outside one; what changes is that a request
  that only read ends without COMMIT and without ROLLBACK, and keeps its
  connection's prepared statements (psycopg forgets them at a ROLLBACK).

Marked: the reader's row (auth_session.READER) and the inbox's page.

* A statement marked `own_transaction` that comes first is its own
  transaction too: PostgreSQL commits it as it ends, so that it costs one round
  trip where BEGIN, the statement and COMMIT cost three, and its writes are
  durable when it returns (synchronous_commit is on, PostgreSQL's default: the
  commit waits for its WAL to reach the disk either way). For a single
  statement whose writes are complete by themselves, decided on before it runs
  (nothing to roll back after it): the download's audit entry and receipt
  (documents/services/download.py). Inside an open transaction it is part of
  it, like any other statement. core/db_failover.py counts it as a COMMIT begun:
  a read that sent one is not run again.

* A transaction that only read ends with COMMIT, not ROLLBACK. psycopg forgets
  every prepared statement of its connection at a ROLLBACK and sends DEALLOCATE
  ALL (a round trip): every page that read inside a transaction and ended
  without a commit (most pages: the session is rolled back at the end of the
  request) took the inbox's, the reader's and the download's prepared
  statements with it, and the next inbox parsed its statement again and planned
  it five times more (4.4 ms of planning each in the server's log, against
  1.5 ms for the run). A transaction is known to have only read when this
  module began it and every statement in it was a SELECT (not an INSERT, UPDATE
  or DELETE, nor anything else: a SAVEPOINT, a SET, a WITH that may write); for
  such a transaction COMMIT and ROLLBACK end the same way (no row written; its
  locks, advisory ones included, released either way). Any other transaction,
  and one in error, ends with ROLLBACK as before.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from time import (
    monotonic,  # bound at import: tests that stand in for time.monotonic do not reach the pool
)
from typing import Any, TypeVar

from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, ExecutionContext
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlalchemy.sql import Executable

E = TypeVar("E", bound=Executable)

IDLE_PING_AFTER = 10.0  # seconds a connection may rest in the pool and be trusted without a ping
LONE_READ = "secretariat_lone_read"
OWN_TRANSACTION = "secretariat_own_transaction"
_IDLE = TransactionStatus.IDLE
_IN_TRANSACTION = TransactionStatus.INTRANS
_WRITES = ("isinsert", "isupdate", "isdelete")  # what an execution context says of a compiled DML statement
READS_ONLY = "secretariat_reads_only"  # in the pool entry's info: the open transaction has only read


def lone_read(statement: E) -> E:
    """Mark a read-only statement that may run outside a transaction when it is
    the first of its request (see the module's docstring)."""
    return statement.execution_options(**{LONE_READ: True})


def own_transaction(statement: E) -> E:
    """Mark a statement that commits by itself when it comes first (see the
    module's docstring): its writes are durable when it returns."""
    return statement.execution_options(**{OWN_TRANSACTION: True})


@contextmanager
def preparing(driver: Any) -> Iterator[None]:
    """What runs inside on `driver` (a psycopg connection) is prepared on the server.
    config.py leaves the threshold None, which makes psycopg prepare nothing, not even
    what is asked for with prepare=True: 0 prepares at once; the setting comes back after."""
    threshold, driver.prepare_threshold = driver.prepare_threshold, 0
    try:
        yield
    finally:
        driver.prepare_threshold = threshold


def in_transaction(connection: Connection) -> bool:
    """Whether the connection's server session has a transaction open (after an
    own_transaction statement that came first, it has none: nothing to commit)."""
    raw = connection.connection.driver_connection
    return raw is None or raw.pgconn.transaction_status != _IDLE


def configure(engine: Engine) -> None:
    """Install both behaviours on a PostgreSQL (psycopg 3) engine."""
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        return
    dialect, dbapi_error = engine.dialect, engine.dialect.loaded_dbapi.Error

    @event.listens_for(engine, "connect")
    def connected(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        if dbapi_connection.pgconn.transaction_status == _IDLE:
            dbapi_connection.autocommit = True
        record.info["idle_since"] = monotonic()

    @event.listens_for(engine, "checkin")
    def checked_in(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = monotonic()

    @event.listens_for(engine, "checkout")
    def checked_out(dbapi_connection: Any, record: ConnectionPoolEntry, proxy: PoolProxiedConnection) -> None:
        if monotonic() - record.info.get("idle_since", 0.0) < IDLE_PING_AFTER:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dbapi_error as error:
            raise DisconnectionError(f"connection failed its ping: {error}") from error  # the pool replaces it

    @event.listens_for(engine, "before_cursor_execute")
    def begin_unless_lone_read(conn: Connection, cursor: Any, statement: str, parameters: Any,
                               context: ExecutionContext | None, executemany: bool) -> None:
        raw = cursor.connection
        if raw.pgconn.transaction_status != _IDLE:  # a transaction is open: the statement is part of it
            if not _a_read(statement, context, executemany):
                forget_reads_only(conn.connection)
            return
        options = context.execution_options if context is not None else {}
        if options.get("isolation_level") == "AUTOCOMMIT":
            return  # asked for by the caller: each statement its own transaction
        if options.get(LONE_READ) or options.get(OWN_TRANSACTION):
            if not raw.autocommit:
                raw.autocommit = True  # SQLAlchemy turns it off after lending the connection as AUTOCOMMIT
            return
        # A transaction begins: it has only read so far if this module begins it with a read.
        info = _entry_info(conn.connection)
        if info is not None:
            info[READS_ONLY] = raw.autocommit and _a_read(statement, context, executemany)
        if raw.autocommit:
            raw.execute("BEGIN")  # what psycopg sends itself outside autocommit mode

    plain_rollback, plain_commit = dialect.do_rollback, dialect.do_commit

    def do_rollback(dbapi_connection: Any) -> None:
        """ROLLBACK, or COMMIT for a transaction this module began that only read (see the
        module's docstring): psycopg then keeps the connection's prepared statements."""
        info = _entry_info(dbapi_connection)
        reads_only = info is not None and info.pop(READS_ONLY, False)
        raw = getattr(dbapi_connection, "driver_connection", dbapi_connection)
        if reads_only and raw.pgconn.transaction_status == _IN_TRANSACTION:
            try:
                raw.commit()
                return
            except dbapi_error:  # the server did not end it: end it as before
                pass
        plain_rollback(dbapi_connection)

    def do_commit(dbapi_connection: Any) -> None:
        forget_reads_only(dbapi_connection)
        plain_commit(dbapi_connection)

    dialect.do_rollback = do_rollback  # type: ignore[method-assign]  # this engine's dialect only
    dialect.do_commit = do_commit  # type: ignore[method-assign]


def _entry_info(connection: Any) -> dict[Any, Any] | None:
    """The pool entry's info of a pooled connection; None for a bare or ad hoc one
    (SQLAlchemy's first connect, before the pool lends it)."""
    try:
        info: dict[Any, Any] | None = getattr(connection, "info", None)
    except NotImplementedError:
        return None
    return info


def forget_reads_only(connection: Any) -> None:
    """The open transaction has written (or ended): a rollback of it is a ROLLBACK."""
    info = _entry_info(connection)
    if info is not None:
        info.pop(READS_ONLY, None)


def _a_read(statement: str, context: ExecutionContext | None, executemany: bool) -> bool:
    """Whether a statement surely writes nothing: a single SELECT (a compiled INSERT,
    UPDATE or DELETE is none; a WITH may hold one, a SAVEPOINT or SET changes the session)."""
    if executemany or context is None or any(getattr(context, kind, True) for kind in _WRITES):
        return False
    return statement.lstrip()[:7].upper() == "SELECT "
