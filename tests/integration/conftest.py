"""Fixtures shared by the integration tests."""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.integration.test_dispatch import Celery


@pytest.fixture
def processes() -> Iterator[list[Celery]]:
    """The Celery workers and beats a test starts (it appends them): stopped at the end, the last first."""
    started: list[Celery] = []
    yield started
    for process in reversed(started):
        process.stop()
