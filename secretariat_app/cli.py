"""Command-line tasks: `flask --app wsgi seed`, `flask --app wsgi reference load` ..."""
from __future__ import annotations

import click
from flask import Flask

from secretariat_app.services import demo, reference_data


def register_cli(app: Flask) -> None:
    @app.cli.group("reference")
    def reference() -> None:
        """Reference data: states, memberships, bodies."""

    @reference.command("load")
    def reference_load() -> None:
        """Load states, memberships and bodies (idempotent)."""
        _print_report(reference_data.load_reference_data())

    @app.cli.command("seed")
    @click.option("--demo/--no-demo", "with_demo", default=True, help="Also create the demo users.")
    def seed(with_demo: bool) -> None:
        """Load reference data and (by default) the demo users."""
        _print_report(reference_data.load_reference_data())
        if with_demo:
            users = demo.create_demo_users()
            click.echo(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
            for email, name in users:
                click.echo(f"  {email:38} {name}")


def _print_report(report: reference_data.LoadReport) -> None:
    if not report.changed:
        click.echo("Reference data: already up to date, nothing changed.")
        return
    click.echo(f"Reference data: created {report.created or 'nothing'}; updated {report.updated or 'nothing'}.")
