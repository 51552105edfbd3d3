"""Reminder offsets and due instants as pure functions: the defaults per body,
the offsets an officer may type, and instants across daylight-saving changes
and time zones (the same local hour where the meeting takes place)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from secretariat_app.domain import reminders as rules

UTC = UTC


def local(zone: str, *args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def test_defaults_per_body():
    assert rules.default_offsets("SUMMIT") == (60, 14, 2)
    assert rules.default_offsets("MFA") == (60, 14, 2)
    assert rules.default_offsets("MFA_INFORMAL") == (14, 2)
    assert rules.default_offsets("SOC") == (30, 7, 1)
    assert rules.default_offsets("SWG") == (14, 3, 1)
    assert rules.default_offsets("UNKNOWN") == rules.FALLBACK_OFFSETS


def test_a_meetings_own_offsets_win_and_an_empty_list_means_none():
    assert rules.offsets_for(None, "SOC") == (30, 7, 1)
    assert rules.offsets_for([1, 10, 10, 3], "SOC") == (10, 3, 1)
    assert rules.offsets_for([], "SOC") == ()


@pytest.mark.parametrize("text,expected", [
    ("", None), ("  ", None), (None, None), ("30, 7, 1", [30, 7, 1]), ("30;7 1", [30, 7, 1]), ("0", [0]),
    ("-3", [-3]), ("400", [400]),
])
def test_parsing(text, expected):
    assert rules.parse_offsets(text) == expected


@pytest.mark.parametrize("text", ["abc", "7.5", "1e3", "7 days", "3-4"])
def test_parsing_refuses_what_is_not_a_whole_number(text):
    with pytest.raises(ValueError):
        rules.parse_offsets(text)


def test_format_round_trips():
    assert rules.format_offsets([1, 30, 7]) == "30, 7, 1"
    assert rules.format_offsets(None) == ""
    assert rules.parse_offsets(rules.format_offsets([60, 14, 2])) == [60, 14, 2]


@pytest.mark.parametrize("offsets", [None, [], [0], [365], [30, 7, 1]])
def test_accepted_offsets(offsets):
    assert rules.check_offsets(offsets) == []


@pytest.mark.parametrize("offsets,params", [([-1], None), ([366], {"n": 365}), ([7, -2, 1], None),
                                            ([1000], {"n": 365})])
def test_negative_or_over_a_year_is_refused_on_the_field(offsets, params):
    violations = rules.check_offsets(offsets)
    assert len(violations) == 1 and violations[0].field == "reminder_offsets"
    if params:
        assert violations[0].params == params


def test_too_many_and_non_integers_are_refused():
    assert rules.check_offsets(list(range(rules.MAX_OFFSETS + 1)))[0].field == "reminder_offsets"
    assert rules.check_offsets([True])[0].field == "reminder_offsets"
    assert rules.check_offsets(["7"])[0].field == "reminder_offsets"


# Due instants -----------------------------------------------------------------------

def test_without_a_clock_change_it_is_whole_days_before():
    start = local("Asia/Almaty", 2027, 6, 1, 10, 0)
    assert rules.due_instant(start, "Asia/Almaty", 7) == start - timedelta(days=7)
    assert rules.due_instant(start, "Asia/Almaty", 0) == start


def test_new_york_across_the_march_change_keeps_the_local_hour():
    # 10:00 EDT (UTC-4) on 20 March 2027; clocks went forward on 14 March.
    start = local("America/New_York", 2027, 3, 20, 10, 0)
    assert start == datetime(2027, 3, 20, 14, 0, tzinfo=UTC)
    week_before = rules.due_instant(start, "America/New_York", 7)
    assert week_before == datetime(2027, 3, 13, 15, 0, tzinfo=UTC)  # 10:00 EST (UTC-5)
    assert week_before.astimezone(ZoneInfo("America/New_York")).hour == 10
    assert start - week_before == timedelta(days=7, hours=-1)


def test_new_york_across_the_november_change():
    # 09:30 EST (UTC-5) on 10 November 2027; clocks went back on 7 November.
    start = local("America/New_York", 2027, 11, 10, 9, 30)
    due = rules.due_instant(start, "America/New_York", 7)
    assert due == datetime(2027, 11, 3, 13, 30, tzinfo=UTC)  # 09:30 EDT (UTC-4)
    assert start - due == timedelta(days=7, hours=1)


def test_moscow_has_no_clock_change_so_the_same_dates_are_whole_days():
    start = local("Europe/Moscow", 2027, 3, 20, 10, 0)
    assert start == datetime(2027, 3, 20, 7, 0, tzinfo=UTC)
    assert rules.due_instant(start, "Europe/Moscow", 7) == datetime(2027, 3, 13, 7, 0, tzinfo=UTC)
    start = local("Europe/Moscow", 2027, 11, 10, 9, 30)
    assert rules.due_instant(start, "Europe/Moscow", 7) == start - timedelta(days=7)


def test_the_same_local_time_in_two_zones_gives_different_instants():
    ny = rules.due_instant(local("America/New_York", 2027, 3, 20, 10), "America/New_York", 30)
    msk = rules.due_instant(local("Europe/Moscow", 2027, 3, 20, 10), "Europe/Moscow", 30)
    assert ny == datetime(2027, 2, 18, 15, 0, tzinfo=UTC)
    assert msk == datetime(2027, 2, 18, 7, 0, tzinfo=UTC)


def test_a_local_time_skipped_by_the_spring_change_falls_an_hour_later_on_the_clock():
    # 02:30 on 14 March 2027 does not exist in New York: read as 02:30 EST = 03:30 EDT.
    start = local("America/New_York", 2027, 3, 21, 2, 30)
    due = rules.due_instant(start, "America/New_York", 7)
    assert due == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)
    assert due.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M") == "03:30"


def test_a_local_time_that_occurs_twice_in_autumn_is_the_first():
    start = local("America/New_York", 2027, 11, 14, 1, 30)  # EST, after the change
    due = rules.due_instant(start, "America/New_York", 7)
    assert due == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)  # 01:30 EDT, the first of the two


def test_due_instants_sorted_without_the_past():
    start = local("Asia/Almaty", 2027, 6, 1, 10)
    all_ = rules.due_instants(start, "Asia/Almaty", (30, 7, 1))
    assert all_ == [start - timedelta(days=30), start - timedelta(days=7), start - timedelta(days=1)]
    now = start - timedelta(days=10)
    assert rules.due_instants(start, "Asia/Almaty", (30, 7, 1), now=now) == all_[1:]


def test_a_naive_start_is_refused():
    with pytest.raises(ValueError):
        rules.due_instant(datetime(2027, 6, 1, 10), "Asia/Almaty", 1)


ZONES = ["America/New_York", "Europe/Moscow", "Europe/London", "Asia/Almaty", "Australia/Sydney", "UTC"]


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),
       st.sampled_from(ZONES), st.integers(min_value=0, max_value=365))
def test_the_reminder_is_on_the_right_calendar_day_never_after_the_start(wall, zone, days):
    start = wall.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    due = rules.due_instant(start, zone, days)
    assert due <= start
    tz = ZoneInfo(zone)
    assert (start.astimezone(tz).date() - due.astimezone(tz).date()).days == days
    # Within an hour (one clock change) of whole days before.
    assert abs((start - due) - timedelta(days=days)) <= timedelta(hours=1)
