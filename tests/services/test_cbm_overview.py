"""The CBM overview: the matrix of areas by year (the states of the activities
as each reader may know them), the due times it assumes, the activities held,
and the in-depth review rotation."""
from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest

from secretariat_app.accounts.models.states import MembershipStatus
from secretariat_app.cbm.models import PaperStatus, ReportStatus
from secretariat_app.cbm.services.overview import (
    held_statistics,
    load_catalogue,
    overview_matrix,
    review_rotation,
    reviewed_dimension,
)
from secretariat_app.domain.cbm_status import ActivityState
from secretariat_app.domain.cbm_visibility import (
    DRAFT,
    PUBLISHED,
    SUBMITTED,
    ReaderScope,
    YearRange,
    year_range,
)
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.meetings.models import MeetingStatus
from secretariat_app.permissions.cbm import readable_statuses
from secretariat_app.permissions.cbm import reader_scope as scope_for
from tests import cbm_builders as b
from tests.documents_helpers import meeting

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # after the 2026 reports were due (20 November)
YEARS = YearRange(2024, 2027)
OFFICER = ReaderScope(secretariat=True)
MEMBER = ReaderScope(member=True)
OBSERVER = ReaderScope()

REPORTED, LATE, MISSING, PLANNED = (ActivityState.REPORTED, ActivityState.LATE, ActivityState.MISSING,
                                    ActivityState.PLANNED)


def cell(scope, area, year=2026, now=NOW, years=YEARS):
    return overview_matrix(scope, years, now).cell(area.id, year)


@pytest.fixture
def two_activities(app_ctx):
    """The issue's check: an approved plan, two activities in 2026, one reported, the other's
    deadline passed (the annual report, still a draft, was due on 20 November)."""
    cast = b.cbm_cast()
    reported = b.activity(cast.plan, start=date(2026, 5, 10), title="Seminar")
    b.activity(cast.plan, start=date(2026, 9, 14), title="Workshop")
    annual = b.annual_report(cast.area, 2026, due=date(2026, 11, 20))
    b.activity_report(reported, annual)
    return cast, annual


def test_one_reported_and_one_late(two_activities):
    cast, _ = two_activities
    for scope in (OFFICER, MEMBER, ReaderScope(member=True, coordinated_area_ids=frozenset({cast.area.id}))):
        found = cell(scope, cast.area)
        assert found.counts == Counter({REPORTED: 1, LATE: 1})
        assert found.state == LATE
        assert found.ordered_counts() == [(REPORTED, 1), (LATE, 1)]


def test_before_the_due_time_the_unreported_activity_is_planned(two_activities):
    cast, _ = two_activities
    # Due at the end of 20 November in Astana: 19:00 UTC.
    before = cell(MEMBER, cast.area, now=datetime(2026, 11, 20, 18, 59, tzinfo=UTC))
    assert before.counts == Counter({REPORTED: 1, PLANNED: 1}) and before.state == PLANNED
    after = cell(MEMBER, cast.area, now=datetime(2026, 11, 20, 19, 0, tzinfo=UTC))
    assert after.counts == Counter({REPORTED: 1, LATE: 1})


def test_a_submitted_report_without_an_activity_makes_it_missing(two_activities):
    cast, annual = two_activities
    annual.status = ReportStatus.SUBMITTED
    b.db.session.commit()
    found = cell(MEMBER, cast.area, now=datetime(2026, 11, 1, tzinfo=UTC))  # even before the due time
    assert found.counts == Counter({REPORTED: 1, MISSING: 1}) and found.state == MISSING


def test_future_activities_are_planned_and_empty_cells_have_no_state(app_ctx):
    cast = b.cbm_cast()
    b.activity(cast.plan, start=date(2027, 3, 1))
    matrix = overview_matrix(MEMBER, YEARS, NOW)
    assert matrix.cell(cast.area.id, 2027).counts == Counter({PLANNED: 1})
    assert matrix.cell(cast.area.id, 2027).state == PLANNED
    assert matrix.cell(cast.area.id, 2026).state is None and matrix.cell(cast.area.id, 2026).total == 0
    assert matrix.years.years == [2024, 2025, 2026, 2027]
    assert matrix.totals == Counter({PLANNED: 1})


def test_an_activity_belongs_to_the_year_of_its_planned_end(app_ctx):
    cast = b.cbm_cast()
    b.activity(cast.plan, start=date(2025, 12, 20), end=date(2026, 1, 10))
    matrix = overview_matrix(MEMBER, YEARS, NOW)
    assert matrix.cell(cast.area.id, 2025).total == 0
    assert matrix.cell(cast.area.id, 2026).counts == Counter({LATE: 1})  # 2026's default due time passed


def test_without_an_annual_report_the_due_time_comes_from_the_december_soc(app_ctx):
    cast = b.cbm_cast()
    b.activity(cast.plan, start=date(2026, 6, 1))
    # The December SOC opens on 10 December in Astana: reports are due by the end of 26 November.
    meeting("SOC December", code="SOC", start=datetime(2026, 12, 10, 4, 0, tzinfo=UTC))
    assert cell(MEMBER, cast.area, now=datetime(2026, 11, 26, 18, 0, tzinfo=UTC)).state == PLANNED
    assert cell(MEMBER, cast.area, now=datetime(2026, 11, 26, 19, 0, tzinfo=UTC)).state == LATE


def test_a_cancelled_december_soc_leaves_the_15_november_default(app_ctx):
    cast = b.cbm_cast()
    b.activity(cast.plan, start=date(2026, 6, 1))
    soc = meeting("SOC December", code="SOC", start=datetime(2026, 12, 10, 4, 0, tzinfo=UTC))
    soc.status = MeetingStatus.CANCELLED
    b.db.session.commit()
    assert cell(MEMBER, cast.area, now=datetime(2026, 11, 15, 19, 0, tzinfo=UTC)).state == LATE
    assert cell(MEMBER, cast.area, now=datetime(2026, 11, 15, 18, 59, tzinfo=UTC)).state == PLANNED


def test_only_approved_plans_count_and_superseded_ones_for_past_years(app_ctx):
    cast = b.cbm_cast()
    old = b.paper(cast.area, status=PaperStatus.SUPERSEDED, period=(date(2024, 1, 1), date(2026, 12, 31)))
    draft = b.paper(cast.area, status=PaperStatus.UNDER_REVIEW)
    b.activity(old, start=date(2025, 4, 1))   # past year: counted
    b.activity(old, start=date(2026, 4, 1))   # this year: the plan in force replaced it
    b.activity(draft, start=date(2026, 4, 2))  # not approved: not counted
    b.activity(cast.plan, start=date(2026, 4, 3))
    matrix = overview_matrix(OFFICER, YEARS, NOW)
    assert matrix.cell(cast.area.id, 2025).total == 1
    assert matrix.cell(cast.area.id, 2026).total == 1


@pytest.mark.parametrize("status,member,observer", [
    (ReportStatus.DRAFT, Counter({REPORTED: 1, LATE: 1}), Counter({LATE: 2})),
    # Submitted, awaiting publication: the observer learns nothing yet.
    (ReportStatus.SUBMITTED, Counter({REPORTED: 1, MISSING: 1}), Counter({PLANNED: 2})),
    (ReportStatus.PUBLISHED, Counter({REPORTED: 1, MISSING: 1}), Counter({REPORTED: 1, MISSING: 1})),
])
def test_observers_count_an_activity_reported_only_once_published(two_activities, status, member, observer):
    cast, annual = two_activities
    annual.status = status
    b.db.session.commit()
    assert cell(MEMBER, cast.area).counts == member
    assert cell(OBSERVER, cast.area).counts == observer
    assert cell(OFFICER, cast.area).counts == member


def test_the_matrix_groups_areas_by_dimension_in_catalogue_order(app_ctx):
    b.dimension("human")
    b.area("education", "human")
    b.area("smes", "economic")
    b.area("ict", "economic")
    matrix = overview_matrix(MEMBER, YEARS, NOW)
    assert [block.dimension.code for block in matrix.dimensions] == ["economic", "human"]
    assert {row.area.code for row in matrix.dimensions[0].areas} == {"smes", "ict"}
    assert [row.area.code for row in matrix.dimensions[1].areas] == ["education"]
    assert all(len(row.cells) == 4 for block in matrix.dimensions for row in block.areas)


def test_scope_of_each_reader(two_activities):
    cast, _ = two_activities
    assert scope_for(cast.officer) == ReaderScope(secretariat=True)
    assert scope_for(cast.member) == ReaderScope(member=True)
    assert scope_for(cast.observer) == ReaderScope()
    assert scope_for(cast.coordinator) == ReaderScope(member=True, coordinated_area_ids=frozenset({cast.area.id}))
    partner = b.member_delegate(MembershipStatus.PARTNER)
    assert scope_for(partner) == ReaderScope() and scope_for(partner).observer


def test_report_details_are_for_officers_coordinators_and_members_after_submission():
    area_id = 7
    coordinator = ReaderScope(member=True, coordinated_area_ids=frozenset({area_id}))
    assert OFFICER.reads_report(area_id, ReportStatus.DRAFT) and coordinator.reads_report(area_id, ReportStatus.DRAFT)
    assert not MEMBER.reads_report(area_id, ReportStatus.DRAFT) and MEMBER.reads_report(area_id, ReportStatus.SUBMITTED)
    assert not OBSERVER.reads_report(area_id, ReportStatus.SUBMITTED)
    assert OBSERVER.reads_report(area_id, ReportStatus.PUBLISHED)
    assert not coordinator.reads_report(area_id + 1, ReportStatus.DRAFT)
    assert not OFFICER.reads_report(area_id, None)


def test_the_domain_knows_the_report_statuses_by_their_values():
    assert {s.value for s in ReportStatus} == {DRAFT, SUBMITTED, PUBLISHED}
    assert readable_statuses(OBSERVER) == (ReportStatus.PUBLISHED,)
    assert readable_statuses(MEMBER) == (ReportStatus.SUBMITTED, ReportStatus.PUBLISHED)


# Activities held ------------------------------------------------------------------------------------

@pytest.fixture
def held(app_ctx):
    """Two dimensions; three activities held in 2026 with states taking part, reports of three statuses."""
    smes, energy, terror = b.area("smes"), b.area("energy"), b.area("terror", "new_challenges")
    alpha, beta, gamma = b.member_state(), b.member_state(), b.member_state()
    for area_ in (smes, energy, terror):
        b.appoint(area_, alpha)
    reports = {}
    for area_, status, states, participants in ((smes, ReportStatus.PUBLISHED, [alpha, beta], 30),
                                                (energy, ReportStatus.SUBMITTED, [beta, gamma], 20),
                                                (terror, ReportStatus.DRAFT, [gamma], 10)):
        plan = b.paper(area_)
        done = b.activity(plan, start=date(2026, 4, 1), responsible=alpha)
        annual = b.annual_report(area_, 2026, status=status)
        reports[area_.code] = b.activity_report(done, annual, participants=participants, states=states)
    # Held in 2023: outside the years asked for.
    old_plan = b.paper(smes, period=(date(2023, 1, 1), date(2024, 12, 31)))
    old = b.activity(old_plan, start=date(2023, 5, 1), responsible=beta)
    b.activity_report(old, b.annual_report(smes, 2023, status=ReportStatus.PUBLISHED), states=[alpha])
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "terror": terror}


def _by_dimension(stats):
    return {d.dimension.code: (d.activities, len(d.states), d.participants) for d in stats.by_dimension}


def _by_state(stats):
    return {s.state_id: (s.responsible, s.participated) for s in stats.by_state}


def test_activities_held_per_dimension_and_state_as_an_officer_sees_them(held):
    stats = held_statistics(OFFICER, YEARS)
    assert _by_dimension(stats) == {"economic": (2, 3, 50), "new_challenges": (1, 1, 10)}
    alpha, beta, gamma = held["alpha"].id, held["beta"].id, held["gamma"].id
    assert _by_state(stats) == {alpha: (3, 1), beta: (0, 2), gamma: (0, 2)}
    assert (stats.activities, stats.states, stats.participants) == (3, 3, 60)


def test_activities_held_count_only_the_reports_the_reader_may_read(held):
    member = held_statistics(MEMBER, YEARS)
    assert _by_dimension(member) == {"economic": (2, 3, 50), "new_challenges": (0, 0, 0)}
    observer = held_statistics(OBSERVER, YEARS)
    assert _by_dimension(observer) == {"economic": (1, 2, 30), "new_challenges": (0, 0, 0)}
    assert (observer.activities, observer.states) == (1, 2)
    coordinator = ReaderScope(member=True, coordinated_area_ids=frozenset({held["terror"].id}))
    assert _by_dimension(held_statistics(coordinator, YEARS))["new_challenges"] == (1, 1, 10)
    earlier = held_statistics(OFFICER, YearRange(2023, 2023))
    assert (earlier.activities, earlier.states) == (1, 1)


# The rotation and the years --------------------------------------------------------------------------

def test_the_in_depth_review_rotation(app_ctx):
    for code in reversed(b.DIMENSION_CODES):
        b.dimension(code)
    dimensions = load_catalogue().dimensions
    expected = {2022: "economic", 2023: "new_challenges", 2024: "human", 2025: "environmental",
                2026: "military_political", 2027: "economic", 2028: "new_challenges"}
    for year, code in expected.items():
        assert reviewed_dimension(dimensions, year).code == code
    rotation = review_rotation(dimensions, 2026)
    assert [r.year for r in rotation] == list(range(2023, 2030))
    assert [r.dimension.code for r in rotation][3:5] == ["military_political", "economic"]
    assert reviewed_dimension([], 2026) is None


def test_year_ranges():
    today = date(2026, 6, 1)
    assert year_range(None, None, today) == YearRange(2022, 2026)
    assert year_range(2020, None, today) == YearRange(2020, 2024)
    assert year_range(None, 2010, today) == YearRange(2006, 2010)
    assert year_range(2026, 2026, today).years == [2026]
    for first, last, field in ((2026, 2020, "to_year"), (2004, 2030, "to_year"), (1990, 2000, "from_year"),
                               (2026, 2040, "to_year")):
        with pytest.raises(RuleViolations) as refused:
            year_range(first, last, today)
        assert refused.value.violations[0].field == field
