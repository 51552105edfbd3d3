"""Database failover without errors (issue 18, item 3).

When PostgreSQL fails over or restarts, every connection of every pool dies.
pg_connections trusts a connection used in the last IDLE_PING_AFTER seconds
without a ping (the fast path), so the first statement of the next request in
each worker meets the dead connection. What happens then:

* The error is recognised as a lost connection: psycopg's own test (the
  connection is closed or broken) and, in `handle_error`, the server's codes
  for it (class 08, administrator or crash shutdown). SQLAlchemy then
  invalidates the connection and the whole pool of the process: every
  connection opened before the error is replaced at its next checkout, since a
  failover ends them all.
* A read (GET or HEAD that has not begun a COMMIT) is retried once, from the
  start, on a fresh connection: RetryReads holds back the response of the
  first attempt, so nothing of it reaches the client, and runs the request
  again. A request that fails again answers the "try again" page.
* Anything else (a write, a read that committed, a database that cannot be
  reached, a SQLite database still locked after its busy timeout, a deadlock)
  rolls back and answers 503 with Retry-After: the page in errors.py. A
  transaction cut off with its connection was rolled back by the server, so
  nothing is half-written; a COMMIT cut off may or may not have happened, and
  the page says so.

A response already streaming when the connection dies cannot be retried (its
first bytes are sent); no page of this app reads the database while it streams.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import psycopg
from flask import Flask, current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, ExceptionContext, ExecutionContext
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from secretariat_app.core.pg_connections import OWN_TRANSACTION
from secretariat_app.extensions import db

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

RETRY_AFTER_SECONDS = 5
RETRIED_METHODS = frozenset({"GET", "HEAD"})
RETRY = "secretariat.db_retry"        # environ: the error handler asks RetryReads for a second attempt
RETRIED = "secretariat.db_retried"    # environ: this is the second attempt
COMMITTED = "secretariat.db_commit"   # environ: the request began a COMMIT (it may have written)

# PostgreSQL's codes for a connection that is gone or cannot be had.
_LOST_SQLSTATES = ("08", "57P01", "57P02", "57P03")  # connection exception; admin / crash shutdown; starting up
# Codes that say "the same statement may succeed in a moment": too many connections,
# serialization failure, deadlock, lock not available.
_BUSY_SQLSTATES = ("53300", "40001", "40P01", "55P03")
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6  # "database is locked" after the busy timeout, "database table is locked"


def transient_error(error: BaseException | None) -> DBAPIError | None:
    """The database error behind `error` that a later attempt may not meet (a lost
    connection, a database that cannot be reached or is busy), or None. Follows
    the chain of causes: code that caught the first error and went on meets
    PendingRollbackError, which holds it."""
    for _ in range(5):
        if error is None:
            return None
        if isinstance(error, DBAPIError) and (error.connection_invalidated or _transient(error.orig)):
            return error
        error = error.__cause__ or error.__context__
    return None


def _transient(orig: BaseException | None) -> bool:
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    if not isinstance(orig, psycopg.Error):
        return False
    if orig.sqlstate is None:  # psycopg's own errors carry no code: connecting failed, or the connection broke
        return isinstance(orig, psycopg.OperationalError)
    return orig.sqlstate.startswith(_LOST_SQLSTATES + _BUSY_SQLSTATES)


def _lost(orig: BaseException) -> bool:
    return isinstance(orig, psycopg.Error) and orig.sqlstate is not None and orig.sqlstate.startswith(_LOST_SQLSTATES)


def configure(engine: Engine) -> None:
    """Recognise lost connections and note the requests that began a COMMIT."""

    @event.listens_for(engine, "handle_error")
    def lost_connection(context: ExceptionContext) -> None:
        if not context.is_disconnect and _lost(context.original_exception):
            context.is_disconnect = True
        if context.is_disconnect:
            context.invalidate_pool_on_disconnect = True  # SQLAlchemy's default, and what a failover needs

    @event.listens_for(engine, "commit")
    def committing(connection: Connection) -> None:
        if has_request_context():
            request.environ[COMMITTED] = True

    @event.listens_for(engine, "before_cursor_execute")
    def committing_by_itself(connection: Connection, cursor: Any, statement: str, parameters: Any,
                             context: ExecutionContext | None, executemany: bool) -> None:
        # A statement that is its own transaction (pg_connections.own_transaction) may commit.
        if context is not None and context.execution_options.get(OWN_TRANSACTION) and has_request_context():
            request.environ[COMMITTED] = True


def recover(error: DBAPIError) -> bool:
    """After a transient database error in a request: roll back and let the
    connection go, and ask for a second attempt when the request is a read that
    may be run again. Returns whether the request asked for one."""
    _discard_session()
    environ = request.environ
    retry = (error.connection_invalidated and request.method in RETRIED_METHODS
             and not environ.get(COMMITTED) and not environ.get(RETRIED))
    if retry:
        environ[RETRY] = True
    current_app.logger.warning("database %s during %s %s: %s (%s)",
                               "connection lost" if error.connection_invalidated else "unavailable",
                               request.method, request.path,
                               "retrying once on a fresh connection" if retry else "answered 503",
                               _first_line(error.orig),
                               exc_info=error if current_app.debug else None)
    return retry


def _first_line(orig: BaseException | None) -> str:
    lines = str(orig).strip().splitlines()
    return lines[0] if lines else type(orig).__name__


def may_have_written() -> bool:
    """Whether the request began a COMMIT: what it sent may have been saved."""
    return bool(request.environ.get(COMMITTED))


def _discard_session() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection is invalidated: nothing is left to roll back
        pass
    _remove_session()


def _remove_session() -> None:
    try:
        db.session.remove()
    except SQLAlchemyError as error:
        if transient_error(error) is None:
            raise
        db.session.remove()  # the first attempt invalidated the connection: this one sends nothing


class RetryReads:
    """WSGI middleware: runs a GET or HEAD a second time when its first attempt
    asked for it (recover). The first attempt's status and headers are held back
    until it is known, so the client sees only the second; other methods pass
    straight through."""

    def __init__(self, wsgi_app: WSGIApplication) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") not in RETRIED_METHODS:
            return self.wsgi_app(environ, start_response)
        attempt = dict(environ)  # the second attempt starts from the environ as the server gave it
        held: list[Any] = []
        sent: list[Callable[[bytes], object]] = []

        def write(data: bytes) -> None:  # WSGI's legacy write(): bytes go out, no retry after it
            if not sent:
                sent.append(start_response(*held))
            sent[0](data)

        def hold(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            held[:] = [status, headers, exc_info]
            return write

        body = self.wsgi_app(attempt, hold)
        if not attempt.get(RETRY) or sent:
            if not sent:
                start_response(*held)
            return body
        close = getattr(body, "close", None)
        if close is not None:
            close()
        second = dict(environ)
        second[RETRIED] = True
        return self.wsgi_app(second, start_response)


def register_failover(app: Flask) -> None:
    """Retry reads (after ProxyFix is in place, so that each attempt runs it) and
    end sessions whose connection died after their last statement."""
    app.wsgi_app = RetryReads(app.wsgi_app)  # type: ignore[method-assign]
    # Runs before Flask-SQLAlchemy's own teardown (teardowns run last registered first):
    # a connection that died after the request's last statement fails the ROLLBACK
    # that ends its transaction; the response is ready and stays as it is.
    app.teardown_appcontext(lambda _error: _remove_session())
