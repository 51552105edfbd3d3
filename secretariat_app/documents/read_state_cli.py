"""`flask read-state advance`: move the horizons of the readers who keep up
(documents/services/read_horizon.py), as the beat does every night; after an
import of old circulations or receipts, or to see how many would move."""
from __future__ import annotations

import click
from flask import Flask

from secretariat_app.documents.services import read_horizon


def register_read_state_cli(app: Flask) -> None:
    @app.cli.group("read-state")
    def read_state_group() -> None:
        """What each reader has read: read horizons and unread marks."""

    @read_state_group.command("advance")
    def advance() -> None:
        """Move the horizon of every reader who keeps up to an hour ago, writing their unread marks."""
        moved = read_horizon.advance()
        click.echo(f"Read horizons moved: {moved}.")
