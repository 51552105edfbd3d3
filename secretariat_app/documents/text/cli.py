"""`flask texts extract`: read the text of the stored files still pending (or
again those of some statuses), here or by the workers."""
from __future__ import annotations

import click
from flask import Flask

from secretariat_app.documents.models import TextStatus
from secretariat_app.documents.text import extraction

_AGAIN = [status.value for status in TextStatus if status is not TextStatus.PENDING]


def register_texts_cli(app: Flask) -> None:
    @app.cli.group("texts")
    def texts_group() -> None:
        """The text of stored files (file_text), for search and the side-by-side view."""

    @texts_group.command("extract")
    @click.option("--again", "again", multiple=True, type=click.Choice(_AGAIN),
                  help="Read again the files of this status (repeatable), e.g. --again unreadable.")
    @click.option("--queue", is_flag=True, help="Hand the pending files to the workers instead of reading them here.")
    @click.option("--limit", type=click.IntRange(min=1), default=None, help="Read at most this many files.")
    def extract(again: tuple[str, ...], queue: bool, limit: int | None) -> None:
        """Read the text of every stored file still pending (what the beat hands to
        the workers every ten minutes); with --again, first make those of the
        given statuses pending again."""
        if again:
            count = extraction.read_again(TextStatus(value) for value in again)
            click.echo(f"Made pending again: {count}.")
        if queue:
            click.echo(f"Handed to the workers: {extraction.queue_pending(limit or extraction.BATCH)}.")
            return
        outcomes = extraction.extract_here(limit)
        if not outcomes:
            click.echo("Nothing pending.")
        for status, number in sorted(outcomes.items()):
            click.echo(f"  {status:12} {number}")
