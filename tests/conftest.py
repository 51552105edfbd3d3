"""Fixtures: the app on SQLite and on PostgreSQL, clean tables per test, a
client that logs in, CSRF tokens, reference data and factories."""
from __future__ import annotations

import contextvars
import os
import re
import uuid

import freezegun
import psycopg
import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, text

from config import TestConfig
from secretariat_app import create_app
from secretariat_app.audit.models import APPEND_ONLY_TRIGGERS
from secretariat_app.extensions import db, limiter
from tests import services_available as services

BACKENDS = ["sqlite", "postgresql"]

# pytest times each test with time() and perf_counter() from _pytest.timing: a test that froze the
# clock in a fixture was reported as lasting 1.8e9 s (--durations, the JUnit XML). Left alone there.
freezegun.configure(extend_ignore_list=["_pytest.timing"])

# systemd's and nginx's own checks of deploy/ run by `make check-deploy` only.
collect_ignore = [] if os.environ.get("DEPLOY_CHECKS") else ["deploy_checks"]

# Fixtures shared by tests in several folders, kept beside the helpers they build
# with: `world` (the clearing house's documents) and `pipeline` (the CBM papers).
pytest_plugins = ["tests.documents_setup", "tests.cbm_builders", "tests.forum_day", "tests.xdist_groups"]


def _create_postgres_database() -> tuple[str, str]:
    name = f"secretariat_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(services.POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        # A test database need not survive a crash: commits do not wait for the disk's flush
        # (1.7 to 4.8 ms an fdatasync on these machines), which the suite's many commits paid.
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    base = services.POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    return name, f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)


def _drop_postgres_database(name: str) -> None:
    with psycopg.connect(services.POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh PostgreSQL database for this run, dropped at the end."""
    services.require("PostgreSQL", services.postgres_available(), services.POSTGRES_ADMIN_URL)
    name, url = _create_postgres_database()
    yield url
    _drop_postgres_database(name)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def database_url(backend, tmp_path_factory, request) -> str:
    if backend == "postgresql":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


class IsolatedClient(FlaskClient):
    """Each request runs in its own application context, as in production, even
    when the test holds one open (for factories): no `g`, no session is shared
    between the test and the request, or between two requests."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def _sqlite_normal_sync(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def no_flush_per_commit(engine) -> None:
    """A test's SQLite file, as its PostgreSQL database (synchronous_commit off): a commit does not
    wait for the disk's flush. In WAL mode (the app's) synchronous=NORMAL syncs at checkpoints only;
    SQLite's default (FULL) paid an fdatasync of 3-6 ms a commit on these machines."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_normal_sync)
        engine.dispose()  # a connection made before the listener gets it too


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    files = tmp_path_factory.mktemp("files")
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": database_url, "FILE_STORE_DIR": str(files)})
    app.test_client_class = IsolatedClient
    with app.app_context():
        no_flush_per_commit(db.engine)
        if db.engine.dialect.name == "postgresql":
            # The run's PostgreSQL database outlives this fixture: pytest builds it again when a
            # worker's tests go back to this backend after the other (--dist loadgroup orders them
            # by group), and the triggers created with the tables would then exist already.
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE")
                connection.exec_driver_sql("CREATE SCHEMA public")
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _tables_with_rows(tables) -> list:
    """The tables that hold a row now, in one query (a test writes to few of the 60-odd)."""
    probe = " UNION ALL ".join(f"SELECT {i} WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for i, t in enumerate(tables))
    return [tables[i] for i in sorted(i for (i,) in db.session.execute(text(probe)))]


def _empty_all_tables() -> None:
    """Empty every table the test left a row in, as if all were emptied, and restart every
    sequence it advanced (ids start at 1 again, as TRUNCATE ... RESTART IDENTITY did).
    Only the tables that hold a row are touched: TRUNCATE of all 61 tables cost 1.3-2.3 s a test
    on PostgreSQL (median, load 12-20), a DELETE of the few rows a test writes 0.03-0.15 s."""
    tables = list(reversed(db.metadata.sorted_tables))  # the referencing before the referenced
    if db.engine.dialect.name == "postgresql":
        used = _tables_with_rows(tables)
        if used:
            # As TRUNCATE does: no trigger fires (the audit trail's append-only one, the unread
            # marks') and no foreign key is checked, for this transaction only (a superuser's right).
            db.session.execute(text("SET LOCAL session_replication_role = replica"))
            for table in used:
                db.session.execute(table.delete())
        db.session.execute(text(
            "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false) "
            "FROM pg_sequences WHERE last_value IS NOT NULL"))
    else:
        # The append-only triggers refuse DELETE; tests lift them for the cleanup only. A DELETE
        # may fire a trigger that writes to another table (the unread marks): probe again.
        db.session.execute(text("DROP TRIGGER IF EXISTS audit_entry_no_delete"))
        for _round in range(5):
            used = _tables_with_rows(tables)
            if not used:
                break
            for table in used:
                db.session.execute(table.delete())
        else:
            raise AssertionError(f"rows left after the cleanup in {[t.name for t in used]}")
        db.session.execute(text(APPEND_ONLY_TRIGGERS["sqlite"][1]))
    db.session.commit()


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Each test that uses the app starts with empty tables, no mail and no throttle."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()
        limiter.reset()
        app.extensions["counters"].reset()  # the login throttle's (core/counters.py)
        app.extensions.pop("mail_outbox", None)
        app.extensions.pop("inbox_filter_choices", None)  # the emptied tables' bodies and meetings


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


# The reference data as load_reference_data() wrote it into empty tables, per database kind:
# (its report, [(table, rows)] referenced tables first, the sequences' values).
_REFERENCE_ROWS: dict[str, tuple] = {}


@pytest.fixture
def reference(app_ctx):
    """The reference data (states, memberships, bodies, delegations, the load's audit entry).
    load_reference_data() runs once per database kind (and whenever a test has written before
    this fixture); later tests get the same rows written back, one INSERT a table, their times
    set to now as the load would, and the sequences where it left them: the load through the
    ORM cost 0.2-2.3 s a test (1 s on SQLite under load), the copy some milliseconds.
    tests/services/test_reference_data.py tests the load itself."""
    import copy
    import secrets

    from secretariat_app.accounts.services.reference_data import load_reference_data
    from secretariat_app.core.columns import UTCDateTime, utcnow
    from secretariat_app.core.models import CacheGeneration

    tables = db.metadata.sorted_tables  # the referenced before the referencing
    dialect = db.engine.dialect.name
    if _tables_with_rows(tables):
        return load_reference_data()
    saved = _REFERENCE_ROWS.get(dialect)
    if saved is None:
        report = load_reference_data()
        rows = [(table, [dict(row._mapping) for row in
                         db.session.execute(table.select().order_by(*table.primary_key.columns))])
                for table in _tables_with_rows(tables)]
        sequences = [] if dialect != "postgresql" else list(db.session.execute(text(
            "SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences "
            "WHERE last_value IS NOT NULL")))
        db.session.rollback()
        _REFERENCE_ROWS[dialect] = (copy.deepcopy(report), rows, sequences)
        return report
    report, rows, sequences = saved
    now = utcnow()
    for table, table_rows in rows:
        fresh = {name: now for name in (c.name for c in table.columns if isinstance(c.type, UTCDateTime))}
        if table is CacheGeneration.__table__:  # a number drawn afresh, as the load's commit drew one
            fresh["generation"] = secrets.randbits(62)
        db.session.execute(table.insert(), [{**row, **{k: v for k, v in fresh.items() if row[k] is not None}}
                                            for row in table_rows])
    for name, value in sequences:
        db.session.execute(text("SELECT setval(CAST(:name AS regclass), :value)"), {"name": name, "value": value})
    db.session.commit()
    return copy.deepcopy(report)


@pytest.fixture
def client(app):
    return app.test_client()


def client_at(app, address: str) -> FlaskClient:
    """A test client whose requests come from `address`."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


@pytest.fixture
def outbox(app):
    return app.extensions.setdefault("mail_outbox", [])


class SentTasks(list):
    """The tasks the app handed to the broker, as (name, kwargs), in order."""

    def __init__(self, app):
        super().__init__()
        self.app = app

    def names(self) -> list[str]:
        return [name for name, _kwargs in self]

    def run(self) -> list:
        """Run them here, as a worker would (in the test's app context), and forget them."""
        tasks, results = list(self), []
        self.clear()
        for name, kwargs in tasks:
            results.append(self.app.extensions["celery"].tasks[name].run(**kwargs))
        return results


@pytest.fixture
def sent_tasks(app, monkeypatch) -> SentTasks:
    """Catch what the app sends to Celery instead of sending it; `.run()` works them off."""
    sent = SentTasks(app)
    monkeypatch.setattr(app.extensions["celery"], "send_task",
                        lambda name, args=None, kwargs=None, **_options: sent.append((name, dict(kwargs or {}))))
    return sent


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, page: str = "/auth/login") -> str:
    response = client.get(page)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {page} (status {response.status_code})"
    return match.group(1)


def post_form(client, url: str, data: dict, page: str | None = None, **kwargs):
    """POST a form the way a browser does: with the CSRF token of the page."""
    token = csrf_token(client, page or url)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def log_in(client, email: str, password: str = "correct horse battery"):
    """Log in as a person does: the password, then (for an account with a second
    factor, every officer's and administrator's) the code their app shows."""
    response = post_form(client, "/auth/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    if response.headers["Location"].endswith("/auth/second-factor"):
        from tests.second_factor_helpers import next_code

        response = post_form(client, "/auth/second-factor", {"code": next_code(client.application, email)})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def login(client):
    def do(user, password: str = "correct horse battery"):
        return log_in(client, user.email, password)

    return do


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """A real SMTP server (aiosmtpd) on a free local port that keeps what it
    receives; it can be stopped and started again on the same port (an outage)."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.messages.append(envelope)
                return "250 OK"

        self.hostname = "127.0.0.1"
        self.port = free_port()
        self.handler = Handler()
        self.controller = Controller(self.handler, hostname=self.hostname, port=self.port)

    def start(self):
        if self.controller.loop.is_closed():  # stopped before: a new server on the same port
            from aiosmtpd.controller import Controller

            self.controller = Controller(self.handler, hostname=self.hostname, port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if not self.controller.loop.is_closed():
            self.controller.stop()


@pytest.fixture
def smtp_sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


# The integration tests that share the machine's Redis on 6379 (a real Celery worker on it): one
# after another on one worker. Each other integration module is a group of its own (its module-scoped
# servers built once), which either worker may take: together they were one group of about 200 s
# (1,900 s under load), which the other worker had to outlast.
SHARED_REDIS = {"test_celery_worker.py", "test_dispatch.py", "test_dispatch_speed.py", "test_reset_worker.py"}


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (`make test` runs two workers) the tests that start Celery
    workers, beat, Redis servers and SMTP sinks on the shared Redis run one after another
    on one worker, the other integration tests module by module (xdist groups)."""
    for item in items:
        if "integration" in item.path.parts:
            name = "services" if item.path.name in SHARED_REDIS else f"services-{item.path.stem}"
            item.add_marker(pytest.mark.xdist_group(name))


def pytest_configure(config):
    """Compile the message catalogues when `make` did not (a bare pytest run);
    once, in the controller, not in every xdist worker."""
    from pathlib import Path

    if hasattr(config, "workerinput"):
        return

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in Path(__file__).resolve().parents[1].glob("secretariat_app/translations/*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with open(po_path, "rb") as po_file:
                catalog = read_po(po_file)
            with open(mo_path, "wb") as mo_file:
                write_mo(mo_file, catalog)
