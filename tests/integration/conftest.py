"""Fixtures shared by the integration tests."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

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
