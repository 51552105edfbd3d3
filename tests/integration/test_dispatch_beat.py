"""Only one Celery beat runs: a second `celery beat` finds the first one's
lease and exits with a clear message; once the first stops, another may
start. And a production worker that could not log in to SMTP refuses to start."""
from __future__ import annotations

import secrets
import subprocess
import sys
import time

import pytest

from secretariat_app.extensions import db
from secretariat_app.notices.services import scheduler_lock
from tests.integration.test_dispatch import (
    ROOT,
    Setup,
    beat,
    sqlite_url,
    wait_for,
)
from workers.beat_guard import LOCK_NAME

pytestmark = pytest.mark.integration


@pytest.fixture
def setup(tmp_path):
    # The embedded SQLite broker: this test needs no Redis, only the shared database.
    setup = Setup(tmp_path, sqlite_url(tmp_path), f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}", None)
    yield setup
    setup.close()


def holder(setup) -> str | None:
    with setup.app.app_context():
        lease = scheduler_lock.current(LOCK_NAME)
        db.session.rollback()
        return lease.holder if lease else None


def test_a_second_beat_exits_while_the_first_one_runs(setup, tmp_path, processes):
    first = beat(setup.env, tmp_path, "beat-one")
    processes.append(first)
    wait_for(lambda: holder(setup) is not None and "beat: Starting" in first.output(), 20,
             "the first beat to take the lease", [first])
    owner = holder(setup)
    second = beat(setup.env, tmp_path, "beat-two")
    processes.append(second)
    second.process.wait(timeout=20)
    assert second.process.returncode != 0
    assert "refuses to start: another beat is running" in second.output() and owner in second.output()
    time.sleep(1)
    assert first.running() and holder(setup) == owner  # the first one goes on, lease and all

    first.kill()  # SIGKILL: the lease stays behind, but its holder is gone ...
    assert holder(setup) == owner
    third = beat(setup.env, tmp_path, "beat-three")  # ... so a beat of the same host takes it over at once
    processes.append(third)
    # The log line may reach the pipe a moment after the lease changes hands: wait for both.
    wait_for(lambda: holder(setup) not in (None, owner) and "took over the lease of" in third.output(), 20,
             "the third beat to take the lease and say so", [third])
    time.sleep(1)
    assert third.running()

    third.stop()  # a clean stop gives the lease up
    assert holder(setup) is None, third.output()[-2000:]


def test_a_production_worker_without_the_smtp_password_refuses_to_start(setup, tmp_path):
    env = {**setup.env, "SECRETARIAT_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
           "MAIL_USERNAME": "secretariat", "MAIL_SERVER": "smtp.example.org"}
    env.pop("MAIL_PASSWORD", None)
    # `celery worker`, run the way bin/celery runs it. create_app's secret-key check
    # refuses any SECRET_KEY taken from the environment (it compares the key with
    # Config.SECRET_KEY, which is read from the same variable), so this process
    # leaves that check out to reach the worker's own.
    launcher = ("import sys, secretariat_app; secretariat_app.check_production_settings = lambda app: None; "
                "from celery.__main__ import main; sys.argv[0] = 'celery'; sys.exit(main())")
    result = subprocess.run([sys.executable, "-c", launcher, "-A", "workers.celery_app", "worker", "--loglevel",
                             "INFO"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    assert "celery worker refuses to start: MAIL_USERNAME is set but MAIL_PASSWORD is not" in output
    assert "Traceback" not in output
