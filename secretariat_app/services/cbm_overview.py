"""The CBM overview: the matrix of priority areas by year coloured by the state
of their activities, the counts of activities held and of the states taking
part, and the in-depth review rotation.

What a reader sees depends on who they are (ReaderScope): officers and an
area's coordinators see everything of that area; members see every report's
existence (whether an activity was reported is a fact every member may know)
but the details of submitted and published reports only; observers and
partners learn of a report only once the Secretariat publishes it.

The matrix costs a fixed number of statements whatever the number of areas,
activities and reports: the catalogue (2), the activities (1), the annual
reports (1) and the December SOC sessions (1)."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from secretariat_app.domain.cbm_status import (
    PRESSING_ORDER,
    ActivityState,
    activity_state,
    cell_state,
    default_due_at,
    review_position,
)
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db
from secretariat_app.models.cbm import (
    CbmActivity,
    CbmActivityReport,
    CbmAnnualReport,
    CbmArea,
    CbmDimension,
    CbmPaper,
    PaperKind,
    PaperStatus,
    ReportStatus,
    cbm_activity_participant,
)
from secretariat_app.models.meetings import DatePrecision, Meeting, MeetingStatus
from secretariat_app.models.states import Body, MembershipStatus, State
from secretariat_app.permissions import coordinated_area_ids, delegation_status, is_secretariat

# The Catalogue dates from 2004; a range reaches a few years ahead for planning.
EARLIEST_YEAR = 2004
YEARS_AHEAD = 5
DEFAULT_SPAN = 5
MAX_SPAN = 15
# The rotation table shows this many years before and after the current one.
ROTATION_BEFORE, ROTATION_AFTER = 3, 3
DECEMBER_SOC_BODY = "SOC"
SUBMITTED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.PUBLISHED)


# Years -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class YearRange:
    first: int
    last: int

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    @property
    def start(self) -> date:
        return date(self.first, 1, 1)

    @property
    def end(self) -> date:
        return date(self.last, 12, 31)

    def label(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


def default_years(today: date) -> YearRange:
    """The last five years up to the current one."""
    return YearRange(today.year - DEFAULT_SPAN + 1, today.year)


def year_range(first: int | None, last: int | None, today: date) -> YearRange:
    """The years a reader asked for; a missing end is completed to a five-year span.
    Raises RuleViolations for a range that is reversed, too long or out of bounds."""
    if first is None and last is None:
        return default_years(today)
    if first is None:
        first = max(EARLIEST_YEAR, last - DEFAULT_SPAN + 1)
    if last is None:
        last = min(today.year + YEARS_AHEAD, first + DEFAULT_SPAN - 1)
    violations = []
    latest = today.year + YEARS_AHEAD
    for name, value in (("from_year", first), ("to_year", last)):
        if not EARLIEST_YEAR <= value <= latest:
            violations.append(Violation(name, N_("Choose a year from %(first)d to %(last)d."),
                                        {"first": EARLIEST_YEAR, "last": latest}))
    if not violations and last < first:
        violations.append(Violation("to_year", N_("The last year cannot come before the first.")))
    if not violations and last - first + 1 > MAX_SPAN:
        violations.append(Violation("to_year", N_("Show at most %(n)d years at once."), {"n": MAX_SPAN}))
    if violations:
        raise RuleViolations(violations)
    return YearRange(first, last)


# Who reads -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReaderScope:
    """What one reader may learn of the implementation reports."""

    secretariat: bool = False
    member: bool = False
    coordinated_area_ids: frozenset[int] = frozenset()

    @property
    def observer(self) -> bool:
        """Observers and partners: published reports only (outside the areas they coordinate)."""
        return not self.secretariat and not self.member

    def sees_all_of(self, area_id: int) -> bool:
        return self.secretariat or area_id in self.coordinated_area_ids

    def reads_report(self, area_id: int, status: ReportStatus | None) -> bool:
        """Whether the details of a report of `status` (dates, states, outcome) may be shown."""
        if status is None:
            return False
        if self.sees_all_of(area_id):
            return True
        return status == ReportStatus.PUBLISHED if self.observer else status in SUBMITTED_STATUSES

    def lists_report(self, area_id: int, status: ReportStatus) -> bool:
        """Whether an annual report's existence, status and counts may be listed."""
        return not self.observer or self.sees_all_of(area_id) or status == ReportStatus.PUBLISHED

    def activity_state(self, *, area_id: int, report_status: ReportStatus | None,
                       annual_status: ReportStatus | None, due_at: datetime | None,
                       now: datetime) -> ActivityState:
        """The state of an activity as this reader may know it.

        `report_status` is the status of the annual report holding the activity's
        implementation report (None: not reported); `annual_status` that of the
        area's annual report for the activity's year (None: not started)."""
        if not self.observer or self.sees_all_of(area_id):
            return activity_state(reported=report_status is not None,
                                  annual_submitted=annual_status in SUBMITTED_STATUSES, due_at=due_at, now=now)
        # An observer learns nothing of a report before it is published: one that
        # was submitted and awaits publication is neither reported nor late to them.
        awaiting = annual_status == ReportStatus.SUBMITTED
        return activity_state(reported=report_status == ReportStatus.PUBLISHED,
                              annual_submitted=annual_status == ReportStatus.PUBLISHED,
                              due_at=None if awaiting else due_at, now=now)

    def visible_report_condition(self, area_id, status) -> ColumnElement[bool] | None:
        """SQL form of reads_report (None: no restriction)."""
        if self.secretariat:
            return None
        statuses = (ReportStatus.PUBLISHED,) if self.observer else SUBMITTED_STATUSES
        condition = status.in_(statuses)
        if self.coordinated_area_ids:
            condition = or_(condition, area_id.in_(sorted(self.coordinated_area_ids)))
        return condition


def scope_for(user) -> ReaderScope:
    return ReaderScope(
        secretariat=is_secretariat(user),
        member=delegation_status(user) == MembershipStatus.MEMBER,
        coordinated_area_ids=coordinated_area_ids(user),
    )


# The catalogue ---------------------------------------------------------------------------------

@dataclass
class Catalogue:
    dimensions: list[CbmDimension]
    areas: list[CbmArea]

    def areas_of(self, dimension_id: int) -> list[CbmArea]:
        return [a for a in self.areas if a.dimension_id == dimension_id]


def load_catalogue() -> Catalogue:
    """The dimensions in their order on screen and the areas in theirs (two statements)."""
    dimensions = list(db.session.scalars(select(CbmDimension).order_by(CbmDimension.position, CbmDimension.id)))
    areas = list(db.session.scalars(select(CbmArea).order_by(CbmArea.position, CbmArea.name_en, CbmArea.id)))
    return Catalogue(dimensions, areas)


# Annual reports and due times --------------------------------------------------------------------

def december_soc_starts(years: YearRange) -> dict[int, date]:
    """The first day, where it is held, of each year's December SOC session (scheduled to the day,
    not cancelled): services.cbm_reports.december_soc_start for a span of years in one statement."""
    rows = db.session.execute(
        select(Meeting.starts_at, Meeting.timezone)
        .join(Body, Body.id == Meeting.body_id)
        .where(Body.code == DECEMBER_SOC_BODY, Meeting.status != MeetingStatus.CANCELLED,
               Meeting.date_precision == DatePrecision.DAY,
               Meeting.starts_at >= datetime(years.first, 11, 29, tzinfo=timezone.utc),
               Meeting.starts_at < datetime(years.last + 1, 1, 2, tzinfo=timezone.utc))
    )
    starts: dict[int, date] = {}
    for starts_at, zone_name in rows:
        try:
            zone = ZoneInfo(zone_name or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        day = starts_at.astimezone(zone).date()
        if day.month == 12 and years.first <= day.year <= years.last:
            starts[day.year] = min(day, starts.get(day.year, day))
    return starts


@dataclass(frozen=True)
class AnnualFacts:
    id: int
    status: ReportStatus
    due_at: datetime


@dataclass
class AnnualIndex:
    """The annual reports of a span of years, and the default due time of a year without one."""

    reports: dict[tuple[int, int], AnnualFacts]
    default_due: dict[int, datetime]

    def get(self, area_id: int, year: int) -> AnnualFacts | None:
        return self.reports.get((area_id, year))

    def due_at(self, area_id: int, year: int) -> datetime:
        found = self.get(area_id, year)
        return found.due_at if found is not None else self.default_due[year]


def annual_index(years: YearRange) -> AnnualIndex:
    """Two statements: the annual reports of the years and the December SOC sessions."""
    rows = db.session.execute(
        select(CbmAnnualReport.id, CbmAnnualReport.area_id, CbmAnnualReport.year, CbmAnnualReport.status,
               CbmAnnualReport.due_at)
        .where(CbmAnnualReport.year.between(years.first, years.last))
    )
    reports = {(area_id, year): AnnualFacts(id_, status, due) for id_, area_id, year, status, due in rows}
    socs = december_soc_starts(years)
    return AnnualIndex(reports, {year: default_due_at(year, socs.get(year)) for year in years.years})


# Activities ------------------------------------------------------------------------------------

def plan_in_force(now: datetime) -> ColumnElement[bool]:
    """An activity counts when its action plan is approved, or was approved and since
    superseded and the activity belongs to a past year."""
    return and_(
        CbmPaper.kind == PaperKind.ACTION_PLAN,
        or_(CbmPaper.status == PaperStatus.APPROVED,
            and_(CbmPaper.status == PaperStatus.SUPERSEDED, CbmActivity.planned_end < date(now.year, 1, 1))),
    )


def activity_year_condition(years: YearRange) -> ColumnElement[bool]:
    return CbmActivity.planned_end.between(years.start, years.end)


@dataclass(frozen=True)
class ActivityFact:
    activity_id: int
    area_id: int
    year: int
    state: ActivityState


def activity_facts(scope: ReaderScope, years: YearRange, now: datetime,
                   annuals: AnnualIndex | None = None) -> list[ActivityFact]:
    """Every counted activity of the years with its state for this reader (one statement,
    plus two for the annual reports unless given)."""
    if annuals is None:
        annuals = annual_index(years)
    holding = aliased(CbmAnnualReport)
    rows = db.session.execute(
        select(CbmActivity.id, CbmPaper.area_id, CbmActivity.planned_end, holding.status)
        .join(CbmPaper, CbmPaper.id == CbmActivity.action_plan_id)
        .outerjoin(CbmActivityReport, CbmActivityReport.activity_id == CbmActivity.id)
        .outerjoin(holding, holding.id == CbmActivityReport.annual_report_id)
        .where(plan_in_force(now), activity_year_condition(years))
    )
    facts = []
    for activity_id, area_id, planned_end, report_status in rows:
        year = planned_end.year
        annual = annuals.get(area_id, year)
        state = scope.activity_state(area_id=area_id, report_status=report_status,
                                     annual_status=annual.status if annual else None,
                                     due_at=annuals.due_at(area_id, year), now=now)
        facts.append(ActivityFact(activity_id, area_id, year, state))
    return facts


# The matrix ------------------------------------------------------------------------------------

@dataclass
class Cell:
    year: int
    counts: Counter = field(default_factory=Counter)
    annual: AnnualFacts | None = None  # the area's annual report of the year, if one was opened

    @property
    def state(self) -> ActivityState | None:
        return cell_state(state for state, n in self.counts.items() if n)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def ordered_counts(self) -> list[tuple[ActivityState, int]]:
        """The counts, reported first, then the most pressing ("1 reported · 1 late")."""
        order = (ActivityState.REPORTED, *[s for s in PRESSING_ORDER if s != ActivityState.REPORTED])
        return [(state, self.counts[state]) for state in order if self.counts[state]]


@dataclass
class AreaRow:
    area: CbmArea
    cells: list[Cell]


@dataclass
class DimensionBlock:
    dimension: CbmDimension
    areas: list[AreaRow]


@dataclass
class Matrix:
    years: YearRange
    dimensions: list[DimensionBlock]
    totals: Counter

    def cell(self, area_id: int, year: int) -> Cell | None:
        for block in self.dimensions:
            for row in block.areas:
                if row.area.id == area_id:
                    return next((c for c in row.cells if c.year == year), None)
        return None


def overview_matrix(scope: ReaderScope, years: YearRange, now: datetime,
                    catalogue: Catalogue | None = None) -> Matrix:
    """The areas (grouped by dimension) by year, each cell counting its activities by state."""
    catalogue = catalogue or load_catalogue()
    annuals = annual_index(years)
    counts: dict[tuple[int, int], Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    for fact in activity_facts(scope, years, now, annuals):
        counts[(fact.area_id, fact.year)][fact.state] += 1
        totals[fact.state] += 1
    blocks = [
        DimensionBlock(dimension, [
            AreaRow(area, [Cell(year, counts.get((area.id, year), Counter()), annuals.get(area.id, year))
                           for year in years.years])
            for area in catalogue.areas_of(dimension.id)
        ])
        for dimension in catalogue.dimensions
    ]
    return Matrix(years, blocks, totals)


# Activities held -------------------------------------------------------------------------------

@dataclass
class DimensionHeld:
    dimension: CbmDimension
    activities: int = 0
    participants: int = 0
    states: set[int] = field(default_factory=set)


@dataclass
class StateHeld:
    state_id: int
    name_en: str
    name_ru: str
    responsible: int = 0
    participated: int = 0

    def name(self, language: str = "en") -> str:
        return self.name_ru if language == "ru" else self.name_en


@dataclass
class HeldStatistics:
    by_dimension: list[DimensionHeld]
    by_state: list[StateHeld]
    activities: int
    states: int
    participants: int


def held_statistics(scope: ReaderScope, years: YearRange, language: str = "en",
                    catalogue: Catalogue | None = None) -> HeldStatistics:
    """Activities held in the years (those with an implementation report this reader
    may read, by the day they were held), per dimension and per state (two statements)."""
    catalogue = catalogue or load_catalogue()
    area_dimension = {a.id: a.dimension_id for a in catalogue.areas}
    responsible = aliased(State)
    conditions = [CbmActivityReport.held_on.between(years.start, years.end)]
    visible = scope.visible_report_condition(CbmPaper.area_id, CbmAnnualReport.status)
    if visible is not None:
        conditions.append(visible)

    def reports():
        return (
            select(CbmActivityReport.id)
            .join(CbmActivity, CbmActivity.id == CbmActivityReport.activity_id)
            .join(CbmPaper, CbmPaper.id == CbmActivity.action_plan_id)
            .join(CbmAnnualReport, CbmAnnualReport.id == CbmActivityReport.annual_report_id)
            .where(*conditions)
        )

    held = db.session.execute(
        reports().add_columns(CbmPaper.area_id, CbmActivityReport.participant_count, responsible.id,
                              responsible.name_en, responsible.name_ru)
        .join(responsible, responsible.id == CbmActivity.responsible_state_id)
    ).all()
    participations = db.session.execute(
        select(cbm_activity_participant.c.activity_report_id, State.id, State.name_en, State.name_ru)
        .join(State, State.id == cbm_activity_participant.c.state_id)
        .where(cbm_activity_participant.c.activity_report_id.in_(reports()))
    ).all()

    by_dimension = {d.id: DimensionHeld(d) for d in catalogue.dimensions}
    by_state: dict[int, StateHeld] = {}
    report_dimension: dict[int, int | None] = {}
    for report_id, area_id, participants, state_id, name_en, name_ru in held:
        dimension_id = area_dimension.get(area_id)
        report_dimension[report_id] = dimension_id
        if dimension_id in by_dimension:
            by_dimension[dimension_id].activities += 1
            by_dimension[dimension_id].participants += participants
        by_state.setdefault(state_id, StateHeld(state_id, name_en, name_ru)).responsible += 1
    all_states: set[int] = set()
    for report_id, state_id, name_en, name_ru in participations:
        dimension_id = report_dimension.get(report_id)
        if dimension_id in by_dimension:
            by_dimension[dimension_id].states.add(state_id)
        all_states.add(state_id)
        by_state.setdefault(state_id, StateHeld(state_id, name_en, name_ru)).participated += 1
    return HeldStatistics(
        by_dimension=list(by_dimension.values()),
        by_state=sorted(by_state.values(), key=lambda s: s.name(language).casefold()),
        activities=len(held),
        states=len(all_states),
        participants=sum(row[2] for row in held),
    )


# The in-depth review rotation --------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewYear:
    year: int
    dimension: CbmDimension | None


def reviewed_dimension(dimensions: list[CbmDimension], year: int) -> CbmDimension | None:
    """The dimension reviewed in depth in `year` (one a year, in review_order)."""
    if not dimensions:
        return None
    rotation = sorted(dimensions, key=lambda d: d.review_order)
    return rotation[review_position(year, len(rotation))]


def review_rotation(dimensions: list[CbmDimension], this_year: int,
                    before: int = ROTATION_BEFORE, after: int = ROTATION_AFTER) -> list[ReviewYear]:
    return [ReviewYear(year, reviewed_dimension(dimensions, year))
            for year in range(this_year - before, this_year + after + 1)]
