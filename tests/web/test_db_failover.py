"""core/db_failover.py and its page: a read that lost its connection is run
again once, anything else answers 503 "try again" (never 500). The errors are
raised by test routes here; tests/integration/test_db_failover.py kills real
PostgreSQL backends, and the last test locks a real SQLite database."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from config import TestConfig
from secretariat_app import create_app
from secretariat_app.accounts.models.states import State
from secretariat_app.audit.models import AuditEntry
from secretariat_app.core import db_failover
from secretariat_app.extensions import db
from secretariat_app.permissions import Audience, access
from tests.conftest import csrf_token, log_in
from tests.factories import officer


def lost() -> OperationalError:
    return OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"),
                            connection_invalidated=True)


def locked() -> OperationalError:
    error = sqlite3.OperationalError("database is locked")
    error.sqlite_errorcode = 5  # type: ignore[attr-defined]  # what sqlite3 sets on a real SQLITE_BUSY
    return OperationalError("UPDATE state SET name_en = ?", {}, error)


@pytest.fixture(scope="module")
def failing():
    """An app with routes that fail their first `fails` attempts; `attempts` counts them."""
    app = create_app(TestConfig)
    state = {"attempts": 0, "fails": 1, "error": lost, "commit": False}

    def attempt():
        state["attempts"] += 1
        if state["commit"]:
            db.session.execute(text("SELECT 1"))
            db.session.commit()
        if state["attempts"] <= state["fails"]:
            raise state["error"]()
        return "read twice" if state["attempts"] > 1 else "read once"

    app.add_url_rule("/__read", "read", access(Audience.PUBLIC)(attempt), methods=["GET", "POST"])
    app.add_url_rule("/__boom", "boom", access(Audience.PUBLIC)(lambda: 1 / 0))
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        db.create_all()

    def run(method="GET", fails=1, error=lost, commit=False, **kwargs):
        state.update(attempts=0, fails=fails, error=error, commit=commit)
        response = app.test_client().open("/__read", method=method, **kwargs)
        return response, state["attempts"]

    return run


def test_a_read_that_lost_its_connection_is_run_again_once(failing):
    response, attempts = failing("GET")
    assert (response.status_code, attempts, response.get_data(as_text=True)) == (200, 2, "read twice")
    response, attempts = failing("HEAD")
    assert (response.status_code, attempts) == (200, 2)


def test_a_read_that_fails_again_is_a_503_try_again_not_a_second_retry(failing):
    response, attempts = failing("GET", fails=5)
    assert (response.status_code, attempts) == (503, 2)
    assert response.headers["Retry-After"] == str(db_failover.RETRY_AFTER_SECONDS)
    assert "nothing you sent was saved" in response.get_data(as_text=True)


def test_a_write_is_not_run_again_it_answers_503(failing):
    response, attempts = failing("POST", data={"name": "x"})
    assert (response.status_code, attempts) == (503, 1)
    assert response.headers["Retry-After"] == str(db_failover.RETRY_AFTER_SECONDS)
    html = response.get_data(as_text=True)
    assert "Please try again" in html and "nothing you sent was saved" in html


def test_a_read_that_began_a_commit_is_not_run_again(failing):
    response, attempts = failing("GET", commit=True)
    assert (response.status_code, attempts) == (503, 1)
    assert "check whether it was saved" in response.get_data(as_text=True)


def test_a_busy_database_is_a_503_and_not_retried(failing):
    response, attempts = failing("GET", error=locked)
    assert (response.status_code, attempts) == (503, 1)


def test_the_page_is_in_russian_and_json_clients_get_json(failing):
    response, _ = failing("POST", headers={"Accept-Language": "ru"})
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and 'lang="ru"' in html
    assert "Повторите попытку" in html and "ничего из отправленного вами не сохранено" in html
    response, _ = failing("POST", headers={"Accept": "application/json"})
    assert response.status_code == 503 and response.get_json()["error"] == 503
    assert response.headers["Retry-After"] == str(db_failover.RETRY_AFTER_SECONDS)


def test_other_errors_stay_500(failing):
    response, attempts = failing("GET", error=lambda: OperationalError("SELECT 1", {}, Exception("no such table")))
    assert (response.status_code, attempts) == (500, 1)


def test_the_transient_errors():
    assert db_failover.transient_error(lost()) is not None
    assert db_failover.transient_error(locked()) is not None
    chained = RuntimeError("caught and went on")
    chained.__cause__ = lost()
    assert db_failover.transient_error(chained) is not None
    assert db_failover.transient_error(OperationalError("SELECT 1", {}, Exception("syntax"))) is None
    assert db_failover.transient_error(ZeroDivisionError()) is None


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_locked_sqlite_database_answers_503_to_a_write_and_still_serves_reads(app_ctx, client, monkeypatch):
    from secretariat_app import extensions

    log_in(client, officer().email)
    token = csrf_token(client, "/admin/states/new")
    entries = _count(AuditEntry)  # the login's
    monkeypatch.setattr(extensions, "SQLITE_BUSY_TIMEOUT_MS", 50)
    db.session.remove()
    db.engine.dispose()  # new connections wait 50 ms for a lock, not 5 s
    form = {"code": "kwt", "iso2": "KW", "kind": "state", "name_en": "Kuwait", "name_ru": "Кувейт",
            "csrf_token": token}
    holder = sqlite3.connect(db.engine.url.database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        response = client.post("/admin/states/new", data=form)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == str(db_failover.RETRY_AFTER_SECONDS)
        assert "nothing you sent was saved" in response.get_data(as_text=True)
        assert client.get("/admin/states").status_code == 200  # readers are not blocked (WAL)
    finally:
        holder.rollback()
        holder.close()
    assert _count(State) == 0 and _count(AuditEntry) == entries
    assert client.post("/admin/states/new", data=form).status_code == 302  # the lock is gone
    assert _count(State) == 1 and _count(AuditEntry) == entries + 1
    db.session.remove()
    monkeypatch.undo()
    db.engine.dispose()
