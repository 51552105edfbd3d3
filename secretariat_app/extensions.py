"""Extension objects, created unbound; create_app() binds them."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, cast

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Connection, CursorResult, MetaData, Result, Table, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import ConnectionPoolEntry

from secretariat_app.core.pg_connections import preparing

# Constraint names are deterministic, so Alembic can alter and drop them on
# every database (SQLite batch mode needs the names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    if TYPE_CHECKING:
        # Every model is mapped to a Table (none to a join or a select), so its
        # Core statements (Model.__table__.update(), insert(Model.__table__)) type-check.
        __table__: ClassVar[Table]


db = SQLAlchemy(model_class=Base)

# The models' base class. Flask-SQLAlchemy builds db.Model at run time (Base's body
# with its query property and table naming); a type checker cannot take an
# attribute as a base class (python/mypy#8603), so to it the models derive from
# Base, the DeclarativeBase that gives them their typed constructor and columns.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def client_address() -> str:
    return request.remote_addr or "unknown"


limiter = Limiter(key_func=client_address)

SQLITE_BUSY_TIMEOUT_MS = 5000  # then "database is locked": a 503 "try again" page (core/db_failover.py)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    """SQLite as a real server-side store: WAL for concurrent readers, foreign
    keys enforced, and a wait instead of 'database is locked'."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()


@contextmanager
def prepared_statements() -> Iterator[Connection]:
    """The session's connection, on which the statements run inside the block are
    prepared on the server (PostgreSQL): planned once per connection, not on every
    request. config.py leaves psycopg's automatic preparing off, since a generic
    plan can be far worse than a custom one; use this only for statements whose
    plan does not depend on the values bound (key lookups, the inbox's page).

    psycopg forgets its prepared statements at a ROLLBACK, but not when no
    transaction was open: the inbox's statements are lone reads (pg_connections)."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        yield connection
        return
    driver = connection.connection.driver_connection
    assert driver is not None  # a connection checked out of the pool has its driver's
    with preparing(driver):
        yield connection


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched. Session.execute() types its result as
    a Result; for these statements it is a CursorResult, which has the count."""
    return cast(CursorResult[Any], result).rowcount
