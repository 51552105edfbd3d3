"""The rules of CBM implementation reporting, without a database."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from secretariat_app.domain import cbm_reports as rules
from secretariat_app.domain.cbm_status import end_of_day_utc

PLAN = rules.PlanPeriod(date(2025, 1, 1), date(2027, 12, 31))


def fields(violations) -> list[str]:
    return [v.field for v in violations]


def texts(violations) -> str:
    return " ".join(v.render() for v in violations)


# The state machine -----------------------------------------------------------------

@pytest.mark.parametrize("action, status, after", [
    (rules.SUBMIT, "draft", "submitted"),
    (rules.PUBLISH, "submitted", "published"),
    (rules.REOPEN, "submitted", "draft"),
    (rules.REOPEN, "published", "draft"),
])
def test_the_allowed_steps(action, status, after):
    assert rules.check_transition(action, status, reason="A figure was wrong.") == []
    assert rules.status_after(action) == after


@pytest.mark.parametrize("action, status, words", [
    (rules.PUBLISH, "draft", "A draft cannot be published"),
    (rules.PUBLISH, "published", "published already"),
    (rules.SUBMIT, "submitted", "submitted already"),
    (rules.SUBMIT, "published", "submitted already"),
    (rules.REOPEN, "draft", "this one is a draft"),
])
def test_no_step_is_skipped_or_repeated(action, status, words):
    violations = rules.check_transition(action, status, reason="why")
    assert fields(violations) == ["status"] and words in texts(violations)


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_reopening_needs_a_reason(reason):
    violations = rules.check_transition(rules.REOPEN, "submitted", reason=reason)
    assert fields(violations) == ["reason"] and "reason is kept" in texts(violations)


def test_only_a_draft_is_editable_and_the_refusal_says_who_reopens():
    assert rules.check_editable("draft") == []
    for status in ("submitted", "published"):
        violations = rules.check_editable(status)
        assert fields(violations) == ["status"] and "ask the Secretariat to reopen it" in texts(violations)


# Opening a report ---------------------------------------------------------------------

def test_a_report_needs_an_approved_plan_covering_its_year():
    assert rules.check_opening(2026, [PLAN], existing_report=False) == []
    violations = rules.check_opening(2028, [PLAN], existing_report=False)
    assert fields(violations) == ["year"] and "no approved action plan covering 2028" in texts(violations)
    assert "2024" in texts(rules.check_opening(2024, [], existing_report=False))


def test_a_plan_covering_part_of_a_year_covers_that_year():
    mid_year = rules.PlanPeriod(date(2025, 7, 1), date(2026, 6, 30))
    assert rules.check_opening(2025, [mid_year], False) == [] and rules.check_opening(2026, [mid_year], False) == []


def test_a_second_report_for_the_same_year_is_refused():
    violations = rules.check_opening(2026, [PLAN], existing_report=True)
    assert fields(violations) == ["year"] and "for 2026 exists already" in texts(violations)


@pytest.mark.parametrize("year", [None, 1990, 2200])
def test_a_reporting_year_out_of_range_is_refused(year):
    assert fields(rules.check_opening(year, [PLAN], False)) == ["year"]


def test_the_due_day_lies_in_the_year_or_the_next():
    assert rules.check_due_day(date(2026, 11, 20), 2026) == []
    assert rules.check_due_day(date(2027, 1, 31), 2026) == []
    assert fields(rules.check_due_day(date(2025, 12, 31), 2026)) == ["due_day"]
    assert fields(rules.check_due_day(None, 2026)) == ["due_day"]


def test_the_due_day_is_read_back_from_the_instant_in_astana():
    due = end_of_day_utc(date(2026, 11, 20))
    assert due == datetime(2026, 11, 20, 19, 0, tzinfo=UTC)  # Astana is UTC+5
    assert rules.due_day_of(due) == date(2026, 11, 20)
    assert rules.due_day_of(due, "Asia/Tokyo") == date(2026, 11, 21)  # 04:00 on the 21st there


# Activities ------------------------------------------------------------------------

def activity(**overrides) -> rules.ActivityFacts:
    values = dict(title_en="Seminar on SMEs", title_ru="", type_given=True, planned_start=date(2026, 5, 10),
                  planned_end=date(2026, 5, 11), venue="Astana", period=PLAN, plan_superseded=False,
                  host_state_known=True, responsible_state_name="Kazakhstan", responsible_is_member=True)
    values.update(overrides)
    return rules.ActivityFacts(**values)


def test_a_well_formed_activity_passes():
    assert rules.check_activity(activity()) == []
    assert rules.check_activity(activity(title_en="", title_ru="Семинар")) == []


def test_an_activity_outside_the_plan_period_is_refused_naming_the_period():
    violations = rules.check_activity(activity(planned_start=date(2028, 1, 5), planned_end=date(2028, 1, 6)))
    assert fields(violations) == ["planned_start"]
    assert "2025-01-01 to 2027-12-31" in texts(violations)
    ends_late = rules.check_activity(activity(planned_start=date(2027, 12, 30), planned_end=date(2028, 1, 2)))
    assert fields(ends_late) == ["planned_end"]


def test_an_activity_needs_a_title_a_type_dates_and_a_member_responsible_state():
    violations = rules.check_activity(activity(title_en=" ", title_ru="", type_given=False, planned_start=None,
                                               planned_end=None, responsible_state_name=None))
    assert fields(violations) == ["title_en", "activity_type", "planned_start", "planned_end", "responsible_state"]
    observer = rules.check_activity(activity(responsible_state_name="Japan", responsible_is_member=False))
    assert fields(observer) == ["responsible_state"] and "Japan is not a member state on 2026-05-10" in texts(observer)


def test_an_activity_ending_before_it_starts_is_refused():
    violations = rules.check_activity(activity(planned_start=date(2026, 5, 10), planned_end=date(2026, 5, 9)))
    assert fields(violations) == ["planned_end"]


def test_a_superseded_plan_takes_no_activity():
    violations = rules.check_activity(activity(plan_superseded=True))
    assert fields(violations) == ["status"] and "superseded" in texts(violations)


def test_a_plan_without_a_period_takes_no_activity_yet():
    assert fields(rules.check_activity(activity(period=None))) == ["planned_start"]


def test_overlong_text_is_refused_before_the_database_would():
    violations = rules.check_activity(activity(title_en="x" * 301, venue="v" * 201))
    assert sorted(fields(violations)) == ["title_en", "venue"]


# Implementation reports -------------------------------------------------------------

def held(**overrides) -> rules.ActivityReportFacts:
    values = dict(report_status="draft", report_year=2026, period=PLAN, activity_of_area=True,
                  reported_elsewhere=False, held_on=date(2026, 5, 12), held_until=date(2026, 5, 13), venue="Astana",
                  participant_count="40", outcome_en="A joint statement.", outcome_ru="")
    values.update(overrides)
    return rules.ActivityReportFacts(**values)


def test_a_well_formed_report_gives_the_count():
    assert rules.check_activity_report(held()) == (40, [])
    assert rules.check_activity_report(held(participant_count=0, outcome_en="", outcome_ru="Итоги.")) == (0, [])


@pytest.mark.parametrize("typed, words", [
    ("-5", "cannot be negative"),
    (-1, "cannot be negative"),
    ("forty", "whole number"),
    ("12.5", "whole number"),
    ("", "Give the number"),
    (None, "Give the number"),
    (True, "whole number"),
    (2_000_000, "cannot exceed"),
])
def test_a_participant_count_must_be_a_whole_number_from_zero(typed, words):
    count, violations = rules.check_activity_report(held(participant_count=typed))
    assert count is None and fields(violations) == ["participant_count"] and words in texts(violations)


def test_a_count_typed_with_spaces_is_read():
    assert rules.parse_count(" 1 200 ") == (1200, [])


def test_non_members_are_refused_by_name():
    count, violations = rules.check_activity_report(held(non_members=("Japan", "Qatar")))
    assert count is None and fields(violations) == ["participating_states"]
    assert "not members on 2026-05-12: Japan, Qatar" in texts(violations)


def test_the_held_day_lies_in_the_plan_period_and_the_report_year():
    outside = rules.check_activity_report(held(held_on=date(2024, 12, 1), held_until=None))[1]
    assert fields(outside) == ["held_on"] and "2025-01-01 to 2027-12-31" in texts(outside)
    other_year = rules.check_activity_report(held(held_on=date(2027, 2, 1), held_until=None))[1]
    assert fields(other_year) == ["held_on"] and "must have been held in 2026" in texts(other_year)
    backwards = rules.check_activity_report(held(held_until=date(2026, 5, 1)))[1]
    assert fields(backwards) == ["held_until"]
    assert fields(rules.check_activity_report(held(held_on=None))[1]) == ["held_on"]


def test_an_outcome_in_one_language_at_least():
    violations = rules.check_activity_report(held(outcome_en=" ", outcome_ru=""))[1]
    assert fields(violations) == ["outcome_en"]


def test_a_locked_report_takes_no_activity_report():
    for status in ("submitted", "published"):
        assert fields(rules.check_activity_report(held(report_status=status))[1]) == ["status"]


def test_an_activity_of_another_area_or_reported_in_another_year_is_refused():
    assert fields(rules.check_activity_report(held(activity_of_area=False))[1]) == ["activity"]
    assert fields(rules.check_activity_report(held(reported_elsewhere=True))[1]) == ["activity"]


def test_every_problem_is_reported_at_once():
    violations = rules.check_activity_report(held(held_on=date(2028, 1, 1), held_until=None, participant_count="-1",
                                                  outcome_en="", non_members=("Japan",)))[1]
    assert sorted(fields(violations)) == ["held_on", "outcome_en", "participant_count", "participating_states"]


@pytest.mark.parametrize("given, extension, shown", [
    ("programme.pdf", "pdf", "programme.pdf"),
    ("../../etc/passwd", "txt", "passwd.txt"),
    ("C:\\Users\\me\\photo.exe", "png", "photo.png"),
    ("", "pdf", "attachment.pdf"),
    (None, "pdf", "attachment.pdf"),
    ("Программа семинара.docx", "docx", "Программа семинара.docx"),
    ("<script>.pdf", "pdf", "script.pdf"),
])
def test_an_attachment_is_named_without_paths_and_by_its_real_type(given, extension, shown):
    assert rules.display_filename(given, extension) == shown


def test_a_long_file_name_is_cut_keeping_its_extension():
    name = rules.display_filename("a" * 500 + ".pdf", "pdf")
    assert len(name) == rules.FILENAME_MAX and name.endswith(".pdf")
