"""What a reader may learn of CBM implementation reports, as plain data: the
statuses are given as their values, as the domain module knows them."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from secretariat_app.domain.cbm_status import ActivityState
from secretariat_app.domain.cbm_visibility import (
    DRAFT,
    PUBLISHED,
    SUBMITTED,
    ReaderScope,
    YearRange,
    default_years,
)

AREA = 7
OFFICER = ReaderScope(secretariat=True)
MEMBER = ReaderScope(member=True)
OBSERVER = ReaderScope()
COORDINATOR = ReaderScope(member=True, coordinated_area_ids=frozenset({AREA}))
OBSERVING_COORDINATOR = ReaderScope(coordinated_area_ids=frozenset({AREA}))
DUE = datetime(2026, 11, 15, 19, 0, tzinfo=UTC)
AFTER = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize("scope, readable", [
    (OFFICER, {DRAFT, SUBMITTED, PUBLISHED}),
    (COORDINATOR, {DRAFT, SUBMITTED, PUBLISHED}),
    (OBSERVING_COORDINATOR, {DRAFT, SUBMITTED, PUBLISHED}),
    (MEMBER, {SUBMITTED, PUBLISHED}),
    (OBSERVER, {PUBLISHED}),
])
def test_who_reads_the_details_of_a_report(scope, readable):
    assert {s for s in (DRAFT, SUBMITTED, PUBLISHED) if scope.reads_report(AREA, s)} == readable
    assert not scope.reads_report(AREA, None)


def test_outside_their_own_areas_coordinators_read_as_members_or_observers():
    assert not COORDINATOR.reads_report(AREA + 1, DRAFT) and COORDINATOR.reads_report(AREA + 1, SUBMITTED)
    assert not OBSERVING_COORDINATOR.reads_report(AREA + 1, SUBMITTED)
    assert OBSERVER.readable_statuses() == (PUBLISHED,) and MEMBER.readable_statuses() == (SUBMITTED, PUBLISHED)


def test_readers_of_no_status_read_only_the_areas_they_coordinate():
    outsider = ReaderScope(outsider=True)
    coordinating = ReaderScope(outsider=True, coordinated_area_ids=frozenset({AREA}))
    assert not any(outsider.reads_report(AREA, s) for s in (DRAFT, SUBMITTED, PUBLISHED))
    assert all(coordinating.reads_report(AREA, s) for s in (DRAFT, SUBMITTED, PUBLISHED))
    assert not coordinating.reads_report(AREA + 1, PUBLISHED)


def test_python_reads_what_the_rule_as_data_admits():
    """ReportRule is what permissions.cbm turns into SQL: reads_report is nothing but its admits()."""
    for scope in (OFFICER, MEMBER, OBSERVER, COORDINATOR, OBSERVING_COORDINATOR, ReaderScope(outsider=True)):
        rule = scope.report_rule()
        for area in (AREA, AREA + 1):
            for status in (DRAFT, SUBMITTED, PUBLISHED, None):
                assert scope.reads_report(area, status) == rule.admits(area, status)
                assert rule.admits(area, status) == (status is not None and (
                    rule.all_areas or area in rule.area_ids or status in rule.statuses))


@pytest.mark.parametrize("scope, readable, comments", [
    (OFFICER, {"draft", "submitted", "under_swg_review", "approved"}, set()),
    (COORDINATOR, {"draft", "submitted", "under_swg_review", "approved"}, {"under_swg_review"}),
    (MEMBER, {"submitted", "under_swg_review", "approved"}, {"under_swg_review"}),
    (OBSERVER, set(), set()),
    (OBSERVING_COORDINATOR, {"draft", "submitted", "under_swg_review", "approved"}, set()),
])
def test_who_reads_and_comments_on_papers(scope, readable, comments):
    statuses = ("draft", "submitted", "under_swg_review", "approved")
    assert {s for s in statuses if scope.reads_paper(AREA, s)} == readable
    assert {s for s in statuses if scope.comments_on_paper(s)} == comments


def test_observers_list_only_published_reports_members_list_all():
    assert [s for s in (DRAFT, SUBMITTED, PUBLISHED) if OBSERVER.lists_report(AREA + 1, s)] == [PUBLISHED]
    assert all(MEMBER.lists_report(AREA, s) for s in (DRAFT, SUBMITTED, PUBLISHED))
    assert OBSERVING_COORDINATOR.lists_report(AREA, DRAFT)


def test_a_report_awaiting_publication_is_neither_reported_nor_late_to_an_observer():
    def state(scope: ReaderScope, report, annual) -> ActivityState:
        return scope.activity_state(area_id=AREA + 1, report_status=report, annual_status=annual, due_at=DUE,
                                    now=AFTER)

    assert state(MEMBER, SUBMITTED, SUBMITTED) == ActivityState.REPORTED
    assert state(MEMBER, None, SUBMITTED) == ActivityState.MISSING
    assert state(OBSERVER, SUBMITTED, SUBMITTED) == ActivityState.PLANNED
    assert state(OBSERVER, PUBLISHED, PUBLISHED) == ActivityState.REPORTED
    assert state(OBSERVER, None, PUBLISHED) == ActivityState.MISSING
    assert state(OBSERVER, None, DRAFT) == ActivityState.LATE  # the due time is public


def test_year_ranges_are_plain_spans():
    years = YearRange(2024, 2026)
    assert years.years == [2024, 2025, 2026] and years.label() == "2024-2026"
    assert YearRange(2026, 2026).label() == "2026"
    assert (years.start.isoformat(), years.end.isoformat()) == ("2024-01-01", "2026-12-31")
    assert default_years(datetime(2026, 6, 1).date()) == YearRange(2022, 2026)
