"""Database failover on real PostgreSQL (issue 18, items 3 and 8): the app's
backends are terminated between requests and in the middle of one. A read is
answered (retried once on a fresh connection), a write answers 200/302 or a
503 "try again" page, never a 500, and nothing is half-written."""
from __future__ import annotations

import psycopg
import pytest
from flask import has_request_context
from sqlalchemy import event
from sqlalchemy.engine import make_url

from secretariat_app.core import db_failover, pg_connections
from secretariat_app.extensions import db
from tests import services_available as services
from tests.conftest import csrf_token, log_in
from tests.factories import officer

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

KUWAIT = {"code": "kwt", "iso2": "KW", "kind": "state", "name_en": "Kuwait", "name_ru": "Кувейт"}


def admin_connection() -> psycopg.Connection:
    return psycopg.connect(services.POSTGRES_ADMIN_URL, autocommit=True)


def terminate_backends() -> int:
    """What a failover does: every backend of the app's database ends (but the killer's)."""
    name = make_url(db.engine.url).database
    with admin_connection() as admin:
        row = admin.execute("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
                            " WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchone()
    assert row is not None
    return int(row[0])


def rows(sql: str) -> int:
    """A count read on a connection of its own, outside the app's pool."""
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url) as connection:
        row = connection.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture
def as_officer(app_ctx, client, monkeypatch):
    """An officer logged in; connections are never pinged (as within IDLE_PING_AFTER of
    their last use), so a killed one is met by the request's first statement."""
    monkeypatch.setattr(pg_connections, "IDLE_PING_AFTER", float("inf"))
    log_in(client, officer().email)
    db.session.remove()
    yield
    db.session.remove()
    db.engine.dispose()


@pytest.fixture
def killer(app_ctx):
    """Terminates, from another connection, the backend of a request's connection
    right after a statement that `when` picks, `times` times; returns the statements."""
    fired: list[str] = []
    plan: dict = {"when": lambda statement: False, "times": 1}

    def after(conn, cursor, statement, parameters, context, executemany):
        if has_request_context() and len(fired) < plan["times"] and plan["when"](statement):
            fired.append(statement)
            with admin_connection() as admin:
                admin.execute("SELECT pg_terminate_backend(%s, 5000)", (cursor.connection.info.backend_pid,))

    def arm(when, times: int = 1) -> list[str]:
        plan.update(when=when, times=times)
        return fired

    event.listen(db.engine, "after_cursor_execute", after)
    yield arm
    event.remove(db.engine, "after_cursor_execute", after)


def reader(statement: str) -> bool:
    """The reader's row (accounts/login.py: the session by its secret, joined to its
    user): the first statement of every logged-in request."""
    return "user_session.secret_hash" in statement and "user_account" in statement


def test_a_read_after_the_backends_were_killed_is_answered(client, as_officer, caplog):
    assert client.get("/admin/states").status_code == 200
    assert terminate_backends() >= 1
    page = client.get("/admin/states")
    assert page.status_code == 200 and "States" in page.get_data(as_text=True)
    assert "retrying once on a fresh connection" in caplog.text  # the dead connection was met, then replaced
    assert client.get("/admin/states").status_code == 200


def test_a_write_after_the_backends_were_killed_is_a_503_or_done_never_a_500(client, as_officer):
    token = csrf_token(client, "/admin/states/new")
    entries = rows("SELECT count(*) FROM audit_entry")
    assert terminate_backends() >= 1
    response = client.post("/admin/states/new", data={**KUWAIT, "csrf_token": token})
    assert response.status_code in (302, 503)
    if response.status_code == 503:
        assert response.headers["Retry-After"] == str(db_failover.RETRY_AFTER_SECONDS)
        assert "nothing you sent was saved" in response.get_data(as_text=True)
        assert rows("SELECT count(*) FROM state") == 0 and rows("SELECT count(*) FROM audit_entry") == entries
        response = client.post("/admin/states/new", data={**KUWAIT, "csrf_token": token})  # the user tries again
    assert response.status_code == 302
    assert rows("SELECT count(*) FROM state") == 1 and rows("SELECT count(*) FROM audit_entry") == entries + 1


def test_a_read_killed_mid_request_is_retried_once(client, as_officer, killer, caplog):
    fired = killer(reader)  # the page's own statements are next
    page = client.get("/admin/states")
    assert page.status_code == 200 and "States" in page.get_data(as_text=True)
    assert len(fired) == 1
    assert "retrying once on a fresh connection" in caplog.text


def test_a_read_killed_in_both_attempts_is_a_503_not_a_third_attempt(client, as_officer, killer):
    fired = killer(reader, times=2)
    page = client.get("/admin/states")
    assert page.status_code == 503 and len(fired) == 2
    assert page.headers["Retry-After"] == str(db_failover.RETRY_AFTER_SECONDS)
    assert "Please try again" in page.get_data(as_text=True)
    assert client.get("/admin/states").status_code == 200  # the killer is spent: answered again


def test_a_write_killed_mid_request_is_a_503_and_leaves_no_row(client, as_officer, killer):
    token = csrf_token(client, "/admin/states/new")
    entries = rows("SELECT count(*) FROM audit_entry")
    fired = killer(lambda statement: statement.startswith("INSERT INTO state"))  # the audit entry is next
    response = client.post("/admin/states/new", data={**KUWAIT, "csrf_token": token})
    assert response.status_code == 503 and len(fired) == 1
    assert "nothing you sent was saved" in response.get_data(as_text=True)
    assert rows("SELECT count(*) FROM state") == 0 and rows("SELECT count(*) FROM audit_entry") == entries
    response = client.post("/admin/states/new", data={**KUWAIT, "csrf_token": token})
    assert response.status_code == 302 and rows("SELECT count(*) FROM state") == 1


def test_the_try_again_page_is_in_the_readers_language_without_reading_the_database(app_ctx, as_officer, killer):
    russian = app_ctx.test_client()
    log_in(russian, officer(language="ru").email)
    killer(reader, times=2)  # both attempts lose their connection after the reader's row was read
    page = russian.get("/admin/states", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 503 and 'lang="ru"' in html  # the profile's language, not the browser's
    assert "Повторите попытку" in html


def test_a_write_killed_at_its_commit_says_to_check_and_is_not_half_written(client, as_officer, killer):
    token = csrf_token(client, "/admin/states/new")
    entries = rows("SELECT count(*) FROM audit_entry")
    fired = killer(lambda statement: statement.startswith("INSERT INTO audit_entry"))  # COMMIT is next
    response = client.post("/admin/states/new", data={**KUWAIT, "csrf_token": token})
    assert response.status_code == 503 and len(fired) == 1
    assert "check whether it was saved" in response.get_data(as_text=True)  # the COMMIT was cut off
    assert rows("SELECT count(*) FROM state") == 0 and rows("SELECT count(*) FROM audit_entry") == entries


def test_a_connection_killed_after_the_last_statement_does_not_spoil_the_answer(client, as_officer, killer):
    """The page's reads ran in a transaction; its backend dies after the last of
    them, so the ROLLBACK that ends it at teardown fails: the page already made
    is answered as it is."""
    fired = killer(lambda statement: "state.id NOT IN" in statement)  # the states page's last statement
    page = client.get("/admin/states")
    assert page.status_code == 200 and "States" in page.get_data(as_text=True)
    assert len(fired) == 1
    assert client.get("/admin/states").status_code == 200


def test_health_after_the_backends_were_killed_says_the_database_is_ok(client, as_officer):
    assert client.get("/health").status_code == 200
    assert terminate_backends() >= 1
    response = client.get("/health")
    assert response.get_json()["database"] == "ok"


def a_version_id() -> int:
    """A circulated document's version (the officer may download any)."""
    from tests.documents_helpers import make_document

    version_id = make_document(languages=("en",)).versions[0].id
    db.session.remove()
    return version_id


def downloads_audited() -> int:
    return rows("SELECT count(*) FROM audit_entry WHERE action = 'document.download'")


def test_a_download_whose_read_meets_a_lost_connection_is_retried(client, as_officer, killer, caplog):
    """The download's read runs on the driver's cursor (core/driver_statements.py):
    a lost connection there is recognised as SQLAlchemy's own statements' is, and
    the GET, which has not committed, is run again once."""
    version_id = a_version_id()
    fired = killer(reader)  # the download's read is next, on the driver's cursor
    response = client.get(f"/documents/versions/{version_id}/download")
    assert response.status_code == 200 and len(fired) == 1
    assert "retrying once on a fresh connection" in caplog.text
    assert downloads_audited() == 1


def test_a_download_whose_write_meets_a_lost_connection_says_to_check_and_is_not_retried(
        client, as_officer, monkeypatch, caplog):
    """The download's write commits by itself: once sent, the request may have
    written, so it is not run again and the page says to check (here the
    connection was gone before the statement reached it: nothing was written)."""
    from secretariat_app.core import driver_statements

    version_id = a_version_id()
    real_run = driver_statements.run

    def run(connection, statement, parameters):
        if statement.own_transaction:
            with admin_connection() as admin:
                admin.execute("SELECT pg_terminate_backend(%s, 5000)",
                              (connection.connection.driver_connection.info.backend_pid,))
        return real_run(connection, statement, parameters)

    monkeypatch.setattr(driver_statements, "run", run)
    response = client.get(f"/documents/versions/{version_id}/download")
    assert response.status_code == 503
    assert "check whether it was saved" in response.get_data(as_text=True)
    assert "answered 503" in caplog.text
    assert downloads_audited() == 0
