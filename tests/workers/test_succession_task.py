"""The succession's daily task: in beat's schedule, and it warns the officers once."""
from __future__ import annotations

import pytest

from tests.succession_setup import cast


@pytest.fixture
def world(reference):
    return cast()


def test_the_task_is_in_beats_schedule_and_runs_the_warning(app, world):
    from workers.celery_app import beat_schedule

    assert any(e["task"] == "workers.tasks.succession.run_daily" for e in beat_schedule().values())
    task = app.extensions["celery"].tasks["workers.tasks.succession.run_daily"]
    assert task.run() == 1  # the one officer of the cast
    assert task.run() == 0
