"""Fixtures shared by the integration tests."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from flask_migrate import upgrade

from config import TestConfig
from secretariat_app import create_app
from secretariat_app.extensions import db
from tests import services_available as services

if TYPE_CHECKING:
    from tests.integration.test_dispatch import Celery, RedisServer


@pytest.fixture
def processes() -> Iterator[list[Celery]]:
    """The Celery workers and beats a test starts (it appends them): stopped at the end, the last first."""
    started: list[Celery] = []
    yield started
    for process in reversed(started):
        process.stop()


@pytest.fixture
def own_redis(tmp_path) -> Iterator[RedisServer]:
    """A redis-server of the test's own on a free port, which the test may stop and start."""
    from tests.integration.test_dispatch import RedisServer

    services.require("redis-server (the program)", shutil.which("redis-server") is not None)
    server = RedisServer(tmp_path / "redis.log").start()
    yield server
    server.stop()


@pytest.fixture
def redis_url() -> str:
    """The Redis server of the integration tests (skipped, or failed where required, without one)."""
    services.require("Redis", services.redis_available(), services.REDIS_URL)
    return services.REDIS_URL


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A PostgreSQL database of the test's own, dropped after it."""
    from tests.conftest import _create_postgres_database, _drop_postgres_database

    services.require("PostgreSQL", services.postgres_available(), services.POSTGRES_ADMIN_URL)
    name, url = _create_postgres_database()
    yield url
    _drop_postgres_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path) -> Iterator[str]:
    """An empty database of the test's own, on SQLite and on PostgreSQL (dropped after it)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    from tests.conftest import _create_postgres_database, _drop_postgres_database

    services.require("PostgreSQL", services.postgres_available(), services.POSTGRES_ADMIN_URL)
    name, url = _create_postgres_database()
    yield url
    _drop_postgres_database(name)


@pytest.fixture
def unmigrated_app(empty_database_url) -> Iterator[Flask]:
    """The app on an empty database of its own, in its application context: the test runs
    the Alembic revisions it wants (flask_migrate's upgrade and downgrade)."""
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def migrated_app(unmigrated_app) -> Flask:
    """The app on a database of its own built by the Alembic revisions (not by the models),
    in its application context."""
    upgrade()
    return unmigrated_app
