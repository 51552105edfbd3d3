"""The pure rules of the meetings calendar."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from secretariat_app.domain import meeting_rules as rules

UTC = UTC


def fields(violations) -> list[str]:
    return [v.field for v in violations]


def test_local_time_is_converted_to_utc_and_back():
    local = datetime(2026, 6, 1, 10, 0)
    utc = rules.to_utc(local, "Asia/Bangkok")
    assert utc == datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
    assert rules.to_local(utc, "Asia/Bangkok") == local
    assert rules.local_day(datetime(2026, 5, 31, 20, 0, tzinfo=UTC), "Asia/Tokyo") == date(2026, 6, 1)


def test_unknown_zone_is_refused():
    assert rules.zone_of("Mars/Olympus") is None
    with pytest.raises(ValueError):
        rules.to_utc(datetime(2026, 1, 1), "Mars/Olympus")


def test_end_before_start_is_an_error_on_the_end():
    start = datetime(2026, 6, 1, 10, tzinfo=UTC)
    assert rules.check_times(start, start + timedelta(hours=8)) == []
    assert rules.check_times(start, start) == []
    assert fields(rules.check_times(start, start - timedelta(minutes=1))) == ["ends_at"]
    assert fields(rules.check_times(None, None)) == ["starts_at", "ends_at"]


def test_registration_deadline_comes_before_the_start():
    start = datetime(2026, 6, 1, 10, tzinfo=UTC)
    end = start + timedelta(days=1)
    assert rules.check_times(start, end, start - timedelta(days=7)) == []
    assert fields(rules.check_times(start, end, start + timedelta(hours=1))) == ["registration_deadline"]


def test_titles_are_required_in_both_languages():
    assert rules.check_titles("SOC", "КСДЛ") == []
    assert fields(rules.check_titles("", "")) == ["title_en", "title_ru"]
    assert fields(rules.check_titles("x" * 201, "ok")) == ["title_en"]


def test_number_is_positive():
    assert rules.check_number(None) == [] and rules.check_number(5) == []
    assert fields(rules.check_number(0)) == ["number"]


@pytest.mark.parametrize("lead,ok", [(-3, False), (0, False), (1, True), (2, True), (14, True), (15, False)])
def test_swg_starts_one_to_fourteen_days_before_its_soc(lead, ok):
    swg = date(2022, 12, 12)
    violations = rules.check_preparation(swg, swg + timedelta(days=lead))
    assert (violations == []) is ok
    assert all(v.field == "prepares_meeting_id" for v in violations)


@pytest.mark.parametrize("action,status,ok", [
    ("confirm", "planned", True), ("confirm", "postponed", True), ("confirm", "held", False),
    ("postpone", "confirmed", True), ("postpone", "cancelled", False), ("postpone", "held", False),
    ("cancel", "planned", True), ("cancel", "cancelled", False),
    ("held", "confirmed", True), ("held", "held", False), ("held", "cancelled", False),
])
def test_status_actions(action, status, ok):
    assert (rules.check_action(action, status) == []) is ok


def test_held_only_once_started():
    start = datetime(2026, 6, 1, 5, tzinfo=UTC)
    assert fields(rules.check_held(start, start - timedelta(seconds=1))) == ["status"]
    assert rules.check_held(start, start) == []


def test_registration_is_open_until_the_deadline_or_else_the_start():
    start = datetime(2026, 6, 1, 5, tzinfo=UTC)
    deadline = start - timedelta(days=10)
    assert rules.registration_open(deadline, start, deadline)
    assert not rules.registration_open(deadline, start, deadline + timedelta(seconds=1))
    assert rules.registration_open(None, start, start - timedelta(hours=1))
    assert not rules.registration_open(None, start, start + timedelta(hours=1))


def test_participant_needs_a_name_and_a_plausible_email():
    assert rules.check_participant("A. Person", "Head of delegation", "a@example.org") == []
    assert rules.check_participant("A. Person", "", "") == []
    assert fields(rules.check_participant(" ", "", "not-an-address")) == ["name", "email"]


def test_reason_required():
    assert fields(rules.check_reason("  ")) == ["reason"]
    assert rules.check_reason("Host unavailable") == []
