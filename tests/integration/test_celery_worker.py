"""A real Celery worker (and beat) run against Redis and against the embedded
SQLite broker, with tasks executing inside the Flask app context."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config import TestConfig, celery_settings
from secretariat_app import create_app
from secretariat_app.accounts.models.people import PasswordResetToken
from secretariat_app.extensions import db
from tests import services_available as services

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


@pytest.fixture(params=["redis", "sqlite"])
def broker_url(request, tmp_path):
    if request.param == "redis":
        services.require("Redis", services.redis_available(), services.REDIS_URL)
        return services.REDIS_URL
    return f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}"


@pytest.fixture
def environment(tmp_path, broker_url):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    database_url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_QUEUE": queue,
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "SECRETARIAT_ENV": "development",
    }
    app = create_app(TestConfig, {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "CELERY": {**celery_settings(broker_url, None), "task_default_queue": queue},
    })
    with app.app_context():
        db.create_all()
    return app, env


def _start(env, *args, log: Path):
    handle = open(log, "wb")
    # The installed `celery` command, as the README and `make run` start it.
    celery = Path(sys.executable).parent / "celery"
    return subprocess.Popen([str(celery), "-A", "workers.celery_app", *args],
                            cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _tokens(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(PasswordResetToken.id)))


def test_worker_runs_a_task_in_the_app_context(environment, tmp_path):
    from tests.factories import officer

    app, env = environment
    now = datetime.now(UTC)
    with app.app_context():
        user = officer()
        db.session.add(PasswordResetToken(user_id=user.id, token_hash="a" * 64,
                                          expires_at=now - timedelta(minutes=5)))
        db.session.add(PasswordResetToken(user_id=user.id, token_hash="b" * 64,
                                          expires_at=now + timedelta(minutes=50)))
        db.session.commit()
    worker = _start(env, "worker", "--loglevel", "INFO", "--concurrency", "1", log=tmp_path / "worker.log")
    try:
        app.extensions["celery"].send_task("workers.tasks.maintenance.purge_expired_reset_tokens")
        deadline = time.monotonic() + 60
        while _tokens(app) != 1 and time.monotonic() < deadline:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            time.sleep(0.3)
        assert _tokens(app) == 1, (tmp_path / "worker.log").read_text()[-3000:]
        with app.app_context():
            assert db.session.scalar(select(PasswordResetToken.token_hash)) == "b" * 64
    finally:
        _stop(worker)
        with app.app_context():
            db.engine.dispose()


def test_beat_starts_with_the_schedule(environment, tmp_path):
    _app, env = environment
    beat = _start(env, "beat", "--loglevel", "INFO", "--schedule", str(tmp_path / "schedule"),
                  log=tmp_path / "beat.log")
    try:
        deadline = time.monotonic() + 20
        while "Starting" not in (tmp_path / "beat.log").read_text() and time.monotonic() < deadline:
            assert beat.poll() is None, (tmp_path / "beat.log").read_text()
            time.sleep(0.3)
        time.sleep(1)
        assert beat.poll() is None, (tmp_path / "beat.log").read_text()
        assert "beat: Starting" in (tmp_path / "beat.log").read_text()
    finally:
        _stop(beat)


def test_a_console_mail_is_written_once_in_the_workers_log(environment, tmp_path):
    """The console backend logs each mail once: not also printed (Celery turns a task's
    stdout into log lines too, so one delivery used to read as two)."""
    from tests.factories import delegate

    app, env = environment
    with app.app_context():
        user = delegate()
        user_id, email = user.id, user.email
    log = tmp_path / "worker.log"
    worker = _start({**env, "MAIL_BACKEND": "console"}, "worker", "--loglevel", "INFO", "--concurrency", "1",
                    log=log)
    try:
        app.extensions["celery"].send_task("workers.tasks.accounts.send_invitation",
                                           args=[uuid.uuid4().hex, user_id])
        deadline = time.monotonic() + 60
        while "succeeded" not in log.read_text() and time.monotonic() < deadline:
            assert worker.poll() is None, log.read_text()
            time.sleep(0.3)
        time.sleep(0.5)
        text = log.read_text()
        assert "succeeded" in text, text[-3000:]
        assert text.count(f"To: {email}") == 1, text[-3000:]
        assert text.count("mail (console backend)") == 1, text[-3000:]
    finally:
        _stop(worker)
        with app.app_context():
            db.engine.dispose()
