"""`flask --app wsgi backup create|verify|restore DIR`."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click
from flask import Flask

from secretariat_app.backup import services
from secretariat_app.backup.errors import BackupError

T = TypeVar("T")


def register_backup_cli(app: Flask) -> None:
    @app.cli.group("backup")
    def backup_group() -> None:
        """Back up and restore the database and the file store."""

    @backup_group.command("create")
    @click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
    def backup_create(directory: Path) -> None:
        """Write a backup into DIRECTORY (new or empty): the database, the file
        store and a manifest of their SHA-256 sums and schema revision."""
        report = _run(lambda: services.create_backup(directory))
        manifest = report.manifest
        click.echo(f"Backup written to {report.directory}:")
        click.echo(f"  database: {manifest.database['engine']}, {manifest.database['file']} "
                   f"({report.database_bytes} bytes), schema revision {manifest.schema_revision}")
        click.echo(f"  file store: {report.store_files} file(s), {report.store_bytes} bytes")
        click.echo(f"  manifest.json: the SHA-256 of every file; app version {manifest.app_version}, "
                   f"made {manifest.created_at}")

    @backup_group.command("verify")
    @click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
    def backup_verify(directory: Path) -> None:
        """Check every file of the backup in DIRECTORY against its manifest (e.g. an off-site copy)."""
        report = _run(lambda: services.verify_backup(directory))
        click.echo(f"Backup {directory}: all {len(report.manifest.files)} file(s) match the manifest "
                   f"(made {report.manifest.created_at}, schema revision {report.manifest.schema_revision}).")

    @backup_group.command("restore")
    @click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--no-upgrade", is_flag=True,
                  help="Leave a backup of an older schema at its revision (run `flask db upgrade` later).")
    def backup_restore(directory: Path, no_upgrade: bool) -> None:
        """Restore the backup in DIRECTORY into the empty database (DATABASE_URL) and the
        empty file store (FILE_STORE_DIR), after checking every file's SHA-256. Stop the
        web, worker and beat services first."""
        report = _run(lambda: services.restore_backup(directory, upgrade=not no_upgrade))
        manifest = report.manifest
        click.echo(f"Verified {len(manifest.files)} file(s) against the manifest of {report.directory} "
                   f"(made {manifest.created_at}).")
        click.echo(f"Restored the database ({manifest.database['engine']}, schema revision "
                   f"{manifest.schema_revision}) and {report.store_files} file(s) into the file store.")
        if report.upgraded_to:
            click.echo(f"The backup's schema was older: upgraded to {report.upgraded_to}.")
        elif services.schema_is_older(report):
            click.echo("The backup's schema is older than the code's: run `flask --app wsgi db upgrade` "
                       "before starting the services.")


def _run(action: Callable[[], T]) -> T:
    """The action's result; a refusal becomes click's error (its message, exit status 1)."""
    try:
        return action()
    except BackupError as error:
        raise click.ClickException(str(error)) from None
