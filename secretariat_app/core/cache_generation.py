"""Caches that every web process keeps, kept true across processes and hosts.

A web process may keep rows in memory that change rarely and are read on many
pages (the inbox's filter choices: every body and meeting). The app runs as
several gunicorn processes on several hosts, so a change made through one must
be seen by every other on its very next request. Each change to a watched model
draws a new random number into the one row of `cache_generation`, in the
same transaction as the change (at each flush that holds one): it is committed
with the change or not at all. The module that keeps the rows names their
models (`watch`); create_app imports it in every process that can write them
(web, worker, command line). Every request reads that number with its reader's row
(accounts/login.py: a scalar subquery of the statement it already makes, one
primary-key lookup, no extra round trip), and a cache kept with another
number is read again.

The number is random, not a counter: a counter could come back to a value a
process has already seen (a restored backup, a row deleted and created again)
and a cache older than the restore would pass for current.

A request that reads the generation before a change commits and its cache
after is harmless: the rows it reads are at least as new as the number it keeps
them under, so the next request that sees a newer number reads them again.
What a transaction with a watched change still open reads is never kept (it may
be rolled back): `uncommitted_changes()` says so.
"""
from __future__ import annotations

import secrets
from itertools import chain

from flask import g, has_app_context
from sqlalchemy import event, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction
from sqlalchemy.sql.selectable import ScalarSelect

from secretariat_app.core.models import CacheGeneration
from secretariat_app.extensions import db

ROW = 1
_SEEN = "cache_generation"  # in `g`: the generation this request read with its reader
_CHANGED = "cache_generation_changed"  # in Session.info: this transaction changed a watched row
_WATCHED: set[type] = set()


def watch(*models: type) -> None:
    """Draw a new generation in every transaction that adds, changes or deletes
    one of `models` (through the ORM: the app writes these rows no other way)."""
    _WATCHED.update(models)


_READ = select(CacheGeneration.generation).where(CacheGeneration.id == ROW)


def column() -> ScalarSelect[int]:
    """The generation, as a column of a statement a request already makes."""
    return _READ.scalar_subquery()


def seen(generation: int | None) -> None:
    """Keep the generation the request read (with its reader's row)."""
    setattr(g, _SEEN, generation)


def current() -> int | None:
    """The generation this request read with its reader; outside a request that
    read one (a worker, the shell), read now. None while no change was made."""
    if has_app_context() and _SEEN in g:
        kept: int | None = g.get(_SEEN)
        return kept
    return db.session.scalar(_READ)


def uncommitted_changes() -> bool:
    """True while the session's transaction has changed a watched row: what it
    reads now is not to be kept for other requests."""
    return bool(db.session.info.get(_CHANGED))


def _draw(connection: Connection) -> None:
    """Write a new generation (the row is created by the first change)."""
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    fresh = secrets.randbits(62)
    statement = insert(CacheGeneration.__table__).values(id=ROW, generation=fresh)
    connection.execute(statement.on_conflict_do_update(index_elements=["id"], set_={"generation": fresh}))


@event.listens_for(Session, "after_flush")
def _watched_rows_flushed(session: Session, _flush_context: UOWTransaction) -> None:
    # Drawn at every flush that holds a watched change (rare writes): a savepoint
    # rolled back with an earlier draw leaves none behind for what follows it.
    watched = tuple(_WATCHED)
    if watched and any(isinstance(obj, watched) for obj in chain(session.new, session.dirty, session.deleted)):
        session.info[_CHANGED] = True
        _draw(session.connection())
        if has_app_context():
            g.pop(_SEEN, None)  # this request reads the generation again, within its transaction


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed or rolled back, not a savepoint
        session.info.pop(_CHANGED, None)
