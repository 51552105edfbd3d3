"""Only one beat: the lease in the database and the beat scheduler that holds it;
and a production worker that would not be able to log in to SMTP refuses to start."""
from __future__ import annotations

import os
import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest

from secretariat_app.extensions import db
from secretariat_app.notices.services import scheduler_lock
from workers.beat_guard import (
    LOCK_NAME,
    BeatAlreadyRunning,
    GuardedScheduler,
    dead_local_holder,
)
from workers.celery_app import worker_settings_problem

NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def test_a_live_lease_refuses_another_holder(app_ctx):
    assert scheduler_lock.acquire("beat", "a", 180, NOW)
    assert not scheduler_lock.acquire("beat", "b", 180, NOW + timedelta(seconds=10))
    assert scheduler_lock.acquire("beat", "a", 180, NOW + timedelta(seconds=60))  # a refresh
    assert scheduler_lock.current("beat").expires_at == NOW + timedelta(seconds=240)
    assert not scheduler_lock.acquire("beat", "b", 180, NOW + timedelta(seconds=239))
    assert scheduler_lock.acquire("beat", "b", 180, NOW + timedelta(seconds=241))  # a expired: b takes over
    assert not scheduler_lock.acquire("beat", "a", 180, NOW + timedelta(seconds=242))
    assert not scheduler_lock.release("beat", "a")
    assert scheduler_lock.release("beat", "b")
    assert scheduler_lock.current("beat") is None
    assert scheduler_lock.acquire("beat", "a", 180, NOW + timedelta(seconds=243))


def test_racing_for_a_lease_makes_one_winner(app_ctx, app):
    barrier, winners = threading.Barrier(6), []

    def contender(name: str) -> None:
        with app.app_context():
            barrier.wait()
            try:
                if scheduler_lock.acquire("race", name, 180):
                    winners.append(name)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=contender, args=(f"beat-{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1
    assert scheduler_lock.current("race").holder == winners[0]


def test_a_second_beat_scheduler_refuses_to_start(app_ctx, app, tmp_path, caplog):
    celery = app.extensions["celery"]
    first = GuardedScheduler(app=celery, schedule_filename=str(tmp_path / "one"))
    assert scheduler_lock.current(LOCK_NAME).holder == first.holder
    with pytest.raises(BeatAlreadyRunning) as refused:
        GuardedScheduler(app=celery, schedule_filename=str(tmp_path / "two"))
    assert "another beat is running" in str(refused.value.code) and first.holder in str(refused.value.code)
    assert "refuses to start" in caplog.text
    first.tick()  # ticks refresh the lease
    first.close()  # a clean stop gives the lease up
    assert scheduler_lock.current(LOCK_NAME) is None
    second = GuardedScheduler(app=celery, schedule_filename=str(tmp_path / "two"))
    assert scheduler_lock.current(LOCK_NAME).holder == second.holder
    second.close()


def test_a_beat_that_lost_its_lease_stops(app_ctx, app, tmp_path):
    celery = app.extensions["celery"]
    beat = GuardedScheduler(app=celery, schedule_filename=str(tmp_path / "one"))
    scheduler_lock.release(LOCK_NAME, beat.holder)
    assert scheduler_lock.acquire(LOCK_NAME, "someone else", 180)
    beat._refreshed_at -= beat.refresh_every  # its refresh is due
    with pytest.raises(BeatAlreadyRunning):
        beat.tick()
    beat.close()
    assert scheduler_lock.current(LOCK_NAME).holder == "someone else"


def test_the_dispatcher_is_on_the_schedule(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule["dispatch-due-notices"]["task"] == "workers.tasks.notify.dispatch_due"
    assert schedule["dispatch-due-notices"]["schedule"] == app.config["NOTIFY_DISPATCH_INTERVAL_SECONDS"] == 60
    assert app.extensions["celery"].conf.beat_scheduler == "workers.beat_guard:GuardedScheduler"


@pytest.mark.parametrize("settings, refused", [
    ({"ENV_NAME": "production", "MAIL_USERNAME": "secretariat", "MAIL_PASSWORD": None}, True),
    ({"ENV_NAME": "production", "MAIL_USERNAME": "secretariat", "MAIL_PASSWORD": "s3cret"}, False),
    ({"ENV_NAME": "production", "MAIL_USERNAME": None, "MAIL_PASSWORD": None}, False),
    ({"ENV_NAME": "development", "MAIL_USERNAME": "secretariat", "MAIL_PASSWORD": None}, False),
])
def test_a_production_worker_needs_the_smtp_password(settings, refused):
    problem = worker_settings_problem(settings)
    assert bool(problem) == refused
    if refused:
        assert "MAIL_PASSWORD" in problem


def test_a_beat_of_this_host_that_is_gone_holds_nothing(app_ctx, app, tmp_path):
    import subprocess
    import sys

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = f"{socket.gethostname()}:{gone.pid}:abcdef12"
    assert dead_local_holder(dead)
    assert not dead_local_holder(f"{socket.gethostname()}:{os.getpid()}:abcdef12")  # alive: this very process
    assert not dead_local_holder(f"elsewhere.example:{gone.pid}:abcdef12")  # another host: cannot tell
    assert scheduler_lock.acquire(LOCK_NAME, dead, 180)
    beat = GuardedScheduler(app=app.extensions["celery"], schedule_filename=str(tmp_path / "one"))
    assert scheduler_lock.current(LOCK_NAME).holder == beat.holder
    beat.close()
