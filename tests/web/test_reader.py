"""The reader (accounts/reader.py): the user loader builds the request's user from one
Core statement; it carries what pages and rules read, refuses writes, and the pages
that change the account work on the ORM row (current_user_row)."""
from __future__ import annotations

import pytest
from flask import g

from secretariat_app.accounts.login import load_user
from secretariat_app.accounts.models.people import Role, User
from secretariat_app.accounts.reader import Reader, current_user_row
from secretariat_app.accounts.services import sessions
from secretariat_app.extensions import db
from tests.factories import DelegationFactory, UserFactory, delegate, officer


def _session_of(app, user: User) -> str:
    with app.test_request_context("/"):
        sessions.start_session(user)
        db.session.commit()
        return user.get_id()


def test_the_reader_carries_the_account_roles_and_delegation(app_ctx, app, reference):
    delegation = DelegationFactory()
    user = UserFactory(roles=[Role.DELEGATE, Role.COORDINATOR], delegation=delegation, language="ru",
                       timezone="Europe/Moscow")
    key = _session_of(app, user)
    with app.test_request_context("/"):
        reader = load_user(key)
        assert isinstance(reader, Reader)
        assert (reader.id, reader.email, reader.name, reader.language, reader.timezone, reader.delegation_id) == (
            user.id, user.email, user.name, "ru", "Europe/Moscow", delegation.id)
        assert reader.roles == frozenset({Role.DELEGATE, Role.COORDINATOR})
        assert reader.has_role(Role.COORDINATOR) and not reader.has_role(Role.OFFICER)
        assert reader.is_authenticated and reader.is_active and not reader.is_anonymous
        assert not reader.has_second_factor
        assert reader.get_id() == key and reader.login_session is not None
        assert reader.delegation_name("ru") == delegation.state.name_ru
        assert reader.delegation_name("en") == delegation.state.name_en
        assert reader.delegation is not None and reader.delegation.id == delegation.id
        assert reader.delegation is reader.delegation  # held for the request: read once
        assert reader.mail_opt_out == user.mail_opt_out  # a column it does not carry: read from the row


def test_a_reader_without_role_or_delegation_and_an_enrolled_officer(app_ctx, app, reference):
    nobody = UserFactory()
    staff = officer()
    with app.test_request_context("/"):
        bare = load_user(_session_of(app, nobody))
        enrolled = load_user(_session_of(app, staff))
    assert bare is not None and bare.roles == frozenset() and bare.delegation_id is None
    assert bare.delegation is None and bare.delegation_name("en") == ""
    assert enrolled is not None and enrolled.roles == frozenset({Role.OFFICER}) and enrolled.has_second_factor


def test_no_reader_for_a_deactivated_account_or_an_ended_session(app_ctx, app, reference):
    user = delegate()
    key = _session_of(app, user)
    user.active = False
    db.session.commit()
    with app.test_request_context("/"):
        assert load_user(key) is None
    user.active = True
    db.session.commit()
    with app.test_request_context("/"):
        assert load_user(key) is not None
        sessions.end_all_sessions(user, reason="logout")
        db.session.commit()
        assert load_user(key) is None


def test_the_reader_is_read_only_and_changes_go_through_the_row(app_ctx, app, reference):
    user = delegate()
    key = _session_of(app, user)
    with app.test_request_context("/"):
        reader = load_user(key)
        assert reader is not None
        with pytest.raises(AttributeError):
            reader.language = "ru"
        with pytest.raises(AttributeError):
            reader.mail_opt_out = ["document_circulated"]
        g._login_user = reader
        row = current_user_row()
        assert isinstance(row, User) and row.id == user.id
        assert row.login_session == reader.login_session  # the request's session: "keep" and renewals work
        row.language = "ru"
        db.session.commit()
    with app.test_request_context("/"):
        again = load_user(key)
        assert again is not None and again.language == "ru"


def test_keeping_the_session_renews_the_readers_secret_too(app_ctx, app, reference):
    user = delegate()
    key = _session_of(app, user)
    with app.test_request_context("/"):
        reader = load_user(key)
        assert reader is not None and reader.login_session is not None
        g._login_user = reader
        row = current_user_row()
        sessions.end_all_sessions(row, reason="password_changed", keep=sessions.current_session_id(row))
        db.session.commit()
        assert reader.login_session is not None and reader.login_session.key != key
        assert reader.login_session == row.login_session
        renewed = reader.login_session.key
    with app.test_request_context("/"):
        assert load_user(key) is None
        assert load_user(renewed) is not None


def test_the_page_header_names_the_reader_and_the_delegation(client, login, reference):
    me = delegate(language="ru")
    login(me)
    page = client.get("/my/profile/").get_data(as_text=True)
    assert me.name in page and me.delegation.state.name_ru in page and me.email in page
