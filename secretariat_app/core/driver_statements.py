"""Statements compiled once and run on the driver's cursor: for the few
statements of a hot path whose SQLAlchemy execution costs more than the
statement (PostgreSQL with psycopg 3 only).

A Core statement run through a Connection pays, on every request, its cache
key, the compiled form's lookup, an execution context, the events, and a
result object built from the cursor's description (one psycopg Column object
per column). For the download's two statements (documents/services/download.py)
that was about 130 µs of CPU each against 80 µs for the same prepared
statement run on the psycopg cursor (bench/inbox/pipeline.py and the micro
measurement in docs/benchmarks.md, 2026-12-06). Here the statement is compiled
once per process (`DriverStatement.of`) and `run` executes it as a prepared
statement on the session's connection and returns its first row as a tuple.
Prepared means prepared: psycopg ignores `prepare=True` on a connection whose
`prepare_threshold` is None, as config.py sets it, so `run` lowers it for the
statement (pg_connections.preparing). Until 2026-12-06 it did not, and in production each download's two
statements were parsed and planned again (bind 0.45-0.55 ms each in the
server's log; half of PostgreSQL's CPU for a download, by perf;
docs/benchmarks.md, 2026-12-06 afternoon).

What the SQLAlchemy path would have done is kept:

* pg_connections: a statement that comes first runs outside a transaction
  (the connection is put back in autocommit mode if SQLAlchemy left it
  otherwise); marked `own_transaction`, it commits by itself, and inside an
  open transaction it is part of it;
* db_failover: such a statement marks the request as having begun a COMMIT
  (a read that sent one is not run again), and a driver error goes through
  SQLAlchemy's error handling (handle_error, the pool's invalidation on a lost
  connection, the DBAPIError the failover's handler answers);
* the engine's `after_cursor_execute` listeners are told of the statement
  (with no execution context), so that what counts or watches statements sees
  it. `before_cursor_execute` is not sent: the app's own listeners of it
  (pg_connections' BEGIN, db_failover's mark) are done above.

Values are bound as the statement's compiled parameters say (their names, the
defaults of literals, and their types' bind processors: an Enum member written
as the column stores it, a UTCDateTime made UTC); result values go through
their column types' result processors, as SQLAlchemy's would (an Enum column's
member, a UTCDateTime in UTC), so that a row reads the same either way."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from flask import has_request_context, request
from psycopg.pq import TransactionStatus
from sqlalchemy import Enum
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import TypeEngine

from secretariat_app.core.db_failover import COMMITTED
from secretariat_app.core.pg_connections import LONE_READ, OWN_TRANSACTION, forget_reads_only, preparing

_IDLE = TransactionStatus.IDLE


@dataclass(frozen=True)
class DriverStatement:
    """A Core statement compiled for psycopg: its SQL, the defaults of its
    parameters (literals), whether it is its own transaction, what SQLAlchemy
    would do to each value bound (its parameters' types' bind processors) and
    to each value of a row (its column types' result processors: an Enum
    column's string made the member, a UTCDateTime made UTC)."""

    sql: str
    defaults: dict[str, Any]
    own_transaction: bool
    processors: tuple[tuple[int, Callable[[Any], Any]], ...] = ()
    binders: tuple[tuple[str, Callable[[Any], Any]], ...] = ()

    @classmethod
    def of(cls, statement: ClauseElement, connection: Connection) -> DriverStatement:
        dialect = connection.dialect
        compiled = statement.compile(dialect=dialect)
        if not isinstance(compiled, SQLCompiler):
            raise ValueError("a driver statement is a SELECT, INSERT, UPDATE or DELETE")
        options = getattr(statement, "_execution_options", {})
        if not (options.get(OWN_TRANSACTION) or options.get(LONE_READ)):
            raise ValueError("a driver statement is a lone read or its own transaction (pg_connections)")
        columns = getattr(statement, "selected_columns", ())
        processors = tuple((index, processor) for index, column in enumerate(columns)
                           if (processor := _result_processor(column.type, dialect)))
        binders = tuple((name, binder) for name, parameter in compiled.binds.items()
                        if (binder := parameter.type.dialect_impl(dialect).bind_processor(dialect)))
        return cls(str(compiled), dict(compiled.params), bool(options.get(OWN_TRANSACTION)), processors, binders)

    def bound(self, parameters: dict[str, Any]) -> dict[str, Any]:
        """The values to send for `parameters`: the literals' defaults, then each through its bind processor."""
        values = {**self.defaults, **parameters}
        for name, binder in self.binders:
            if name in values:
                values[name] = binder(values[name])
        return values

    def row(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        """A driver's row as SQLAlchemy would give it."""
        if not self.processors:
            return values
        row = list(values)
        for index, processor in self.processors:
            row[index] = processor(row[index])
        return tuple(row)


def _result_processor(column_type: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column type's result processor; an Enum's tabulated: each value the column may hold
    (and NULL) looked up in a dict of what SQLAlchemy's processor makes of it, a fifth of its
    cost (a page row holds three). A value the column may not hold raises LookupError, as
    SQLAlchemy's does."""
    impl = column_type.dialect_impl(dialect)
    processor = impl.result_processor(dialect, None)
    if processor is None or not isinstance(impl, Enum) or impl.enum_class is None:
        return processor
    table: dict[str | None, Any] = {value: processor(value) for value in impl.enums}
    table[None] = processor(None)
    return table.__getitem__


def run(connection: Connection, statement: DriverStatement, parameters: dict[str, Any]) -> tuple[Any, ...] | None:
    """Run `statement` prepared on the connection's psycopg connection; its first row."""
    rows = _run(connection, statement, parameters, first=True)
    return rows[0] if rows else None


def run_all(connection: Connection, statement: DriverStatement, parameters: dict[str, Any],
            processed: bool = True) -> list[tuple[Any, ...]]:
    """Run `statement` prepared on the connection's psycopg connection; all its rows. Not
    `processed`: as the driver gives them (an Enum column's text, a timestamp with time zone
    in the connection's zone), for a caller that reads them in one pass of its own."""
    return _run(connection, statement, parameters, first=False, processed=processed)


def _run(connection: Connection, statement: DriverStatement, parameters: dict[str, Any],
         first: bool, processed: bool = True) -> list[tuple[Any, ...]]:
    raw: Any = connection.connection.driver_connection
    if raw.pgconn.transaction_status == _IDLE:
        if not raw.autocommit:
            raw.autocommit = True  # as pg_connections: a statement that comes first is not in a transaction
        if statement.own_transaction and has_request_context():
            request.environ[COMMITTED] = True  # as db_failover: it commits by itself
    elif statement.own_transaction:  # a write in the request's transaction: it no longer only read
        forget_reads_only(connection.connection)
    values = statement.bound(parameters)
    cursor = raw.cursor()
    try:
        with preparing(raw):  # psycopg ignores prepare=True while the threshold is None (config.py)
            cursor.execute(statement.sql, values, prepare=True)
        # Whoever watches the engine's statements sees this one too (SQL counts, the failover
        # drills, bench/inbox/explain.py); there is no execution context (None, as the event allows).
        connection.dispatch.after_cursor_execute(connection, cursor, statement.sql, values, None, False)
        if first:
            row = cursor.fetchone()
            return [] if row is None else [statement.row(row)]
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return [statement.row(row) for row in rows] if processed else rows
    except psycopg.Error as error:
        connection._handle_dbapi_exception(error, statement.sql, values, cursor, None)  # raises DBAPIError
    finally:
        cursor.close()
