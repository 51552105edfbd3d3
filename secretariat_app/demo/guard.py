"""The one rule about where the demo may be created: never in production.

The demo users' password is published in the README, so a production
database must never hold them (nor the demo meetings, documents and CBM
content, which name them). `flask seed` leaves the demo out there by default
and refuses `--demo`; each function that creates demo data asks here too, so
no other door can create it either."""
from __future__ import annotations

from flask import current_app

REFUSAL = ("the demo users and content are never created in production (SECRETARIAT_ENV=production): "
           "their password is published in the README. Run `flask seed` without --demo for the reference "
           "data and the recorded history, and create real accounts under Administration.")


class DemoRefused(RuntimeError):
    """Demo data was asked for in production."""

    def __init__(self) -> None:
        super().__init__(REFUSAL)


def demo_allowed() -> bool:
    """True outside production (development, test)."""
    return current_app.config.get("ENV_NAME") != "production"


def refuse_in_production() -> None:
    """Raise DemoRefused in production, before anything is written."""
    if not demo_allowed():
        raise DemoRefused()
