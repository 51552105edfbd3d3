"""Exports of CBM implementation: CSV files of activities and of annual reports
for any filter, and the compiled annual report of a dimension for a year.

Each reader gets only what they may read (ReaderScope of domain.cbm_visibility):
observers only what the Secretariat published, the details of a report that
is still a draft only the Secretariat and that area's coordinators. The CSV
files are UTF-8 with a byte order mark (so that Excel reads Russian), quoted by
the csv module, and every text cell that a spreadsheet would take for a
formula is neutralised with a leading apostrophe (core/spreadsheets.py)."""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TypeVar

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from sqlalchemy.sql.elements import ColumnElement

from secretariat_app.accounts.models.states import State
from secretariat_app.cbm.models import (
    CbmActivity,
    CbmActivityReport,
    CbmAnnualReport,
    CbmArea,
    CbmCoordinator,
    CbmDimension,
    CbmPaper,
    PaperKind,
    PaperStatus,
    ReportStatus,
)
from secretariat_app.cbm.services.overview import (
    activity_facts,
    activity_year_condition,
    annual_index,
    plan_in_force,
)
from secretariat_app.core.labels import (
    ACTIVITY_STATE_LABELS,
    ACTIVITY_TYPE_LABELS,
    REPORT_STATUS_LABELS,
)
from secretariat_app.core.localisation import name_key
from secretariat_app.core.spreadsheets import csv_bytes, neutralise
from secretariat_app.domain.cbm_status import ActivityState
from secretariat_app.domain.cbm_visibility import ReaderScope, YearRange
from secretariat_app.extensions import db
from secretariat_app.permissions.cbm import readable_statuses

STATE_SEPARATOR = "; "
Line = TypeVar("Line")


@dataclass(frozen=True)
class ExportFilter:
    years: YearRange
    dimension_id: int | None = None
    area_id: int | None = None
    activity_state: ActivityState | None = None
    report_status: ReportStatus | None = None
    state_id: int | None = None  # responsible for the activity; coordinating the area for reports


def _catalogue_conditions(filters: ExportFilter, area_id) -> list[ColumnElement[bool]]:
    """The filters on the dimension and the priority area, given the column naming a row's area
    (the query joins CbmArea)."""
    conditions = []
    if filters.dimension_id is not None:
        conditions.append(CbmArea.dimension_id == filters.dimension_id)
    if filters.area_id is not None:
        conditions.append(area_id == filters.area_id)
    return conditions


# Writing CSV ------------------------------------------------------------------------------------

def utc_iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def translated_csv(columns: Sequence[object], row: Callable[[Line, str], Sequence[object]], lines: Iterable[Line],
                   language: str) -> bytes:
    """csv_bytes of one row per line, with the headers and labels (lazy strings) in `language`."""
    with force_locale(language):
        return csv_bytes([str(c) for c in columns], (row(line, language) for line in lines))


def export_filename(kind: str, years: YearRange) -> str:
    """cica-cbm-activities-2026.csv, cica-cbm-reports-2022-2026.csv."""
    return f"cica-cbm-{kind}-{years.label()}.csv"


def _state_names(states: Iterable[State], language: str) -> str:
    return STATE_SEPARATOR.join(sorted((s.name(language) for s in states), key=name_key))


# Activities -------------------------------------------------------------------------------------

@dataclass
class ActivityLine:
    activity: CbmActivity
    state: ActivityState
    report: CbmActivityReport | None  # only when the reader may read its details

    @property
    def area(self) -> CbmArea:
        return self.activity.action_plan.area


def activity_lines(scope: ReaderScope, filters: ExportFilter, now: datetime) -> list[ActivityLine]:
    """The activities matching `filters` that this reader may see, in catalogue order."""
    conditions = [plan_in_force(now), activity_year_condition(filters.years),
                  *_catalogue_conditions(filters, CbmPaper.area_id)]
    if filters.state_id is not None:
        conditions.append(CbmActivity.responsible_state_id == filters.state_id)
    activities = db.session.scalars(
        select(CbmActivity)
        .join(CbmPaper, CbmPaper.id == CbmActivity.action_plan_id)
        .join(CbmArea, CbmArea.id == CbmPaper.area_id)
        .join(CbmDimension, CbmDimension.id == CbmArea.dimension_id)
        .where(*conditions)
        .options(
            contains_eager(CbmActivity.action_plan).contains_eager(CbmPaper.area).contains_eager(CbmArea.dimension),
            contains_eager(CbmActivity.action_plan).joinedload(CbmPaper.document),
            joinedload(CbmActivity.host_state),
            joinedload(CbmActivity.responsible_state),
            selectinload(CbmActivity.report).joinedload(CbmActivityReport.annual_report),
            selectinload(CbmActivity.report).selectinload(CbmActivityReport.participating_states),
        )
        .order_by(CbmDimension.position, CbmArea.position, CbmArea.name_en, CbmActivity.planned_start,
                  CbmActivity.id)
    ).unique()
    annuals = annual_index(filters.years)
    lines = []
    for activity in activities:
        area_id, year = activity.action_plan.area_id, activity.planned_end.year
        annual = annuals.get(area_id, year)
        if scope.observer and not scope.sees_all_of(area_id) and (
                annual is None or annual.status != ReportStatus.PUBLISHED):
            continue  # observers see an area's year once its report is published
        report = activity.report
        report_status = report.annual_report.status if report is not None else None
        state = scope.activity_state(area_id=area_id, report_status=report_status,
                                     annual_status=annual.status if annual else None,
                                     due_at=annuals.due_at(area_id, year), now=now)
        if filters.activity_state is not None and state != filters.activity_state:
            continue
        lines.append(ActivityLine(activity, state, report if scope.reads_report(area_id, report_status) else None))
    return lines


ACTIVITY_COLUMNS = (
    _l("Dimension"), _l("Priority area"), _l("Action plan"), _l("Activity (English)"), _l("Activity (Russian)"),
    _l("Type"), _l("Planned start"), _l("Planned end"), _l("Venue"), _l("Host state"), _l("Responsible state"),
    _l("Status"), _l("Held on"), _l("Held until"), _l("Participants"), _l("Participating states (number)"),
    _l("Participating states"), _l("Outcome (English)"), _l("Outcome (Russian)"),
)


def _activity_row(line: ActivityLine, language: str) -> list[object]:
    activity, report = line.activity, line.report
    return [
        line.area.dimension.name(language),
        line.area.name(language),
        activity.action_plan.document.symbol,
        activity.title_en,
        activity.title_ru,
        str(ACTIVITY_TYPE_LABELS[activity.activity_type]),
        iso_day(activity.planned_start),
        iso_day(activity.planned_end),
        activity.venue,
        activity.host_state.name(language) if activity.host_state else None,
        activity.responsible_state.name(language),
        str(ACTIVITY_STATE_LABELS[line.state]),
        iso_day(report.held_on) if report else None,
        iso_day(report.held_until) if report else None,
        report.participant_count if report else None,
        len(report.participating_states) if report else None,
        _state_names(report.participating_states, language) if report else None,
        report.outcome_en if report else None,
        report.outcome_ru if report else None,
    ]


def activities_csv(scope: ReaderScope, filters: ExportFilter, now: datetime, language: str = "en") -> bytes:
    """One row per activity; headers, labels and names in `language`, both titles and outcomes."""
    return translated_csv(ACTIVITY_COLUMNS, _activity_row, activity_lines(scope, filters, now), language)


# Annual reports ---------------------------------------------------------------------------------

@dataclass
class ReportLine:
    report: CbmAnnualReport
    planned: int
    reported: int


def report_lines(scope: ReaderScope, filters: ExportFilter, now: datetime) -> list[ReportLine]:
    """The annual reports matching `filters` that this reader may list, with their activity counts."""
    conditions = [CbmAnnualReport.year.between(filters.years.first, filters.years.last),
                  *_catalogue_conditions(filters, CbmAnnualReport.area_id)]
    if filters.report_status is not None:
        conditions.append(CbmAnnualReport.status == filters.report_status)
    reports = db.session.scalars(
        select(CbmAnnualReport)
        .join(CbmArea, CbmArea.id == CbmAnnualReport.area_id)
        .join(CbmDimension, CbmDimension.id == CbmArea.dimension_id)
        .where(*conditions)
        .options(contains_eager(CbmAnnualReport.area).contains_eager(CbmArea.dimension))
        .order_by(CbmDimension.position, CbmArea.position, CbmArea.name_en, CbmArea.id, CbmAnnualReport.year)
    ).all()
    terms: dict[int, list[CbmCoordinator]] = defaultdict(list)
    if filters.state_id is not None:
        for term in db.session.scalars(select(CbmCoordinator).where(CbmCoordinator.state_id == filters.state_id)):
            terms[term.area_id].append(term)
    annuals = annual_index(filters.years)
    planned: Counter = Counter()
    reported: Counter = Counter()
    for fact in activity_facts(scope, filters.years, now, annuals):
        planned[(fact.area_id, fact.year)] += 1
        if fact.state == ActivityState.REPORTED:
            reported[(fact.area_id, fact.year)] += 1
    lines = []
    for report in reports:
        if not scope.lists_report(report.area_id, report.status):
            continue
        if filters.state_id is not None and not any(
                _term_overlaps(t, report.year) for t in terms.get(report.area_id, [])):
            continue
        key = (report.area_id, report.year)
        lines.append(ReportLine(report, planned[key], reported[key]))
    return lines


def _term_overlaps(term: CbmCoordinator, year: int) -> bool:
    return term.term_start <= date(year, 12, 31) and (term.term_end is None or term.term_end >= date(year, 1, 1))


REPORT_COLUMNS = (
    _l("Dimension"), _l("Priority area"), _l("Year"), _l("Status"), _l("Due (UTC)"), _l("Submitted at (UTC)"),
    _l("Published at (UTC)"), _l("Times reopened"), _l("Activities planned"), _l("Activities reported"),
)


def _report_row(line: ReportLine, language: str) -> list[object]:
    report = line.report
    return [
        report.area.dimension.name(language),
        report.area.name(language),
        report.year,
        str(REPORT_STATUS_LABELS[report.status]),
        utc_iso(report.due_at),
        utc_iso(report.submitted_at),
        utc_iso(report.published_at),
        report.reopened_count,
        line.planned,
        line.reported,
    ]


def reports_csv(scope: ReaderScope, filters: ExportFilter, now: datetime, language: str = "en") -> bytes:
    """One row per annual report; times in UTC, ISO 8601."""
    return translated_csv(REPORT_COLUMNS, _report_row, report_lines(scope, filters, now), language)


# The compiled annual report of a dimension ------------------------------------------------------

@dataclass
class CompiledActivity:
    activity: CbmActivity
    report: CbmActivityReport | None  # submitted or published (observers: published)


@dataclass
class CompiledArea:
    area: CbmArea
    coordinators: list[CbmCoordinator]
    plans: list[CbmPaper]
    annual: CbmAnnualReport | None  # None: not submitted (observers: not published)
    activities: list[CompiledActivity] = field(default_factory=list)

    @property
    def reported(self) -> int:
        return sum(1 for a in self.activities if a.report is not None)


@dataclass
class CompiledReport:
    dimension: CbmDimension
    year: int
    areas: list[CompiledArea]
    published_only: bool

    @property
    def submitted_areas(self) -> int:
        return sum(1 for a in self.areas if a.annual is not None)


def compiled_statuses(scope: ReaderScope) -> tuple[ReportStatus, ...]:
    """A compiled report shows submitted and published reports (observers: published), never drafts."""
    return readable_statuses(scope)


def compiled_report(scope: ReaderScope, dimension: CbmDimension, year: int, now: datetime) -> CompiledReport:
    """Each area of the dimension with its coordinators in `year`, its action plan in force,
    and, where the annual report may be shown, every activity of the year with its report."""
    statuses = compiled_statuses(scope)
    first, last = date(year, 1, 1), date(year, 12, 31)
    areas = list(db.session.scalars(
        select(CbmArea).where(CbmArea.dimension_id == dimension.id)
        .order_by(CbmArea.position, CbmArea.name_en, CbmArea.id)
        .options(selectinload(CbmArea.coordinators).joinedload(CbmCoordinator.state),
                 selectinload(CbmArea.coordinators).joinedload(CbmCoordinator.decision))
    ))
    area_ids = [a.id for a in areas]
    plan_statuses = [PaperStatus.APPROVED] + ([PaperStatus.SUPERSEDED] if year < now.year else [])
    plans = db.session.scalars(
        select(CbmPaper)
        .where(CbmPaper.area_id.in_(area_ids), CbmPaper.kind == PaperKind.ACTION_PLAN,
               CbmPaper.status.in_(plan_statuses),
               or_(CbmPaper.period_start.is_(None), CbmPaper.period_start <= last),
               or_(CbmPaper.period_end.is_(None), CbmPaper.period_end >= first))
        .options(joinedload(CbmPaper.document), joinedload(CbmPaper.approval_decision))
        .order_by(CbmPaper.approved_at, CbmPaper.id)
    ).all()
    annuals = {r.area_id: r for r in db.session.scalars(
        select(CbmAnnualReport)
        .where(CbmAnnualReport.area_id.in_(area_ids), CbmAnnualReport.year == year,
               CbmAnnualReport.status.in_(statuses))
    )}
    activities = db.session.scalars(
        select(CbmActivity)
        .join(CbmPaper, CbmPaper.id == CbmActivity.action_plan_id)
        .where(CbmPaper.area_id.in_(area_ids), plan_in_force(now),
               activity_year_condition(YearRange(year, year)))
        .options(contains_eager(CbmActivity.action_plan),
                 joinedload(CbmActivity.host_state), joinedload(CbmActivity.responsible_state),
                 selectinload(CbmActivity.report).joinedload(CbmActivityReport.annual_report),
                 selectinload(CbmActivity.report).selectinload(CbmActivityReport.participating_states))
        .order_by(CbmActivity.planned_start, CbmActivity.id)
    ).unique()
    by_area: dict[int, list[CompiledActivity]] = defaultdict(list)
    for activity in activities:
        report = activity.report
        shown = report if report is not None and report.annual_report.status in statuses else None
        by_area[activity.action_plan.area_id].append(CompiledActivity(activity, shown))
    compiled = []
    for area in areas:
        annual = annuals.get(area.id)
        compiled.append(CompiledArea(
            area=area,
            coordinators=[c for c in area.coordinators if _term_overlaps(c, year)],
            plans=[p for p in plans if p.area_id == area.id],
            annual=annual,
            activities=by_area.get(area.id, []) if annual is not None else [],
        ))
    return CompiledReport(dimension, year, compiled, published_only=scope.observer)


def dimension_by_code(code: str) -> CbmDimension | None:
    return db.session.scalar(select(CbmDimension).where(CbmDimension.code == code))


__all__ = [
    "ActivityLine", "CompiledReport", "ExportFilter", "ReportLine", "activities_csv", "activity_lines",
    "compiled_report", "csv_bytes", "dimension_by_code", "export_filename", "neutralise", "report_lines",
    "reports_csv",
]
