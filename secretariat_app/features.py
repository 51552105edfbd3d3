"""The features of the app, each a package with its models, services, pages and
templates (see each package's docstring for what it holds), and what
create_app takes from each: its blueprints, its models, its templates, its
notice kinds."""
from __future__ import annotations

import importlib
from pathlib import Path

from flask import Blueprint

PACKAGE = Path(__file__).resolve().parent

# In the order a newcomer reads them; core first, whose templates (base.html) every page extends.
FEATURES = ("core", "accounts", "audit", "meetings", "decisions", "cycles", "documents", "notices", "cbm",
            "search", "negotiations", "api")

# Each feature's blueprints: the module that defines `bp`.
BLUEPRINTS = (
    "core.main",
    "accounts.auth", "accounts.my_sessions", "accounts.my_profile", "accounts.admin", "accounts.delegation",
    "meetings.web", "meetings.calendar",
    "decisions.web", "decisions.chair", "decisions.succession.web",
    "cycles.web",
    "documents.web", "documents.inbox",
    "notices.my_notices", "notices.web",
    "cbm.web",
    "search.web",
    "negotiations.web",
    "api.v1", "api.my_tokens",
)


def template_folders() -> list[str]:
    """Every feature's templates/ folder: one Jinja search path for the whole app,
    so a mail rendered by a worker finds its template as a page does."""
    return [str(PACKAGE / feature / "templates") for feature in FEATURES if (PACKAGE / feature / "templates").is_dir()]


def _submodules(feature: str, name: str) -> list[str]:
    """`<feature>.<name>` and `<feature>.<part>.<name>` (a part of a feature with its own, e.g.
    decisions.succession), the modules that exist."""
    found = [f"secretariat_app.{feature}.{name}"] if (
        (PACKAGE / feature / f"{name}.py").exists() or (PACKAGE / feature / name).is_dir()) else []
    return found + sorted(f"secretariat_app.{feature}.{path.parent.name}.{name}"
                          for path in (PACKAGE / feature).glob(f"*/{name}.py"))


def import_models() -> None:
    """Import every feature's models, so that the metadata (create_all, Alembic) knows every table."""
    for feature in FEATURES:
        for module in _submodules(feature, "models"):
            importlib.import_module(module)


def blueprints() -> list[Blueprint]:
    return [importlib.import_module(f"secretariat_app.{name}").bp for name in BLUEPRINTS]


def register_notice_kinds() -> None:
    """Import every feature's `notice_kinds` module, which registers its kinds of
    notice with `notices.kinds` (once: a module is imported once)."""
    for feature in FEATURES:
        for module in _submodules(feature, "notice_kinds"):
            importlib.import_module(module)
