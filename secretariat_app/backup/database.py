"""The database's part of a backup: a consistent snapshot, whether a database
is empty, and putting a snapshot back.

PostgreSQL: one REPEATABLE READ transaction exports its snapshot; pg_dump
(custom format) dumps exactly that snapshot while the same transaction reads
the schema revision and the list of stored files, so the manifest and the file
copy match the dump to the row. pg_restore puts it back in one transaction.
SQLite: the online backup API copies the live database page by page into a
consistent copy; the revision and the stored files are read from the copy."""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import URL

from secretariat_app.backup.errors import DatabaseError
from secretariat_app.documents.models import StoredFile

SQLITE_FILE = "database.sqlite"
POSTGRES_FILE = "database.pgdump"
# What a snapshot reads besides the dump: the schema revision and the stored files.
REVISION_SQL = "SELECT version_num FROM alembic_version"
STORED_FILES_SQL = f"SELECT sha256 FROM {StoredFile.__tablename__}"
# Relations of an empty PostgreSQL database: none outside the system schemas.
POSTGRES_RELATIONS_SQL = (
    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"
)


@dataclass(frozen=True)
class Snapshot:
    file: str  # its name in the backup
    schema_revision: str
    referenced: set[str]  # the SHA-256 of every stored file the snapshot's rows name
    details: dict[str, Any] = field(default_factory=dict)  # for the manifest: engine, versions


def engine_name(url: URL) -> str:
    name = url.get_backend_name()
    if name not in {"postgresql", "sqlite"}:
        raise DatabaseError(f"backups know PostgreSQL and SQLite, not {name}")
    return name


def snapshot(url: URL, into: Path) -> Snapshot:
    """Write a consistent copy of the database into the folder `into`."""
    found = _snapshot_postgres(url, into) if engine_name(url) == "postgresql" else _snapshot_sqlite(url, into)
    _fsync(into / found.file)
    return found


def is_empty(url: URL) -> bool:
    if engine_name(url) == "postgresql":
        with closing(_connect(url, "to restore into")) as connection:
            row = connection.execute(POSTGRES_RELATIONS_SQL).fetchone()
            return row is not None and row[0] == 0
    path = _sqlite_path(url)
    if not path.exists() or path.stat().st_size == 0:
        return True
    with closing(sqlite3.connect(path)) as connection:
        tables: int = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        return tables == 0


def check_tools(url: URL, details: dict[str, Any]) -> None:
    """Refuse before anything is written if this database or its tools cannot take the backup."""
    engine = engine_name(url)
    if details.get("engine") != engine:
        raise DatabaseError(f"the backup holds a {details.get('engine')} database; DATABASE_URL names a {engine} "
                            "one. Restore it into the kind of database it came from")
    if engine == "postgresql":
        major, version, _ = _tool_version("pg_restore")
        dumped = int(details.get("pg_dump_major", 0))
        if major < dumped:
            raise DatabaseError(f"pg_restore {version} cannot read a dump made by pg_dump {details.get('pg_dump')}: "
                                f"install the PostgreSQL {dumped} client (postgresql-client-{dumped}) or newer")


def restore(dump: Path, url: URL) -> None:
    """Put the snapshot `dump` into the (empty) database of `url`: all of it or,
    if anything fails, nothing."""
    if engine_name(url) == "postgresql":
        _restore_postgres(dump, url)
    else:
        _restore_sqlite(dump, url)


# SQLite ----------------------------------------------------------------------------------------------------

def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise DatabaseError("an in-memory SQLite database cannot be backed up or restored: set DATABASE_URL")
    return Path(url.database).absolute()


def _snapshot_sqlite(url: URL, into: Path) -> Snapshot:
    path = _sqlite_path(url)
    if not path.is_file():
        raise DatabaseError(f"there is no database at {path} (DATABASE_URL)")
    copy = into / SQLITE_FILE
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)  # all pages in one step: one consistent state of the database
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        revision, referenced = _state(target)
        return Snapshot(SQLITE_FILE, revision, referenced, {"engine": "sqlite", "sqlite": sqlite3.sqlite_version})


def _restore_sqlite(dump: Path, url: URL) -> None:
    path = _sqlite_path(url)
    existed = path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with closing(sqlite3.connect(f"{dump.absolute().as_uri()}?mode=ro", uri=True)) as source, \
                closing(sqlite3.connect(path)) as target:
            source.backup(target)
            result = target.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise DatabaseError(f"the restored database fails SQLite's integrity check: {result}")
    except (sqlite3.Error, DatabaseError) as error:
        if not existed:
            for leftover in (path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))):
                leftover.unlink(missing_ok=True)
        if isinstance(error, DatabaseError):
            raise
        raise DatabaseError(f"SQLite could not restore {dump} into {path}: {error}") from None


# PostgreSQL ------------------------------------------------------------------------------------------------

def libpq_target(url: URL) -> tuple[str, dict[str, str]]:
    """The connection URI for libpq's tools, without the password, and their
    environment with the password in PGPASSWORD (never on a command line)."""
    bare = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                      query=url.query)  # (url.set(password=None) would keep the password)
    conninfo = bare.render_as_string(hide_password=False)
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    return conninfo, environment


def _connect(url: URL, purpose: str) -> psycopg.Connection[Any]:
    conninfo, _ = libpq_target(url)
    try:
        return psycopg.connect(conninfo, password=url.password, autocommit=True, connect_timeout=10)
    except psycopg.Error as error:
        raise DatabaseError(f"cannot connect to the database {purpose} ({conninfo}): {str(error).strip()}. "
                            "A restore needs the database created, empty, beforehand "
                            "(createdb -O OWNER NAME)") from None


def _tool_version(tool: str) -> tuple[int, str, str]:
    """The major version, the version and the path of a PostgreSQL client tool."""
    path = shutil.which(tool)
    if path is None:
        raise DatabaseError(f"{tool} is not installed (or not on PATH): install the PostgreSQL client "
                            "of the server's version (postgresql-client-N)")
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?", output) or re.search(r"(\d+)(?:\.(\d+))?", output)
    if match is None:
        raise DatabaseError(f"cannot tell the version of {path}: {output.strip()!r}")
    return int(match.group(1)), match.group(0).split()[-1], path


def _snapshot_postgres(url: URL, into: Path) -> Snapshot:
    major, version, pg_dump = _tool_version("pg_dump")
    dump = into / POSTGRES_FILE
    conninfo, environment = libpq_target(url)
    with closing(_connect(url, "to back up")) as connection:
        server = connection.info.parameter_status("server_version") or "?"
        server_major = connection.info.server_version // 10000
        if major < server_major:
            raise DatabaseError(f"pg_dump {version} is older than the server (PostgreSQL {server}) and cannot dump "
                                f"it: install postgresql-client-{server_major}")
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        row = connection.execute("SELECT pg_export_snapshot()").fetchone()
        assert row is not None
        revision, referenced = _state(connection)
        result = subprocess.run(
            [pg_dump, "--format=custom", f"--snapshot={row[0]}", f"--file={dump}", f"--dbname={conninfo}"],
            env=environment, capture_output=True, text=True, check=False)
        connection.execute("COMMIT")
    if result.returncode != 0:
        raise DatabaseError(f"pg_dump failed (exit {result.returncode}): {result.stderr.strip()}")
    details = {"engine": "postgresql", "server": server, "pg_dump": version, "pg_dump_major": major}
    return Snapshot(POSTGRES_FILE, revision, referenced, details)


def _restore_postgres(dump: Path, url: URL) -> None:
    conninfo, environment = libpq_target(url)
    pg_restore = _tool_version("pg_restore")[2]
    # One transaction: a failure leaves the database as empty as it was. The restoring
    # role owns what it creates (the original owner may not exist on this server).
    result = subprocess.run(
        [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
         f"--dbname={conninfo}", str(dump)],
        env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise DatabaseError(f"pg_restore failed (exit {result.returncode}); nothing was restored: "
                            f"{result.stderr.strip()}")


# Both ------------------------------------------------------------------------------------------------------

def _state(connection: sqlite3.Connection | psycopg.Connection[Any]) -> tuple[str, set[str]]:
    """The schema revision and the stored files, as the snapshot has them."""
    try:
        revisions = [row[0] for row in connection.execute(REVISION_SQL).fetchall()]
    except (sqlite3.Error, psycopg.Error):
        raise DatabaseError("the database has no schema revision (no alembic_version table): "
                            "was it made by `flask db upgrade`?") from None
    if len(revisions) != 1:
        raise DatabaseError(f"the database should be at one schema revision, not {revisions or 'none'}")
    referenced = {str(row[0]) for row in connection.execute(STORED_FILES_SQL).fetchall()}
    return str(revisions[0]), referenced


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
