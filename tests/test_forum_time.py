"""A day is a day in the forum's time zone, not the server's."""
from __future__ import annotations

from datetime import date, datetime

from freezegun import freeze_time

from config import TestConfig
from secretariat_app import create_app
from secretariat_app.core.forum_time import forum_day_of, forum_today


def test_after_19_utc_it_is_already_tomorrow_in_astana():
    with freeze_time("2026-12-05 20:30:00"):
        assert forum_today() == date(2026, 12, 6)
    with freeze_time("2026-12-05 18:59:00"):
        assert forum_today() == date(2026, 12, 5)


def test_a_naive_moment_is_read_as_utc():
    assert forum_day_of(datetime(2026, 12, 5, 19, 0)) == date(2026, 12, 6)
    assert forum_day_of(datetime(2026, 12, 5, 18, 59)) == date(2026, 12, 5)


def test_the_zone_is_a_setting():
    class NewYork(TestConfig):
        FORUM_TIMEZONE = "America/New_York"

    with create_app(NewYork).app_context(), freeze_time("2026-12-06 03:00:00"):
        assert forum_today() == date(2026, 12, 5)
