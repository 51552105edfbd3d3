"""Who may read a document, at every door: one rule, answered in Python for a
row and in SQL for a list.

The rule itself is plain data in domain/visibility.py: READING (for each kind
of reader, the statuses they read and, per level, how a document must have
reached them: always, through their delegation's circulation, or by name) and
RECEIVING (to whom each level may be circulated). This module derives both
forms from those tables, in the spirit of a hybrid attribute:

- `may_read(reader, facts)`: the Python form (domain.visibility.may_read), for
  one document's facts;
- `readable(reader, document=Document)`: the SQL form, a WHERE condition on
  document rows (or an alias of them), built by walking the same table: the
  statuses the reader's kind reads, and for each way a document reaches them,
  the levels it opens and the EXISTS that says it did;
- `status_clause` and `level_clause`: the pieces of that condition, for a fast
  path that walks each way's own index instead (the inbox; a delegate's
  search, permissions/search.py `walks`);
- `may_read_document(user, id)`: one document, its facts read in SQL and
  judged in Python;
- `may_receive(level, member, named)`: circulation's side (RECEIVING).

Every door that shows or lists documents goes through here: the inbox's page
and its document pages (documents/services/inbox.py, documents/inbox/), the
download (documents/services/download.py), a document's related documents
(documents/services/reading.py), the officers' archive and meeting lists
(documents/services/archive.py), a CBM paper's links (cbm/web/routes_papers.py)
and circulation's check of the level (documents/services/circulation.py).
tests/services/test_document_access.py holds the Python and SQL forms to the
same answers over every kind of reader, level, status and circulation.

Where is the rule that an observer may not read a LIMITED document? Here, from
domain.visibility's tables: RECEIVING[LIMITED] is member delegations only (an
observer's delegation is never circulated one), and READING opens a LIMITED
document to anyone but the Secretariat only through a circulation to their
delegation."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Integer, and_, bindparam, exists, false, literal_column, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from secretariat_app.documents.models import (
    Circulation,
    DistributionLevel,
    Document,
    DocumentStatus,
    NamedRecipient,
)
from secretariat_app.domain.visibility import (
    ALWAYS,
    DELEGATION,
    LEVELS,
    NAMED,
    READING,
    STATUSES,
    DocumentFacts,
    Reader,
    may_read,
)
from secretariat_app.domain.visibility import may_receive as _may_receive
from secretariat_app.extensions import db
from secretariat_app.permissions import is_secretariat

__all__ = ["Reader", "DocumentFacts", "may_read", "reader_for", "readable", "status_clause", "level_clause",
           "reached_clause", "facts_columns", "facts_for", "may_read_document", "may_receive", "constant",
           "readable_bound", "reader_params"]


def reader_for(user) -> Reader:
    return Reader(user_id=user.id, delegation_id=user.delegation_id, is_secretariat=is_secretariat(user))


# The SQL form -------------------------------------------------------------------

def constant(column, value: str) -> ColumnElement:
    """An enumeration's value written into the SQL, not bound: the same in every
    execution, and so known to the planner when PostgreSQL plans a statement
    once for all readers (a prepared statement's generic plan)."""
    return literal_column("'" + value.replace("'", "''") + "'", column.type)


def _among(column, values: Iterable[str], universe: tuple[str, ...]) -> ColumnElement[bool]:
    """`column` holds one of `values` (out of `universe`): the shorter of IN and
    NOT IN, with the values written into the SQL (status != 'draft')."""
    wanted = [value for value in universe if value in set(values)]
    others = [value for value in universe if value not in wanted]
    if not others:
        return true()
    if not wanted:
        return false()
    if len(others) < len(wanted):
        return column != constant(column, others[0]) if len(others) == 1 else \
            column.not_in([constant(column, value) for value in others])
    return column == constant(column, wanted[0]) if len(wanted) == 1 else \
        column.in_([constant(column, value) for value in wanted])


def status_clause(kind: str, status=Document.status) -> ColumnElement[bool]:
    """The statuses `kind` of reader reads (READING), on a document's status column."""
    return _among(status, READING[kind].statuses, STATUSES)


def level_clause(kind: str, way: str, level=Document.level) -> ColumnElement[bool]:
    """The levels that `kind` of reader reads once a document reached them by `way`."""
    return _among(level, READING[kind].levels_reached(way), LEVELS)


def reached_clause(reader: Reader, way: str, document=Document) -> ColumnElement[bool]:
    """Whether the document reached `reader` by `way` (an EXISTS on its circulation
    to the reader's delegation, or on its named recipients)."""
    if way == ALWAYS:
        return true()
    if way == DELEGATION:
        if reader.delegation_id is None:
            return false()
        return exists().where(Circulation.document_id == document.id,
                              Circulation.delegation_id == reader.delegation_id)
    if way == NAMED:
        return exists().where(NamedRecipient.document_id == document.id, NamedRecipient.user_id == reader.user_id)
    raise ValueError(f"unknown way {way!r}")


def readable(reader: Reader, document=Document) -> ColumnElement[bool]:
    """may_read as a WHERE condition on `document` (Document or an alias of it):
    the rows `reader` may read."""
    rule = reader.rule
    return and_(status_clause(reader.kind, document.status),
                or_(*(and_(level_clause(reader.kind, way, document.level), reached_clause(reader, way, document))
                      for way in rule.ways)))


# The reader's ids bound, for a statement built once per kind of reader and reused.
READER_USER = bindparam("reader_user_id", type_=Integer)
READER_DELEGATION = bindparam("reader_delegation_id", type_=Integer)


def readable_bound(reader: Reader, document=Document) -> ColumnElement[bool]:
    """readable(), the reader's ids bound (READER_USER, READER_DELEGATION) instead
    of written in: the same for every reader of the same kind with (or without) a
    delegation. Execute it with reader_params(reader)."""
    bound = Reader(user_id=READER_USER,  # type: ignore[arg-type]
                   delegation_id=None if reader.delegation_id is None else READER_DELEGATION,  # type: ignore[arg-type]
                   is_secretariat=reader.is_secretariat)
    return readable(bound, document)


def reader_params(reader: Reader) -> dict[str, int | None]:
    return {"reader_user_id": reader.user_id, "reader_delegation_id": reader.delegation_id}


# One document: its facts in SQL, judged in Python ------------------------------------

def facts_columns(reader: Reader, document=Document) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The facts of a document that depend on the reader, as columns labelled
    "circulated" (to the reader's delegation) and "named" (the reader by name)."""
    return (reached_clause(reader, DELEGATION, document).label("circulated"),
            reached_clause(reader, NAMED, document).label("named"))


def facts_for(reader: Reader, status: DocumentStatus, level: DistributionLevel,
              circulated: bool, named: bool) -> DocumentFacts:
    """What domain.visibility needs to know, as far as this reader is concerned."""
    return DocumentFacts(
        status=status.value,
        level=level.value,
        circulated_to=frozenset({reader.delegation_id}) if circulated and reader.delegation_id else frozenset(),
        named=frozenset({reader.user_id}) if named else frozenset(),
    )


def may_read_document(user, document_id: int) -> bool:
    """Whether `user` may read the document; False when it does not exist
    (the caller answers 404 either way, so that existence does not leak)."""
    reader = reader_for(user)
    query = select(Document.status, Document.level, *facts_columns(reader)).where(Document.id == document_id)
    row = db.session.execute(query).first()
    return row is not None and may_read(reader, facts_for(reader, row.status, row.level, row.circulated, row.named))


# Circulation's side ------------------------------------------------------------------

def may_receive(level: DistributionLevel | str, delegation_is_member: bool, named: bool) -> bool:
    """Whether a document of `level` may be circulated to a delegation (member or
    not) or, for RESTRICTED, to a named person (RECEIVING)."""
    return _may_receive(level.value if isinstance(level, DistributionLevel) else level, delegation_is_member, named)
