"""`flask backup create | verify | restore`, on SQLite and on PostgreSQL.

The round trip: a database made by the migrations, documents circulated and
downloaded by a delegate; a backup; the database and the file store wiped;
the backup restored into a fresh database and an empty store; the delegate
downloads the same documents, byte for byte, from the restored app and the
audit log is the same. The refusals: a damaged backup (a stored file, the
dump, an extra file, no manifest), a schema newer than the code, a database
or a file store that is not empty. Each refusal writes nothing. A backup of
an older schema is restored and upgraded."""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import inspect, select, text

from config import TestConfig
from secretariat_app import create_app
from secretariat_app.audit.models import AuditEntry
from secretariat_app.backup import services
from secretariat_app.backup.errors import StoreError
from secretariat_app.documents.models import Document
from secretariat_app.extensions import db
from tests import services_available as services_check
from tests.conftest import IsolatedClient, _create_postgres_database, _drop_postgres_database, log_in
from tests.documents_helpers import READS, cast, library

MIGRATIONS = ScriptDirectory(str(Path(__file__).resolve().parents[2] / "migrations"))
HEAD = MIGRATIONS.get_current_head()
POSTGRES = pytest.param("postgresql", marks=[pytest.mark.postgres, pytest.mark.integration])


class Databases:
    """Fresh, empty databases of one backend, dropped at the end."""

    def __init__(self, backend: str, folder: Path):
        self.backend, self.folder, self.created, self.files = backend, folder, [], []

    def new(self) -> str:
        if self.backend == "sqlite":
            path = self.folder / f"database-{len(self.files)}.sqlite"
            self.files.append(path)
            return f"sqlite:///{path}"
        services_check.require("PostgreSQL", services_check.postgres_available(), services_check.POSTGRES_ADMIN_URL)
        name, url = _create_postgres_database()
        self.created.append(name)
        return url

    def wipe(self, url: str) -> None:
        """The database gone: the SQLite file deleted, the PostgreSQL database dropped."""
        if self.backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        else:
            _drop_postgres_database(url.rsplit("/", 1)[1])

    def drop_all(self) -> None:
        for name in self.created:
            _drop_postgres_database(name)


def make_app(url: str, store: Path) -> Flask:
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url, "FILE_STORE_DIR": str(store)})
    app.test_client_class = IsolatedClient
    return app


def close(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def cli(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


@dataclass
class Source:
    """What a backup was made of: the delegate, what they may read (bytes by
    version id), what they may not, and the audit log."""

    email: str
    readable: dict[int, bytes]
    unreadable: list[int]
    audit: list[tuple]


def audit_log() -> list[tuple]:
    return [(e.id, e.at, e.actor_id, e.action, e.object_type, e.object_id, e.before, e.after)
            for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def download(client, version_id: int):
    return client.get(f"/documents/versions/{version_id}/download")


def populate(app: Flask) -> Source:
    """Migrate, circulate the library of documents_helpers, and have delegate a1 download all they may read."""
    with app.app_context():
        upgrade()
        c = cast()
        docs = library(c)
        readable = [v.id for key in READS["a1"] for v in docs[key].versions]
        unreadable = [v.id for key, d in docs.items() if key not in READS["a1"] for v in d.versions]
        email = c.a1.email
    client = app.test_client()
    log_in(client, email)
    content = {}
    for version_id in readable:
        response = download(client, version_id)
        assert response.status_code == 200
        content[version_id] = response.data
    assert all(download(client, version_id).status_code == 404 for version_id in unreadable)
    with app.app_context():
        return Source(email, content, unreadable, audit_log())


@pytest.fixture(params=["sqlite", POSTGRES])
def databases(request, tmp_path):
    found = Databases(request.param, tmp_path)
    yield found
    found.drop_all()


def test_create_wipe_restore_then_the_same_documents_and_the_same_audit_log(databases, tmp_path):
    source_url, source_store = databases.new(), tmp_path / "files"
    source_app = make_app(source_url, source_store)
    before = populate(source_app)
    assert len(before.readable) >= 10 and before.unreadable
    backup = tmp_path / "backups" / "2026-12-05"
    backup.parent.mkdir()

    made = cli(source_app, "backup", "create", str(backup))
    assert made.exit_code == 0, made.output
    assert "schema revision" in made.output and (backup / "manifest.json").is_file()
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["schema_revision"] == HEAD and manifest["database"]["engine"] == databases.backend
    assert manifest["app_version"] and manifest["created_at"].endswith("Z")
    stored = {Path(name).name for name in manifest["files"] if name.startswith("files/")}
    with source_app.app_context():
        from secretariat_app.documents.models import StoredFile
        assert stored == set(db.session.scalars(select(StoredFile.sha256)))
    assert cli(source_app, "backup", "verify", str(backup)).exit_code == 0

    close(source_app)  # the wipe: nothing of the source remains
    databases.wipe(source_url)
    shutil.rmtree(source_store)

    target_url, target_store = databases.new(), tmp_path / "restored-files"
    target_app = make_app(target_url, target_store)
    restored = cli(target_app, "backup", "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert f"Verified {len(manifest['files'])} file(s)" in restored.output
    assert sorted(p.name for p in target_store.rglob("*") if p.is_file()) == sorted(stored)

    client = target_app.test_client()
    with target_app.app_context():
        assert audit_log() == before.audit  # the same entries, ids, times and details
        assert db.session.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    log_in(client, before.email)
    for version_id, content in before.readable.items():
        response = download(client, version_id)
        assert response.status_code == 200 and response.data == content, version_id
    assert all(download(client, version_id).status_code == 404 for version_id in before.unreadable)
    with target_app.app_context():
        after = audit_log()
        assert after[:len(before.audit)] == before.audit
        downloads = [entry for entry in after[len(before.audit):] if entry[3] == "document.download"]
        assert len(downloads) == len(before.readable)  # the restored app goes on appending
        # New rows take new ids: the sequences came back with the rows.
        assert db.session.execute(text("SELECT max(id) FROM document")).scalar() == max(
            d.id for d in db.session.scalars(select(Document)))
    close(target_app)


# The refusals ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=["sqlite", POSTGRES])
def installation(request, tmp_path_factory):
    """A backup of a small installation, and an empty target (database and store)
    that every refusal must leave empty: made once per backend for these tests."""
    folder = tmp_path_factory.mktemp(f"installation-{request.param}")
    databases = Databases(request.param, folder)
    source = make_app(databases.new(), folder / "files")
    populate(source)
    backup = folder / "backup"
    result = cli(source, "backup", "create", str(backup))
    assert result.exit_code == 0, result.output
    target = make_app(databases.new(), folder / "target-files")
    yield source, backup, target
    close(source)
    close(target)
    databases.drop_all()


@pytest.fixture
def made(installation, tmp_path):
    """The installation's source and target, and a copy of its backup to damage."""
    source, backup, target = installation
    copy = tmp_path / "backup"
    shutil.copytree(backup, copy)
    assert untouched(target)
    return source, copy, target


def untouched(app: Flask) -> bool:
    """The target as it was before a refused restore: no table, no stored file."""
    with app.app_context():
        db.engine.dispose()
        empty_db = inspect(db.engine).get_table_names() == []
        store = Path(app.config["FILE_STORE_DIR"])
        return empty_db and not any(p.is_file() for p in store.rglob("*")) if store.exists() else empty_db


def stored_file(backup: Path) -> Path:
    return next(p for p in sorted((backup / "files").rglob("*")) if p.is_file())


def test_a_tampered_stored_file_is_refused(made):
    _, backup, target = made
    path = stored_file(backup)
    content = bytearray(path.read_bytes())
    content[-1] ^= 0x01
    path.write_bytes(bytes(content))
    result = cli(target, "backup", "restore", str(backup))
    assert result.exit_code == 1 and "does not match its manifest" in result.output
    assert path.name in result.output
    assert untouched(target)
    assert cli(target, "backup", "verify", str(backup)).exit_code == 1


def test_a_tampered_database_dump_an_extra_file_or_no_manifest_is_refused(made):
    _, backup, target = made
    dump = next(backup.glob("database.*"))
    with open(dump, "ab") as handle:
        handle.write(b"\0")
    (backup / "files" / "stray").write_bytes(b"not listed")
    result = cli(target, "backup", "restore", str(backup))
    assert result.exit_code == 1
    assert f"{dump.name}: SHA-256" in result.output and "files/stray: not in the manifest" in result.output
    (backup / "manifest.json").unlink()
    result = cli(target, "backup", "restore", str(backup))
    assert result.exit_code == 1 and "no manifest.json" in result.output
    assert untouched(target)


def restore_with_manifest(made, change):
    """Restore the backup after `change(manifest)` rewrote its manifest; the target must stay untouched."""
    _, backup, target = made
    manifest = json.loads((backup / "manifest.json").read_text())
    change(manifest)
    (backup / "manifest.json").write_text(json.dumps(manifest))
    result = cli(target, "backup", "restore", str(backup))
    assert untouched(target)
    return result


def test_a_stored_file_renamed_with_its_manifest_entry_is_still_refused(made):
    """A manifest rewritten to match a changed file: the stored file's name is its sum."""
    from secretariat_app.backup.manifest import sha256_of

    path = stored_file(made[1])
    path.write_bytes(path.read_bytes() + b"changed")
    entry = sha256_of(path)

    def rename(manifest: dict) -> None:
        manifest["files"][path.relative_to(made[1]).as_posix()] = {"sha256": entry.sha256, "size": entry.size}

    result = restore_with_manifest(made, rename)
    assert result.exit_code == 1 and "must be named by its SHA-256" in result.output


def test_a_manifest_naming_a_database_file_it_does_not_list_is_refused(made):
    result = restore_with_manifest(made, lambda manifest: manifest["database"].update(file="../elsewhere.sqlite"))
    assert result.exit_code == 1 and "is not among the manifest's files" in result.output


def test_a_backup_of_a_newer_schema_is_refused(made):
    result = restore_with_manifest(made, lambda manifest: manifest.update(schema_revision="fffffffffff0",
                                                                          app_version="9.0.0"))
    assert result.exit_code == 1
    assert "fffffffffff0 is not one this code knows" in result.output and "app version 9.0.0" in result.output


def test_a_database_that_is_not_empty_is_refused(made):
    source, backup, target = made
    before = None
    with source.app_context():
        before = audit_log()
    result = cli(source, "backup", "restore", str(backup))  # into the database it came from
    assert result.exit_code == 1 and "is not empty" in result.output and "database" in result.output
    with source.app_context():
        assert audit_log() == before


def test_a_file_store_that_is_not_empty_is_refused(made):
    _, backup, target = made
    store = Path(target.config["FILE_STORE_DIR"])
    (store / "ab" / "cd").mkdir(parents=True)
    (store / "ab" / "cd" / "left-over").write_bytes(b"x")
    result = cli(target, "backup", "restore", str(backup))
    assert result.exit_code == 1 and f"the file store {store} is not empty" in result.output
    with target.app_context():
        assert inspect(db.engine).get_table_names() == []  # the database was not touched either
    shutil.rmtree(store / "ab")
    assert untouched(target)


def test_empty_folders_leave_a_file_store_empty(tmp_path):
    from secretariat_app.backup import files

    assert files.is_empty(tmp_path / "missing")
    (tmp_path / "store" / "tmp").mkdir(parents=True)
    assert files.is_empty(tmp_path / "store")
    (tmp_path / "store" / "tmp" / "upload-x").write_bytes(b"")
    assert not files.is_empty(tmp_path / "store")


def test_a_failed_database_restore_takes_the_restored_files_away(made, monkeypatch):
    _, backup, target = made
    from secretariat_app.backup import database

    def fail(_dump, _url):
        raise database.DatabaseError("the database went away")

    monkeypatch.setattr(database, "restore", fail)
    result = cli(target, "backup", "restore", str(backup))
    assert result.exit_code == 1 and "the database went away" in result.output
    assert untouched(target)


# Older schemas and the create side -------------------------------------------------------------------------

def test_a_backup_of_an_older_schema_is_restored_and_upgraded(databases, tmp_path):
    previous = MIGRATIONS.get_revision(HEAD).down_revision
    source = make_app(databases.new(), tmp_path / "files")
    with source.app_context():
        upgrade(revision=previous)
    backup = tmp_path / "old"
    assert cli(source, "backup", "create", str(backup)).exit_code == 0
    assert json.loads((backup / "manifest.json").read_text())["schema_revision"] == previous

    kept = make_app(databases.new(), tmp_path / "kept")
    result = cli(kept, "backup", "restore", "--no-upgrade", str(backup))
    assert result.exit_code == 0 and "run `flask --app wsgi db upgrade`" in result.output
    with kept.app_context():
        assert db.session.execute(text("SELECT version_num FROM alembic_version")).scalar() == previous

    upgraded = make_app(databases.new(), tmp_path / "upgraded")
    result = cli(upgraded, "backup", "restore", str(backup))
    assert result.exit_code == 0 and f"upgraded to {HEAD}" in result.output
    with upgraded.app_context():
        assert db.session.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    for app in (source, kept, upgraded):
        close(app)


def test_create_refuses_a_used_directory_a_database_without_revision_and_a_lost_file(databases, tmp_path):
    app = make_app(databases.new(), tmp_path / "files")
    used = tmp_path / "used"
    used.mkdir()
    (used / "something").write_text("x")
    result = cli(app, "backup", "create", str(used))
    assert result.exit_code == 1 and "is not an empty directory" in result.output

    with app.app_context():
        db.create_all()  # tables, but no alembic_version
    result = cli(app, "backup", "create", str(tmp_path / "b1"))
    assert result.exit_code == 1 and "no schema revision" in result.output
    assert not (tmp_path / "b1").exists() and not list(tmp_path.glob(".b1.partial-*"))

    with app.app_context():
        db.drop_all()
    populate(app)
    victim = next(p for p in (tmp_path / "files").rglob("*") if p.is_file() and len(p.name) == 64)
    victim.unlink()  # the store lost a file the database names
    result = cli(app, "backup", "create", str(tmp_path / "b2"))
    assert result.exit_code == 1 and victim.name in result.output and "not in the file store" in result.output
    assert not (tmp_path / "b2").exists() and not list(tmp_path.glob(".b2.partial-*"))
    close(app)


def test_a_damaged_file_in_the_store_stops_the_backup(tmp_path):
    from secretariat_app.backup import files

    store, out = tmp_path / "store", tmp_path / "out"
    good = store / "aa" / "bb" / ("a" * 64)
    good.parent.mkdir(parents=True)
    good.write_bytes(b"not what the name says")
    with pytest.raises(StoreError, match="damaged"):
        files.copy_out(store, out, set())
    assert services.app_version()  # the manifest's version is read from the installed package


def test_the_postgresql_tools_and_the_engine_are_checked_before_anything_is_written():
    from sqlalchemy.engine import make_url

    from secretariat_app.backup import database
    from secretariat_app.backup.errors import DatabaseError

    services_check.require("pg_restore", shutil.which("pg_restore") is not None, "PostgreSQL's client tools")
    postgres = make_url("postgresql+psycopg://secretariat@127.0.0.1/secretariat")
    major = database._tool_version("pg_restore")[0]
    database.check_tools(postgres, {"engine": "postgresql", "pg_dump_major": major, "pg_dump": str(major)})
    with pytest.raises(DatabaseError, match=f"cannot read a dump made by pg_dump {major + 1}"):
        database.check_tools(postgres, {"engine": "postgresql", "pg_dump_major": major + 1, "pg_dump": str(major + 1)})
    with pytest.raises(DatabaseError, match="holds a sqlite database; DATABASE_URL names a postgresql one"):
        database.check_tools(postgres, {"engine": "sqlite"})
    with pytest.raises(DatabaseError, match="in-memory"):
        database.is_empty(make_url("sqlite://"))


def test_the_password_reaches_the_postgresql_tools_in_the_environment_only():
    from sqlalchemy.engine import make_url

    from secretariat_app.backup.database import libpq_target

    conninfo, environment = libpq_target(make_url("postgresql+psycopg://owner:s%40cret@db.example:5433/sec"))
    assert conninfo == "postgresql://owner@db.example:5433/sec" and environment["PGPASSWORD"] == "s@cret"
