"""The CBM overview: the matrix of priority areas by year coloured by the state
of their activities, the counts of activities held and of the states taking
part, and the in-depth review rotation.

What a reader sees depends on who they are (ReaderScope, with the rules and
the span of years in domain.cbm_visibility; permissions.cbm.reader_scope and,
for SQL, permissions.cbm.report_condition): officers and an area's
coordinators see everything of that area; members see every report's
existence (whether an activity was reported is a fact every member may know)
but the details of submitted and published reports only; observers and
partners learn of a report only once the Secretariat publishes it.

The matrix costs a fixed number of statements whatever the number of areas,
activities and reports: the catalogue (2), the activities (1), the annual
reports (1) and the December SOC sessions (1)."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from secretariat_app.accounts.models.states import State
from secretariat_app.cbm.models import (
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
from secretariat_app.cbm.services.reports import december_soc_starts
from secretariat_app.core.localisation import by_name
from secretariat_app.domain.cbm_status import (
    PRESSING_ORDER,
    ActivityState,
    cell_state,
    default_due_at,
    review_position,
)
from secretariat_app.domain.cbm_visibility import ReaderScope, YearRange
from secretariat_app.extensions import db
from secretariat_app.permissions.cbm import report_condition

# The rotation table shows this many years before and after the current one.
ROTATION_BEFORE, ROTATION_AFTER = 3, 3


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
    conditions: list[ColumnElement[bool]] = [CbmActivityReport.held_on.between(years.start, years.end)]
    visible = report_condition(scope, CbmPaper.area_id, CbmAnnualReport.status)
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
        by_state=by_name(by_state.values(), language),
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
