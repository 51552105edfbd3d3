"""The main navigation of every page, rendered once per kind of reader,
language and page rather than on every request (core/fixed_fragments.py): its
links and labels depend on nothing else (about forty template calls a page
otherwise).

Kept per process and never invalidated across processes, safely: the key is
computed on every request from the reader's roles, read with the reader's row
on every request, so a role changed through another process shows the other
navigation at once; the rest of the key (language, page, script root) and the
template and catalogues change only with a deployment, which restarts every
process (tests/web/test_navigation_cache.py, tests/integration/test_two_processes.py)."""
from __future__ import annotations

from flask import Flask, request
from flask_login import current_user
from markupsafe import Markup

from secretariat_app.core.fixed_fragments import fixed
from secretariat_app.permissions import is_delegate, is_secretariat


def main_nav() -> Markup:
    """templates/_nav.html for the reader of this request."""
    kind = "secretariat" if is_secretariat(current_user) else "delegate" if is_delegate(current_user) else ""
    return fixed("_nav.html", by=(kind, request.endpoint))


def register_navigation(app: Flask) -> None:
    app.jinja_env.globals["main_nav"] = main_nav
    app.jinja_env.globals["fixed"] = fixed
