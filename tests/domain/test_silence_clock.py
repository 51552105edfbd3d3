"""When silence ends: the deadline day ends at 24:00 in the forum's zone (Astana), an
objection counts on the forum day it is lodged, a reader elsewhere sees the same
instant on their own clock; the reminder falls three mornings before; and the
timeline tells the story in order."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from secretariat_app.domain import silence_timeline as story
from secretariat_app.domain.silence import ObjectionFacts, check_objection
from secretariat_app.domain.silence_clock import (
    adoption_day,
    deadline_in_zones,
    forum_day,
    lodged_in_time,
    reminder_at,
    silence_ends_at,
)

ASTANA, BOGOTA, UTC_ZONE = ZoneInfo("Asia/Almaty"), ZoneInfo("America/Bogota"), ZoneInfo("UTC")  # UTC+5, UTC-5
DEADLINE = date(2027, 3, 12)


def astana(day: int, hour: int, minute: int) -> datetime:
    return datetime(2027, 3, day, hour, minute, tzinfo=ASTANA)


def test_the_deadline_day_ends_at_midnight_in_astana():
    assert silence_ends_at(DEADLINE, ASTANA) == datetime(2027, 3, 12, 19, 0, tzinfo=UTC)
    assert adoption_day(DEADLINE) == date(2027, 3, 13)


def test_an_objection_at_23_59_counts_and_one_at_00_01_does_not():
    assert lodged_in_time(astana(12, 23, 59), DEADLINE, ASTANA)
    assert not lodged_in_time(astana(13, 0, 1), DEADLINE, ASTANA)
    # In UTC both are still the 12th: only the forum's day decides.
    assert astana(13, 0, 1).astimezone(UTC).date() == DEADLINE
    assert forum_day(astana(13, 0, 1).astimezone(UTC), ASTANA) == date(2027, 3, 13)


def test_a_reader_in_utc_minus_5_sees_the_same_instant_on_their_clock():
    shown = deadline_in_zones(DEADLINE, ASTANA, BOGOTA)
    assert (shown.forum.date(), shown.forum.hour, shown.forum.minute) == (DEADLINE, 23, 59)
    assert (shown.reader.date(), shown.reader.hour, shown.reader.minute) == (DEADLINE, 13, 59)
    assert shown.forum == shown.reader and not shown.same_zone
    assert deadline_in_zones(DEADLINE, ASTANA, ASTANA).same_zone
    in_utc = deadline_in_zones(DEADLINE, ASTANA, UTC_ZONE).reader
    assert (in_utc.hour, in_utc.minute) == (18, 59)


def test_the_reminder_falls_three_mornings_before_unless_the_silence_is_short():
    circulated = datetime(2027, 2, 26, 6, 0, tzinfo=UTC)
    assert reminder_at(DEADLINE, ASTANA, circulated) == datetime(2027, 3, 9, 4, 0, tzinfo=UTC)  # 09:00 Astana
    assert reminder_at(DEADLINE, ASTANA, datetime(2027, 3, 10, 6, 0, tzinfo=UTC)) is None


def test_the_rule_refuses_an_objection_lodged_the_day_after_and_asks_for_text_or_file():
    facts = dict(status="under_silence", circulated_on=date(2027, 2, 26), deadline=DEADLINE,
                 delegation_name="Russia", is_member=True, already_objected=False, text="")
    late = check_objection(ObjectionFacts(lodged_on=date(2027, 3, 13), today=date(2027, 3, 13), **facts))
    assert [v.field for v in late] == ["lodged_on", "text"]
    with_file = check_objection(ObjectionFacts(lodged_on=DEADLINE, today=DEADLINE, has_file=True,
                                               file_allowed=True, **facts))
    assert with_file == []
    empty = check_objection(ObjectionFacts(lodged_on=DEADLINE, today=DEADLINE, file_allowed=True, **facts))
    assert [v.message for v in empty] == ["Write the objection, or attach it as a file."]


def test_the_timeline_in_order_ending_in_adoption():
    circulated_at = datetime(2027, 2, 26, 6, 0, tzinfo=UTC)
    reminded = datetime(2027, 3, 9, 4, 0, tzinfo=UTC)
    events = story.timeline(story.SilenceFacts(
        circulated_on=date(2027, 2, 26), circulated_at=circulated_at, deadline=DEADLINE, today=date(2027, 3, 14),
        members=28, others=("Japan",), reminders=story.reminders_from([(reminded, date(2027, 3, 9))] * 3),
        adopted_on=date(2027, 3, 13)))
    assert [e.kind for e in events] == ["circulated", "reminder", "deadline", "adopted"]
    assert events[0].params == {"members": 28, "others": ["Japan"]} and events[1].params == {"people": 3}
    assert all(e.done for e in events)


def test_the_timeline_of_a_broken_silence_and_a_deadline_ahead():
    first = datetime(2027, 3, 12, 18, 59, tzinfo=UTC)
    events = story.timeline(story.SilenceFacts(
        circulated_on=date(2027, 2, 26), circulated_at=None, deadline=DEADLINE, today=DEADLINE, members=28,
        objections=(story.ObjectionFact(DEADLINE, first + timedelta(seconds=30), "China"),
                    story.ObjectionFact(DEADLINE, first, "Russia"),
                    story.ObjectionFact(date(2027, 3, 13), None, "India"))))  # after the deadline: no part
    assert [(e.kind, e.params.get("delegation")) for e in events] == [
        ("circulated", None), ("objection", "Russia"), ("broken", "Russia"), ("objection", "China"),
        ("deadline", None)]
    assert events[-1].done is False
