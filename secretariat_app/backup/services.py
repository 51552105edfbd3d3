"""Create, verify and restore a backup: one function each.

A backup is a new directory holding the database's snapshot (database.pgdump or
database.sqlite), the file store's files under files/ (as they lie in the
store: ab/cd/<sha256>) and manifest.json (manifest.py). It is written under a
temporary name beside its place and renamed when complete, so a directory
with a manifest is a finished backup."""
from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from flask import current_app
from flask_migrate import upgrade as alembic_upgrade
from sqlalchemy.engine import URL, make_url

from secretariat_app.backup import database, files
from secretariat_app.backup.errors import BackupError, DamagedBackup, TargetNotEmpty
from secretariat_app.backup.manifest import Manifest, problems, sha256_of
from secretariat_app.backup.schema import Relation, code_head, relation
from secretariat_app.extensions import db


@dataclass(frozen=True)
class Report:
    directory: Path
    manifest: Manifest
    upgraded_to: str | None = None  # a restore of an older schema: the revision it was upgraded to

    @property
    def store_files(self) -> int:
        return len(self.manifest.store_files())

    @property
    def store_bytes(self) -> int:
        return sum(entry.size for entry in self.manifest.store_files().values())

    @property
    def database_bytes(self) -> int:
        return self.manifest.files[self.manifest.database["file"]].size


def app_version() -> str:
    try:
        return metadata.version("cica-secretariat")
    except metadata.PackageNotFoundError:
        return "unknown"


def create_backup(directory: Path) -> Report:
    """Write a backup of the database and the file store into `directory`, a
    new or empty directory whose parent exists."""
    url, store = _database_url(), _store()
    directory = directory.absolute()
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(f"{directory} exists and is not an empty directory: name a new one for each backup")
    if not directory.parent.is_dir():
        raise BackupError(f"{directory.parent} does not exist: create it (and keep backups off the file store)")
    if directory.is_relative_to(store.absolute()):
        raise BackupError(f"{directory} is inside the file store {store}: keep backups elsewhere")
    work = directory.parent / f".{directory.name}.partial-{secrets.token_hex(4)}"
    work.mkdir(mode=0o700)
    try:
        snapshot = database.snapshot(url, work)
        entries = {snapshot.file: sha256_of(work / snapshot.file)}
        entries.update(files.copy_out(store, work, snapshot.referenced))
        manifest = Manifest(
            created_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            app_version=app_version(), schema_revision=snapshot.schema_revision,
            database={**snapshot.details, "file": snapshot.file}, files=entries)
        manifest.write(work)
        if directory.exists():
            directory.rmdir()
        os.rename(work, directory)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Report(directory, manifest)


def verify_backup(directory: Path) -> Report:
    """Check every file of the backup against its manifest; DamagedBackup if any differs."""
    manifest = Manifest.read(directory)
    found = problems(directory, manifest)
    if manifest.database.get("file") not in manifest.files:
        found.append(f"the database's file {manifest.database.get('file')!r} is not among the manifest's files")
    if found:
        raise DamagedBackup(f"the backup in {directory} does not match its manifest "
                            f"({len(found)} problem(s)):\n  " + "\n  ".join(found))
    return Report(directory, manifest)


def restore_backup(directory: Path, upgrade: bool = True) -> Report:
    """Restore the backup in `directory` into the empty database of DATABASE_URL
    and the empty FILE_STORE_DIR. Refuses, having written nothing, a damaged
    backup, a newer schema, or a target that is not empty. A backup of an older
    schema is upgraded to the code's after the restore (unless `upgrade` is False)."""
    manifest = verify_backup(directory).manifest
    age = relation(manifest.schema_revision, manifest.app_version)
    url, store = _database_url(), _store()
    database.check_tools(url, manifest.database)
    if not database.is_empty(url):
        raise TargetNotEmpty(f"the database {url.render_as_string(hide_password=True)} is not empty: a backup is "
                             "restored only into an empty database (create a new one, or drop and recreate it)")
    if not files.is_empty(store):
        raise TargetNotEmpty(f"the file store {store} is not empty: a backup is restored only into an empty "
                             "file store (FILE_STORE_DIR)")
    written: list[Path] = []
    try:
        files.copy_back(directory, manifest.store_files(), store, written)
        database.restore(directory / manifest.database["file"], url)
    except BaseException:
        files.remove(written, store)
        raise
    db.engine.dispose()  # connections opened before the restore know nothing of it
    upgraded_to = None
    if age is Relation.OLDER and upgrade:
        alembic_upgrade()
        upgraded_to = code_head()
    return Report(directory.absolute(), manifest, upgraded_to)


def schema_is_older(report: Report) -> bool:
    """After a restore without the upgrade: whether `flask db upgrade` is still to run."""
    return report.upgraded_to is None and report.manifest.schema_revision != code_head()


def _database_url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _store() -> Path:
    return Path(current_app.config["FILE_STORE_DIR"])
