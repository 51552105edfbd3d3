"""Login without Redis (issue 18, item 2): the throttles keep their counts in a
Redis of the test's own (on a free port, never the shared one); the test stops
it and starts it again. While it is down logging in works, wrong passwords are
still limited (the login throttle's counters and Flask-Limiter's limits on the
reset page and the second step, in the process), nothing answers 500 and
/health says "in-process fallback"; when it is back, counting goes back to Redis."""
from __future__ import annotations

import logging
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from flask import Flask

from config import TestConfig
from secretariat_app import create_app
from secretariat_app.extensions import db, limiter
from tests.conftest import IsolatedClient, client_at, free_port, log_in, post_form
from tests.factories import PASSWORD, officer
from tests.integration.test_dispatch import RedisServer, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.redis]



@contextmanager
def app_counting_in(tmp_path, storage_uri: str) -> Iterator[Flask]:
    app = create_app(TestConfig, {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.sqlite'}", "FILE_STORE_DIR": str(tmp_path / "files"),
        "RATELIMIT_STORAGE_URI": storage_uri, "RATELIMIT_RECHECK_SECONDS": 0,
    })
    app.test_client_class = IsolatedClient
    try:
        with app.app_context():
            db.create_all()
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        # Flask-Limiter's Limiter is one object for every app of this process: give the
        # others their in-memory storage back (and forget this test's outage).
        app.config["RATELIMIT_STORAGE_URI"] = "memory://"
        limiter.init_app(app)
        limiter._storage_dead = False


@pytest.fixture
def redis_app(tmp_path, own_redis):
    with app_counting_in(tmp_path, own_redis.url.replace("/0", "/1")) as app:
        yield app


def _login(client, email, password):
    return post_form(client, "/auth/login", {"email": email, "password": password})


def _keys(server: RedisServer, pattern: str) -> list[bytes]:
    return redis.Redis.from_url(server.url.replace("/0", "/1")).keys(pattern)


def _health(app) -> dict:
    response = app.test_client().get("/health")
    assert response.status_code == 200  # the database answers: a Redis outage is no reason to leave service
    return response.get_json()


def test_login_without_redis_is_limited_in_the_process_and_recovers(redis_app, own_redis, caplog):
    app, server = redis_app, own_redis
    user = officer()
    assert _health(app)["throttle"] == "ok"
    assert _login(client_at(app, "198.51.100.1"), user.email, "wrong password!").status_code == 200
    assert _keys(server, "LIMITS:login-failures:*")  # counted in Redis

    server.stop()
    caplog.set_level(logging.WARNING)
    # The owner logs in (password, then code: both throttles count in the process): no 500, the outage logged.
    log_in(client_at(app, "198.51.100.2"), user.email)  # the password and the second step
    assert "throttle storage" in caplog.text and "unreachable" in caplog.text
    health = _health(app)
    assert health["throttle"] == "in-process fallback" and health["status"] == "degraded"
    # Guesses are still limited: five, then 429 (the lock counted in this process).
    attacker = client_at(app, "198.51.100.3")
    statuses = [_login(attacker, user.email, f"guess-{i}-password").status_code for i in range(6)]
    assert statuses == [200] * 5 + [429]
    # Flask-Limiter's own limits (the reset page: 5 an hour per address typed) fall back too.
    reset = [post_form(attacker, "/auth/reset", {"email": user.email}).status_code for _ in range(6)]
    assert reset == [302] * 5 + [429]
    # And the second step's (per account, failures only).
    second = client_at(app, "198.51.100.6")
    assert _login(second, user.email, PASSWORD).headers["Location"].endswith("/auth/second-factor")
    codes = [post_form(second, "/auth/second-factor", {"code": "000000"}).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]

    server.start()
    assert _health(app) == {"status": "ok", "database": "ok", "broker": "ok", "smtp": "ok",
                            "throttle": "ok"}
    assert "reachable again" in caplog.text
    assert _login(client_at(app, "198.51.100.4"), "nobody@cica.example", "wrong password!").status_code == 200
    assert _keys(server, "LIMITS:login-failures:*")  # counted in Redis again
    # Flask-Limiter tries its storage again after 1, 2, 4 ... 32 s: its limits go back to Redis too.
    emails = iter(range(1000))
    wait_for(lambda: post_form(attacker, "/auth/reset", {"email": f"x{next(emails)}@cica.example"}).status_code
             == 302 and bool(_keys(server, "LIMITS:LIMITER*")), 60, "Flask-Limiter to use Redis again")
    log_in(client_at(app, "198.51.100.5"), user.email)  # the password and the second step


def test_a_redis_that_never_answered_leaves_login_working_and_limited(tmp_path):
    """Redis down from the start (here: nothing listens on the port)."""
    with app_counting_in(tmp_path, f"redis://127.0.0.1:{free_port()}/1") as app:
        user = officer()
        assert _health(app)["throttle"] == "in-process fallback"
        log_in(client_at(app, "198.51.100.2"), user.email)  # the password and the second step
        attacker = client_at(app, "198.51.100.3")
        statuses = [_login(attacker, f"nobody{i}@cica.example", "wrong password!").status_code for i in range(11)]
        assert statuses == [200] * 10 + [429]


def test_a_redis_that_hangs_costs_a_timeout_not_an_error(tmp_path, own_redis):
    """A Redis that accepts connections and answers nothing (SIGSTOP, as a network partition):
    the socket timeouts of RATELIMIT_STORAGE_OPTIONS send the throttles to their fallback."""
    with app_counting_in(tmp_path, own_redis.url.replace("/0", "/1")) as app:
        app.extensions["counters"].recheck_seconds = 30  # one probe, not one per call
        user = officer()
        log_in(client_at(app, "198.51.100.2"), user.email)  # the password and the second step
        os.kill(own_redis.process.pid, signal.SIGSTOP)
        try:
            attacker = client_at(app, "198.51.100.3")
            statuses = [_login(attacker, user.email, f"guess-{i}-password").status_code for i in range(6)]
            assert statuses == [200] * 5 + [429]
            log_in(client_at(app, "198.51.100.4"), user.email)  # the password and the second step
            assert _health(app)["throttle"] == "in-process fallback"
        finally:
            os.kill(own_redis.process.pid, signal.SIGCONT)
        assert _health(app)["throttle"] == "ok"
