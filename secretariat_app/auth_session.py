"""Flask-Login wiring: how a session names its user."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from secretariat_app.extensions import db, login_manager
from secretariat_app.models.people import User


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Sessions carry 'id:token'; a changed password changes the token and ends old sessions."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def register_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
