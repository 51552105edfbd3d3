"""A probe for tests that lean on an order nobody asked for (not loaded unless named):

    .venv/bin/python -m pytest -p tests.order_probe tests/web/test_x.py

(`python -m` puts the checkout on the path before pytest loads the plugin.)

- on SQLite, a SELECT without an ORDER BY returns its rows in the reverse of the
  usual order (PRAGMA reverse_unordered_selects);
- on either database, a SELECT through the session that has an ORDER BY gets its
  first table's primary key, descending, as a last key: rows tied on the ORDER BY
  come newest first, where PostgreSQL gives them in its heap's order (which an
  update or the cleanup's DELETE changes).

A test that passes without the probe and fails with it compares an order that the
query does not define: order the app's query where users see the order (a page, an
export, the API), or compare as a set where the order means nothing. Left out: a
SELECT with DISTINCT or GROUP BY (its ORDER BY may not name other columns) and text
statements."""
from __future__ import annotations

from sqlalchemy import Table, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import Select


def _reverse_unordered(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA reverse_unordered_selects = ON")
        cursor.close()


def _first_table(statement: Select) -> Table | None:
    froms = statement.get_final_froms()
    table = froms[0] if froms else None
    while table is not None and not isinstance(table, Table):
        table = getattr(table, "left", None)  # a join: its leftmost table
    return table


def _ties_newest_first(state: ORMExecuteState) -> None:
    statement = state.statement
    if not isinstance(statement, Select) or not statement._order_by_clauses:
        return
    if statement._distinct or statement._group_by_clauses:
        return
    table = _first_table(statement)
    if table is None or not table.primary_key.columns:
        return
    keys = [column.desc() for column in table.primary_key.columns]
    # A relationship's loader may hand back the statement it was given last time: add the keys once.
    if {str(key) for key in keys} <= {str(clause) for clause in statement._order_by_clauses}:
        return
    state.statement = statement.order_by(*keys)


def pytest_configure(config) -> None:
    event.listen(Engine, "connect", _reverse_unordered)
    event.listen(Session, "do_orm_execute", _ties_newest_first)


def pytest_unconfigure(config) -> None:
    event.remove(Engine, "connect", _reverse_unordered)
    event.remove(Session, "do_orm_execute", _ties_newest_first)
