"""Flask-Login wiring: how a session names its user."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import defer, joinedload

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.core.pg_connections import lone_read
from secretariat_app.extensions import db, login_manager, prepared_statements

# What every page needs of its reader, in one statement: the roles (permissions),
# the delegation and its state (named in the page header). Built once: the
# statement and its cache key are reused by every request. On PostgreSQL it runs
# outside a transaction when it comes first (pg_connections.lone_read).
# What no page header needs is left to load when asked for (the password hash, the
# mail preferences, the feed's token hash, creation times, the sealed TOTP secret): fewer columns to
# convert. The enrolment time stays: the second-factor gate reads it on every page.
USER_OPTIONS = (
    defer(User.password_hash), defer(User.created_at), defer(User.feed_token_hash), defer(User.mail_opt_out),
    defer(User.document_digest), defer(User.second_factor_secret), defer(User.second_factor_last_step),
    joinedload(User.role_rows),
    joinedload(User.delegation).defer(Delegation.created_at).joinedload(Delegation.state),
)
READER = lone_read(select(User).options(*USER_OPTIONS).where(User.id == bindparam("user_id")))


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Sessions carry 'id:token'; a changed password changes the token and ends old sessions."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit():
        return None
    with prepared_statements():  # a key lookup: one plan fits every reader
        user = db.session.execute(READER, {"user_id": int(user_id)}).unique().scalar_one_or_none()
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def register_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
