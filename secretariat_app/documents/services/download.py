"""Downloads: the fast path of documents.download, fenced in one module.

What it trades. A download is a key lookup, a right to check, an audit entry
to write and, on a reader's first download, a receipt (and the end of
"unread"); done plainly that is BEGIN, four or five statements and COMMIT,
each a round trip, before the file is sent. On PostgreSQL it is two:

1. `find_download` reads the version, its file and the facts of its document
   that decide the right in one prepared statement run outside a transaction
   (pg_connections.lone_read), the SQL form of the rule
   (permissions.documents.readable) as a column of it; the Python form
   (permissions.documents.may_read) then judges the same row, and the grant
   needs both forms to agree. The route then checks that the stored file is
   there. Nothing is written yet, so a refusal or a missing file leaves
   nothing to roll back.
2. `record_found_download` writes the audit entry and the receipt in ONE
   statement that is its own transaction (pg_connections.own_transaction): it
   reads the version again and writes, in CTEs, only where the SQL form of the
   rule still lets the reader read it (a right withdrawn in between writes
   nothing, and the answer is 404). PostgreSQL commits it as it ends: with
   synchronous_commit on, its WAL is on disk when it returns, so the audit
   entry is durable before a byte of the file is sent. No BEGIN and no COMMIT
   of their own: before, the writes ran in the first statement inside a
   transaction (BEGIN, the statement, COMMIT: three round trips) so that the
   Python rule and the file check could roll them back.

Each statement is built and compiled once per kind of reader and run as a
prepared statement with the reader and the version as bound parameters, on
the driver's cursor (core/driver_statements.py: SQLAlchemy's execution of the
two cost about 260 µs of CPU a download more than the statements themselves);
the write answers one column, whether the rule still granted.
Elsewhere (SQLite) `download_for` reads the row and the writes follow as plain
statements in the session's transaction, committed by `record_found_download`.

Why the count of round trips matters: bench/inbox/pipeline.py times each step
of a download in-process. On a shared machine each round trip to PostgreSQL
is a wait for its process to be scheduled (up to milliseconds under load),
and the commit waits for the disk (fdatasync: 0.5 to 8 ms on this machine's
shared disk, pg_test_fsync); bare send_file waits for neither. See
docs/benchmarks.md (issue 21). bench/inbox/run.py measures the download
through this path against a bare send_file of the same 10 MB file (target: at
least 0.8 of it); tests/web/test_download.py and
tests/services/test_document_access.py hold its answers to those of the rule.

Rows are read by name through a NamedTuple (`VersionRow`) whose fields are
checked against the statement's columns when the statement is built: one row
a request, which costs nothing measurable next to the request (see
_readable_download)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import Integer, String, bindparam, cast, delete, func, insert, literal, null, select, type_coerce
from sqlalchemy.dialects import postgresql

from secretariat_app.audit import services as audit
from secretariat_app.audit.models import AuditEntry
from secretariat_app.core import driver_statements
from secretariat_app.core.pg_connections import in_transaction, lone_read, own_transaction
from secretariat_app.documents.models import (
    DistributionLevel,
    Document,
    DocumentStatus,
    DocumentVersion,
    Receipt,
    StoredFile,
    UnreadMark,
)
from secretariat_app.documents.services.reading import add_receipt, receipt_ctes
from secretariat_app.domain import symbols
from secretariat_app.extensions import db, prepared_statements
from secretariat_app.permissions import is_secretariat
from secretariat_app.permissions.documents import Reader, facts_columns, facts_for, may_read, readable, reader_for


@dataclass(frozen=True)
class Download:
    version_id: int
    document_id: int
    symbol: str
    language: str
    sha256: str
    content_type: str
    extension: str
    size: int

    @property
    def file_name(self) -> str:
        """CICA-SOC-2024-17-ru.pdf."""
        return file_name_for(self.symbol, self.language, self.extension)


def file_name_for(symbol: str, language: str, extension: str) -> str:
    """The name a language version's file is saved under: CICA-SOC-2024-17-ru.pdf."""
    try:
        return symbols.parse(symbol).file_name(language, extension)
    except ValueError:  # a symbol from before the rules: the same shape, made safe
        safe = "".join(ch if ch.isalnum() or ch in ".-" else "-" for ch in symbol)
        return f"{safe}-{language}.{extension}"


class VersionRow(NamedTuple):
    """A row of _version_query, in its column order (checked when a statement is built)."""

    id: int
    document_id: int
    language: str
    symbol: str
    status: DocumentStatus
    level: DistributionLevel
    sha256: str
    content_type: str
    extension: str
    size: int
    circulated: bool
    named: bool


def _version_query(reader: Reader):
    """A version's file and what decides whether `reader` may read its document
    (download_for and open_download's statement both start from it)."""
    return (
        select(DocumentVersion.id, DocumentVersion.document_id, DocumentVersion.language,
               Document.symbol, Document.status, Document.level,
               StoredFile.sha256, StoredFile.content_type, StoredFile.extension, StoredFile.size,
               *facts_columns(reader))
        .join(Document, Document.id == DocumentVersion.document_id)
        .join(StoredFile, StoredFile.sha256 == DocumentVersion.file_sha256)
    )


def _check_columns(query) -> None:
    """VersionRow names _version_query's columns in their order: checked when
    open_download's statement is built (once per process) and by the tests."""
    columns = tuple(query.selected_columns.keys())[:len(VersionRow._fields)]
    if columns != VersionRow._fields:
        raise AssertionError(f"_version_query's columns {columns} are not VersionRow's {VersionRow._fields}")


def _readable_download(reader: Reader, row) -> Download | None:
    """The Download of a _version_query row, if the rule lets `reader` read its
    document. By name, through VersionRow: measured with timeit, 3.1 µs against
    2.7 µs by position, on a download_for of 600 µs or more (nothing measurable)."""
    row = VersionRow._make(row[:len(VersionRow._fields)])
    if not may_read(reader, facts_for(reader, row.status, row.level, row.circulated, row.named)):
        return None
    return Download(row.id, row.document_id, row.symbol, row.language, row.sha256, row.content_type,
                    row.extension, row.size)


def download_for(user, version_id: int) -> Download | None:
    """The file of a version, if `user` may read its document (one query)."""
    reader = reader_for(user)
    with prepared_statements():  # key lookups: planning them cost more than running them
        row = db.session.execute(_version_query(reader).where(DocumentVersion.id == version_id)).first()
    return None if row is None else _readable_download(reader, row)


def record_download(user, download: Download) -> None:
    """Every download is audited (who, what, when); a reader's first one is
    also their receipt. One transaction; on PostgreSQL one statement and the
    commit."""
    _write_download(user, download)
    db.session.commit()


def record_downloads(user, downloads: list[Download], details: dict | None = None) -> None:
    """Audit each of `downloads` as a download by `user` (and, for a delegate,
    the receipt of each document), with `details` added to each entry; commits."""
    for download in downloads:
        _write_download(user, download, details)
    db.session.commit()


def _write_download(user, download: Download, extra: dict | None = None) -> None:
    details = _download_details(download.version_id, download.symbol, download.language, download.sha256)
    entry = audit.entry_values(user, "document.download", "document", download.document_id, None,
                               {**details, **extra} if extra else details)
    reader = None if is_secretariat(user) else user.id
    if db.session.get_bind().dialect.name == "postgresql":
        statement = insert(AuditEntry.__table__).values(**entry)
        if reader is not None:
            statement = statement.add_cte(*receipt_ctes(reader, download.document_id))
        with prepared_statements():
            db.session.execute(statement)
    else:
        if reader is not None:
            add_receipt(reader, download.document_id)
        db.session.execute(insert(AuditEntry.__table__).values(**entry))


def _download_details(version_id, symbol, language, sha256) -> dict:
    """What the audit entry of a download says (what is json_build_object's below)."""
    return {"version_id": version_id, "symbol": symbol, "language": language, "sha256": sha256}


def find_download(user, version_id: int) -> Download | None:
    """The file of a version, if `user` may read its document; nothing written.

    On PostgreSQL one prepared statement outside a transaction, with the SQL
    form of the rule as a column: both forms must grant. Elsewhere: download_for."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return download_for(user, version_id)
    reader = reader_for(user)
    statement = _driver_statement(connection, "find", reader.is_secretariat, reader.delegation_id is not None)
    row = driver_statements.run(connection, statement, _parameters(user, version_id))
    if row is None or not row[-1]:  # its last column: the rule's SQL answer
        return None
    return _readable_download(reader, row)


def record_found_download(user, found: Download) -> bool:
    """Write the audit entry (and, for a delegate, the receipt) of `found`, a
    download find_download granted, and commit: the entry is durable when this
    returns. False when the right was withdrawn since (nothing written).

    On PostgreSQL one statement, its own transaction (no BEGIN, no COMMIT
    round trip), that writes only where the SQL form of the rule still grants."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        _write_download(user, found)
        db.session.commit()
        return True
    reader = reader_for(user)
    statement = _driver_statement(connection, "record", reader.is_secretariat, reader.delegation_id is not None)
    row = driver_statements.run(connection, statement, _parameters(user, found.version_id))
    if in_transaction(connection):
        db.session.commit()  # it joined a transaction the request had opened: commit it now
    return row is not None and bool(row[0])


def open_download(user, version_id: int) -> Download | None:
    """find_download and record_found_download at once, for callers that need
    no check between them (the tests of every door): committed when it grants."""
    found = find_download(user, version_id)
    if found is None or not record_found_download(user, found):
        return None
    return found


def _parameters(user, version_id: int) -> dict:
    return {"version_id": version_id, "reader_id": user.id, "reader_delegation_id": user.delegation_id}


# The reader, as bound parameters of the statement below (built once per kind of reader).
_VERSION, _READER = bindparam("version_id", type_=Integer), bindparam("reader_id", type_=Integer)
_READER_DELEGATION = bindparam("reader_delegation_id", type_=Integer)


def _bound_reader(secretariat: bool, has_delegation: bool) -> Reader:
    return Reader(user_id=_READER, delegation_id=_READER_DELEGATION if has_delegation else None,  # type: ignore[arg-type]
                  is_secretariat=secretariat)


def _found_query(secretariat: bool, has_delegation: bool):
    """The version, its file, the facts of the rule and the rule's SQL answer
    (`readable`), for the bound reader and version."""
    reader = _bound_reader(secretariat, has_delegation)
    query = _version_query(reader)
    _check_columns(query)
    return query.add_columns(readable(reader).label("readable")).where(DocumentVersion.id == _VERSION)


_DRIVER_STATEMENTS: dict[tuple[str, bool, bool], driver_statements.DriverStatement] = {}


def _driver_statement(connection, kind: str, secretariat: bool, has_delegation: bool):
    """find_download's read or record_found_download's write for a kind of
    reader, compiled once per process and run on the driver's cursor."""
    key = (kind, secretariat, has_delegation)
    statement = _DRIVER_STATEMENTS.get(key)
    if statement is None:
        built = (_find_statement if kind == "find" else _open_download_statement)(secretariat, has_delegation)
        statement = _DRIVER_STATEMENTS[key] = driver_statements.DriverStatement.of(built, connection)
    return statement


def _find_statement(secretariat: bool, has_delegation: bool):
    """find_download's read for a kind of reader (its last column: the rule's SQL answer)."""
    return lone_read(_found_query(secretariat, has_delegation))


def _open_download_statement(secretariat: bool, has_delegation: bool):
    """record_found_download's statement for a kind of reader, with the reader and the
    version as bound parameters. Its own transaction when it comes first
    (own_transaction). It answers one column, whether the rule still grants."""
    found = _found_query(secretariat, has_delegation).cte("found")
    readable_ids = select(found.c.document_id).where(found.c.readable)
    details = func.json_build_object(*(item for key, column in _download_details(
        found.c.id, found.c.symbol, found.c.language, found.c.sha256).items() for item in (key, column)))
    audited = insert(AuditEntry.__table__).from_select(
        ["at", "actor_id", "action", "object_type", "object_id", "before", "after"],
        select(func.now(), _READER, literal("document.download"), literal("document"),
               cast(found.c.document_id, String), null(),
               type_coerce(details, AuditEntry.__table__.c.after.type)).where(found.c.readable))
    statement = select(found.c.readable).add_cte(audited.cte("audited"))
    if not secretariat:
        table = Receipt.__table__
        received = (postgresql.insert(table)
                    .from_select(["user_id", "document_id", "read_at"],
                                 select(_READER, found.c.document_id, func.now()).where(found.c.readable))
                    .on_conflict_do_nothing(index_elements=[table.c.user_id, table.c.document_id]))
        unread = UnreadMark.__table__
        ended = delete(unread).where(unread.c.user_id == _READER, unread.c.document_id.in_(readable_ids))
        statement = statement.add_cte(received.cte("receipt_added"), ended.cte("unread_ended"))
    return own_transaction(statement)
