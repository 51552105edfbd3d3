"""The processes of deploy/ as their units start them: the worker outlives a
broker that is not there (it says so at start, keeps trying, and connects when
the broker comes), and gunicorn, started with the web unit's command line and
the example environment, serves the app in production behind the proxy and
refuses to start without a secret key."""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests import services_available as services
from tests.conftest import free_port
from tests.integration.test_dispatch import Celery, RedisServer, wait_for
from tests.test_deploy import VENV, env_example, unit

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def test_the_worker_waits_for_a_missing_broker_and_connects_when_it_comes(tmp_path, processes):
    """Redis is not there at start: the worker logs that it reconnects
    indefinitely, keeps trying, and takes work once our redis-server starts on that port."""
    services.require("redis-server (the program)", shutil.which("redis-server") is not None)
    redis = RedisServer(tmp_path / "redis.log")  # its port, not yet listening
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SECRETARIAT_ENV": "development", "CELERY_BROKER_URL": redis.url,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite'}", "INSTANCE_DIR": str(tmp_path / "instance"),
           "CELERY_QUEUE": "supervision-test"}
    worker = Celery(env, tmp_path / "worker.log", "worker", "--loglevel", "INFO", "--concurrency", "1")
    processes.append(worker)
    log = worker.log.read_text
    wait_for(lambda: "reconnects indefinitely when the broker is unreachable" in log(), 60,
             "the worker's retry policy in its log", [worker])
    wait_for(lambda: "(2/None)" in log(), 60, "a second attempt to reach the broker", [worker])
    assert "Connected to" not in log()
    redis.start()
    try:
        wait_for(lambda: "Connected to redis://" in log() and " ready." in log(), 60,
                 "the worker to connect once the broker is there", [worker])
        assert worker.running()
    finally:
        worker.stop()
        redis.stop()


def _web_command(port: int) -> list[str]:
    """The web unit's ExecStart, with this virtualenv, a free port and one worker."""
    words = unit("web")["Service"]["ExecStart"][0].split()
    words[0] = words[0].replace(VENV, str(Path(sys.executable).parent.parent))
    words[words.index("--bind") + 1] = f"127.0.0.1:{port}"
    words[words.index("--workers") + 1] = "1"
    return words


def _example_environment(tmp_path: Path) -> dict[str, str]:
    """The example environment file, with local stand-ins for PostgreSQL, Redis and the paths."""
    values = {name: value for name, value in env_example().items() if value is not None}
    return {**os.environ, **values, "PYTHONPATH": str(ROOT),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite'}",
            "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}",
            "RATELIMIT_STORAGE_URI": "memory://",
            "INSTANCE_DIR": str(tmp_path / "instance"), "FILE_STORE_DIR": str(tmp_path / "files")}


def test_gunicorn_from_the_web_unit_serves_production_behind_the_proxy(tmp_path):
    port = free_port()
    env = {**_example_environment(tmp_path), "SECRET_KEY": secrets.token_hex(32)}
    log = tmp_path / "gunicorn.log"
    process = subprocess.Popen(_web_command(port), cwd=ROOT, env=env, stdout=open(log, "wb"),
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(lambda: services.port_open("127.0.0.1", port) or process.poll() is not None, 90,
                 "gunicorn to listen")
        assert process.poll() is None, log.read_text()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/auth/login", headers={
            "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7", "Host": "secretariat.example.org"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie  # production settings, from the example
        assert "Traceback" not in log.read_text()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_gunicorn_refuses_to_start_with_the_examples_empty_secret_key(tmp_path):
    env = _example_environment(tmp_path)
    assert env["SECRET_KEY"] == ""
    result = subprocess.run(_web_command(free_port()), cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stdout + result.stderr
