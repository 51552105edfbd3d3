"""One forum day for a whole test module. Modules that compute dates from "today"
at import (`TODAY = SUITE_DAY`) use `steady_forum_day`, so a suite that runs across
midnight in the forum's time zone (19:00 UTC) does not see the app's "today" move
away from theirs. The clock keeps ticking; it is only held back to the last minutes of
the suite's day when the real day has already turned."""
from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from freezegun import freeze_time

from secretariat_app.core.forum_time import forum_today, forum_zone

SUITE_DAY = forum_today()


@pytest.fixture
def steady_forum_day():
    now = datetime.now(UTC)
    last_minutes = datetime.combine(SUITE_DAY, time(23, 55), tzinfo=forum_zone()).astimezone(UTC)
    start = now if forum_today() == SUITE_DAY else last_minutes
    with freeze_time(start, tick=True):
        yield SUITE_DAY
