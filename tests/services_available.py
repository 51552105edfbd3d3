"""Whether PostgreSQL and Redis are here, and what a test does when they are not:
on a laptop it skips; under CI=true it fails, because CI must test them."""
from __future__ import annotations

import os
import socket

import pytest

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require(name: str, available: bool, detail: str = "") -> None:
    if available:
        return
    message = f"{name} is not reachable{': ' + detail if detail else ''}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: tests that need {name} must run)")
    pytest.skip(message)


def postgres_available() -> bool:
    return port_open("127.0.0.1", 5432)


def redis_available() -> bool:
    return port_open("127.0.0.1", 6379)
