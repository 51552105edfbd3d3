"""The annual implementation report of a CBM priority area, and the reports of
its activities.

A coordinator of the area or an officer opens the report of a year covered by
an approved action plan (once per area and year), due by default at the end of
the day, in Astana, two weeks before the December SOC (15 November when no
December SOC is scheduled); officers may change the due day. For each
activity of the year the coordinator writes what happened, with attachments
(services.cbm_attachments), and submits the report, which locks it; officers
publish it for observers, or reopen it (with a reason, recorded and counted)
for a correction.

Every write locks the report row (PostgreSQL), checks the rules of
domain.cbm_reports (RuleViolations, or StateConflict for a locked report or a
step out of order; nothing written), writes the rows, their audit entries and
the deadline notices (services.cbm_notices) in one transaction, and commits.
Who may act is the route's check (permissions.Action: COORDINATE_CBM_AREA, MANAGE_CBM)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.models.states import (
    Body,
    Membership,
    MembershipStatus,
    State,
)
from secretariat_app.audit import services as audit
from secretariat_app.cbm.models import (
    CbmActivity,
    CbmActivityReport,
    CbmAnnualReport,
    CbmArea,
    CbmPaper,
    PaperKind,
    PaperStatus,
    ReportStatus,
)
from secretariat_app.cbm.services import notices as cbm_notices
from secretariat_app.cbm.services.activities import plan_period
from secretariat_app.core.columns import utcnow
from secretariat_app.core.forum_time import forum_today
from secretariat_app.core.localisation import by_name, reader_language
from secretariat_app.domain import cbm_reports as rules
from secretariat_app.domain.cbm_status import (
    ActivityState,
    activity_state,
    default_due_at,
    end_of_day_utc,
)
from secretariat_app.domain.cbm_visibility import YearRange
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db
from secretariat_app.meetings.models import DatePrecision, Meeting, MeetingStatus
from secretariat_app.notices.models import NotificationKind
from secretariat_app.permissions import Action, can

DECEMBER_SOC_BODY = "SOC"
REPORT_FIELDS = ("area_id", "year", "due_at", "status", "summary_en", "summary_ru", "submitted_at",
                 "published_at", "reopened_count")
ACTIVITY_REPORT_FIELDS = ("activity_id", "annual_report_id", "held_on", "held_until", "venue", "participant_count",
                          "outcome_en", "outcome_ru")


def refuse(violations: list[Violation]) -> NoReturn:
    """Nothing is written; a locked report or a step out of order is a conflict (409)."""
    db.session.rollback()
    if any(v.field == "status" for v in violations):
        raise rules.StateConflict(violations)
    raise RuleViolations(violations)


def lock_report(report: CbmAnnualReport) -> None:
    db.session.refresh(report, with_for_update=True)  # one writer at a time (PostgreSQL)


# Action plans, the default due time -------------------------------------------------------

def approved_plans(area_id: int, year: int | None = None) -> list[CbmPaper]:
    """The area's approved action plans (whose period covers `year`, when given)."""
    query = select(CbmPaper).where(CbmPaper.area_id == area_id, CbmPaper.kind == PaperKind.ACTION_PLAN,
                                   CbmPaper.status == PaperStatus.APPROVED, CbmPaper.period_start.is_not(None),
                                   CbmPaper.period_end.is_not(None))
    if year is not None:
        query = query.where(CbmPaper.period_start <= date(year, 12, 31), CbmPaper.period_end >= date(year, 1, 1))
    return list(db.session.scalars(query.order_by(CbmPaper.period_start)))


def december_soc_starts(years: YearRange) -> dict[int, date]:
    """The first day, where it meets, of each year's December SOC session (scheduled to the day,
    not cancelled), for a span of years in one statement; a year without one is absent."""
    rows = db.session.execute(
        select(Meeting.starts_at, Meeting.timezone)
        .join(Body, Body.id == Meeting.body_id)
        .where(Body.code == DECEMBER_SOC_BODY, Meeting.status != MeetingStatus.CANCELLED,
               Meeting.date_precision == DatePrecision.DAY,
               Meeting.starts_at >= datetime(years.first, 11, 29, tzinfo=UTC),
               Meeting.starts_at < datetime(years.last + 1, 1, 2, tzinfo=UTC))
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


def december_soc_start(year: int) -> date | None:
    """The first day, where it meets, of the SOC session scheduled in December of `year` (None if none is)."""
    return december_soc_starts(YearRange(year, year)).get(year)


def default_due(year: int) -> datetime:
    return default_due_at(year, december_soc_start(year))


# Opening, due time, summary ---------------------------------------------------------------

def find_report(area_id: int, year: int) -> CbmAnnualReport | None:
    return db.session.scalar(select(CbmAnnualReport).where(CbmAnnualReport.area_id == area_id,
                                                           CbmAnnualReport.year == year))


def open_report(actor: User | None, area: CbmArea, year: int | None, now: datetime | None = None) -> CbmAnnualReport:
    """Open the annual report of `area` for `year` and commit, with its default due
    time and the deadline notices of the area's coordinators. Refused without an
    approved action plan covering the year (RuleViolations), and when the report
    exists already (StateConflict), writing nothing."""
    now = now or utcnow()
    periods = [plan_period(plan) for plan in approved_plans(area.id, year)] if year is not None else []
    exists = year is not None and find_report(area.id, year) is not None
    violations = rules.check_opening(year, [p for p in periods if p is not None], exists)
    if violations:
        db.session.rollback()
        raise (rules.StateConflict if exists else RuleViolations)(violations)
    assert year is not None  # rules.check_opening refuses a report without one
    report = CbmAnnualReport(area_id=area.id, year=year, due_at=default_due(year), status=ReportStatus.DRAFT,
                             created_by_id=getattr(actor, "id", None), created_at=now)
    db.session.add(report)
    try:
        db.session.flush()
    except IntegrityError:  # opened by someone else at the same moment
        db.session.rollback()
        raise rules.StateConflict([rules.report_exists_violation(year)]) from None
    audit.record(actor, "cbm_report.open", "cbm_report", report.id, None, audit.snapshot(report, REPORT_FIELDS))
    cbm_notices.sync_report(report, now)
    db.session.commit()
    return report


def set_due(actor: User | None, report: CbmAnnualReport, day: date | None,
            now: datetime | None = None) -> CbmAnnualReport:
    """Make the report due at the end of `day` in Astana and commit; its pending
    reminders and chaser move with it. Only while it is a draft."""
    lock_report(report)
    violations = rules.check_editable(report.status.value) or rules.check_due_day(day, report.year)
    if violations:
        refuse(violations)
    assert day is not None  # rules.check_due_day refuses none
    with audit.tracking_changes(actor, "cbm_report.due_change", "cbm_report", report, ("due_at",)):
        report.due_at = end_of_day_utc(day)
    cbm_notices.sync_report(report, now)
    db.session.commit()
    return report


def update_summary(actor: User | None, report: CbmAnnualReport, summary_en: str, summary_ru: str) -> CbmAnnualReport:
    """The report's overall summary, in English and/or Russian; only while it is a draft."""
    lock_report(report)
    summary_en, summary_ru = (summary_en or "").strip(), (summary_ru or "").strip()
    violations = rules.check_editable(report.status.value) or rules.check_summary(summary_en, summary_ru)
    if violations:
        refuse(violations)
    with audit.tracking_changes(actor, "cbm_report.summary", "cbm_report", report, ("summary_en", "summary_ru")):
        report.summary_en, report.summary_ru = summary_en, summary_ru
    db.session.commit()
    return report


# The state machine -------------------------------------------------------------------------

def _transition(report: CbmAnnualReport, action: str, reason: str = "") -> dict:
    lock_report(report)
    violations = rules.check_transition(action, report.status.value, reason)
    if violations:
        refuse(violations)
    before = audit.snapshot(report, REPORT_FIELDS)
    report.status = ReportStatus(rules.status_after(action))
    return before


def submit_report(actor: User | None, report: CbmAnnualReport, now: datetime | None = None) -> CbmAnnualReport:
    """Submit a draft and commit: it is locked, member delegations may read it, and
    its pending reminders and chaser are cancelled."""
    now = now or utcnow()
    before = _transition(report, rules.SUBMIT)
    report.submitted_at, report.submitted_by_id = now, getattr(actor, "id", None)
    db.session.flush()
    audit.record(actor, "cbm_report.submit", "cbm_report", report.id, before, audit.snapshot(report, REPORT_FIELDS))
    cbm_notices.cancel_pending(report)
    db.session.commit()
    return report


def publish_report(actor: User | None, report: CbmAnnualReport, now: datetime | None = None) -> CbmAnnualReport:
    """Publish a submitted report (observers may then read it) and commit; its coordinators
    are told (a notice, sent after the commit). A draft is refused."""
    now = now or utcnow()
    before = _transition(report, rules.PUBLISH)
    report.published_at, report.published_by_id = now, getattr(actor, "id", None)
    db.session.flush()
    audit.record(actor, "cbm_report.publish", "cbm_report", report.id, before, audit.snapshot(report, REPORT_FIELDS))
    cbm_notices.queue_step(report, NotificationKind.REPORT_PUBLISHED, now)
    db.session.commit()
    return report


def reopen_report(actor: User | None, report: CbmAnnualReport, reason: str,
                  now: datetime | None = None) -> CbmAnnualReport:
    """Put a submitted or published report back to draft for a correction and
    commit: the reason goes into the audit log, the reopening is counted, the
    reminders still in the future are queued again, and the coordinators are told
    why (a notice, due `now`, sent after the commit; its mail reads the reason of
    the reopening at or after that instant in the audit log)."""
    now = now or utcnow()
    before = _transition(report, rules.REOPEN, reason)
    report.reopened_count = (report.reopened_count or 0) + 1
    report.submitted_at = report.submitted_by_id = None
    report.published_at = report.published_by_id = None
    db.session.flush()
    after = {**audit.snapshot(report, REPORT_FIELDS), "reason": reason.strip()}
    audit.record(actor, "cbm_report.reopen", "cbm_report", report.id, before, after).at = now  # the notice's instant
    cbm_notices.sync_report(report, now)
    cbm_notices.queue_step(report, NotificationKind.REPORT_REOPENED, now)
    db.session.commit()
    return report


def reopen_reason_at(report: CbmAnnualReport, moment: datetime) -> str:
    """Why the report was reopened at `moment` (the last reopening at or before it; "" if none)."""
    reasons = [reason for at, reason in reopen_reasons(report) if at <= moment]
    return reasons[-1] if reasons else ""


def reopen_reasons(report: CbmAnnualReport) -> list[tuple[datetime, str]]:
    """When and why the report was reopened, oldest first (from the audit log)."""
    from secretariat_app.audit.models import AuditEntry

    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "cbm_report.reopen", AuditEntry.object_type == "cbm_report",
        AuditEntry.object_id == str(report.id)).order_by(AuditEntry.id))
    return [(entry.at, (entry.after or {}).get("reason", "")) for entry in entries]


# What a report covers ----------------------------------------------------------------------

def report_activities(report: CbmAnnualReport) -> list[CbmActivity]:
    """The activities the report answers for: those of the area's approved action
    plans planned to start in the report's year, and any activity already reported
    in it (kept when its plan is superseded later)."""
    planned = (select(CbmActivity).join(CbmPaper, CbmPaper.id == CbmActivity.action_plan_id)
               .where(CbmPaper.area_id == report.area_id, CbmPaper.kind == PaperKind.ACTION_PLAN,
                      CbmPaper.status == PaperStatus.APPROVED,
                      CbmActivity.planned_start >= date(report.year, 1, 1),
                      CbmActivity.planned_start <= date(report.year, 12, 31)))
    reported = (select(CbmActivity).join(CbmActivityReport, CbmActivityReport.activity_id == CbmActivity.id)
                .where(CbmActivityReport.annual_report_id == report.id))
    found = {a.id: a for a in db.session.scalars(planned)}
    found.update({a.id: a for a in db.session.scalars(reported)})
    return sorted(found.values(), key=lambda a: (a.planned_start, a.id))


def reported_in(report: CbmAnnualReport, activity: CbmActivity) -> CbmActivityReport | None:
    """What was reported of `activity` in `report` (None: nothing, or it is reported in another year's)."""
    return activity.report if activity.report and activity.report.annual_report_id == report.id else None


@dataclass
class ReportLine:
    activity: CbmActivity
    report: CbmActivityReport | None
    state: ActivityState


def report_lines(report: CbmAnnualReport, now: datetime | None = None) -> list[ReportLine]:
    """Each activity of the report with its implementation report (or None) and its state."""
    now = now or utcnow()
    lines = []
    for activity in report_activities(report):
        written = reported_in(report, activity)
        state = activity_state(reported=written is not None, annual_submitted=report.status != ReportStatus.DRAFT,
                               due_at=report.due_at, now=now)
        lines.append(ReportLine(activity, written, state))
    return lines


def member_states_in_year(year: int) -> list[State]:
    """States that are members on some day of `year` (the choices of participating states)."""
    query = (select(State).join(Membership, Membership.state_id == State.id)
             .where(Membership.status == MembershipStatus.MEMBER,
                    Membership.meets(date(year, 1, 1), date(year, 12, 31)))
             .distinct().order_by(State.name_en))
    return list(db.session.scalars(query))


# Activity implementation reports -----------------------------------------------------------

@dataclass
class ActivityReportData:
    """What a coordinator submits about one activity held."""

    held_on: date | None = None
    held_until: date | None = None
    venue: str = ""
    participating_state_ids: list[int] = field(default_factory=list)
    participant_count: int | str | None = None
    outcome_en: str = ""
    outcome_ru: str = ""


def _activity_report_snapshot(row: CbmActivityReport) -> dict:
    values = audit.snapshot(row, ACTIVITY_REPORT_FIELDS)
    values["participating_states"] = sorted(state.id for state in row.participating_states)
    return values


def _participants(data: ActivityReportData) -> tuple[list[State], tuple[int, ...], tuple[str, ...]]:
    ids = sorted({int(i) for i in data.participating_state_ids or [] if i is not None})
    states = list(db.session.scalars(select(State).where(State.id.in_(ids)))) if ids else []
    unknown = tuple(sorted(set(ids) - {s.id for s in states}))
    language = reader_language()  # the names in the refusal, in the reader's language and order
    outsiders = tuple(s.name(language) for s in by_name(
        [s for s in states if data.held_on is not None and not s.is_member_on(data.held_on)],
        language))
    return sorted(states, key=lambda s: s.name_en), unknown, outsiders


def save_activity_report(actor: User | None, report: CbmAnnualReport, activity: CbmActivity,
                         data: ActivityReportData) -> CbmActivityReport:
    """Write (or correct) what happened at `activity` in the draft `report` and commit.

    Refused (RuleViolations, nothing written) for a day held outside the action
    plan's period or the report's year, participating states that were not
    members that day (named), a participant count that is not a whole number of
    0 or more, or no outcome in either language; StateConflict once the report is
    submitted."""
    lock_report(report)
    existing = activity.report
    plan = activity.action_plan
    in_this_report = existing is not None and existing.annual_report_id == report.id
    of_area = plan.area_id == report.area_id and (plan.status == PaperStatus.APPROVED or in_this_report)
    states, unknown, outsiders = _participants(data)
    count, violations = rules.check_activity_report(rules.ActivityReportFacts(
        report_status=report.status.value, report_year=report.year,
        period=plan_period(plan), activity_of_area=of_area,
        reported_elsewhere=existing is not None and not in_this_report,
        held_on=data.held_on, held_until=data.held_until, venue=data.venue or "",
        participant_count=data.participant_count, outcome_en=data.outcome_en or "", outcome_ru=data.outcome_ru or "",
        unknown_state_ids=unknown, non_members=outsiders,
    ))
    if violations:
        refuse(violations)
    assert count is not None and data.held_on is not None  # rules.check_activity_report refuses otherwise
    row = existing or CbmActivityReport(activity_id=activity.id, annual_report_id=report.id)
    before = _activity_report_snapshot(existing) if existing is not None else None
    row.held_on, row.held_until = data.held_on, data.held_until
    row.venue = (data.venue or "").strip()
    row.participant_count = count
    row.outcome_en, row.outcome_ru = (data.outcome_en or "").strip(), (data.outcome_ru or "").strip()
    row.participating_states = states
    row.updated_by_id = getattr(actor, "id", None)
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:  # another report of the same activity was written at the same moment
        db.session.rollback()
        raise rules.StateConflict([Violation("status", N_("The implementation of this activity has just been "
                                                          "reported by someone else: reload the page."))]) from None
    after = _activity_report_snapshot(row)
    if before != after:
        action = "cbm_activity_report.update" if before is not None else "cbm_activity_report.create"
        audit.record(actor, action, "cbm_activity_report", row.id, before, after)
    db.session.commit()
    return row


def delete_activity_report(actor: User | None, row: CbmActivityReport) -> None:
    """Withdraw the report of one activity (and its attachments) from a draft and commit."""
    report = row.annual_report
    lock_report(report)
    violations = rules.check_editable(report.status.value)
    if violations:
        refuse(violations)
    before = _activity_report_snapshot(row)
    before["attachments"] = sorted(a.file_sha256 for a in row.attachments)
    row_id = row.id
    for attachment in list(row.attachments):
        db.session.delete(attachment)
    db.session.delete(row)
    db.session.flush()
    audit.record(actor, "cbm_activity_report.delete", "cbm_activity_report", row_id, before, None)
    db.session.commit()


# What a reader sees of an area -----------------------------------------------------------

@dataclass
class AreaSection:
    """The activities and annual reports of an area, as far as `user` may see them."""

    plans: list[CbmPaper]  # action plans the reader may read, the latest first, with their activities
    reports: list[CbmAnnualReport]  # the annual reports the reader may read, the latest year first
    may_coordinate: bool  # plan activities, open and write reports
    may_manage: bool  # the Secretariat: due days, publishing, reopening
    proposed_year: int | None  # a year an approved plan covers and no report exists for yet


def plannable(plan: CbmPaper) -> bool:
    """Whether activities may be planned on `plan` (an action plan in force or in preparation, with its period)."""
    return (plan.kind == PaperKind.ACTION_PLAN and plan.status != PaperStatus.SUPERSEDED
            and plan.period_start is not None and plan.period_end is not None)


def area_section(user, area: CbmArea, today: date | None = None) -> AreaSection:
    today = today or forum_today()
    plans = db.session.scalars(select(CbmPaper).where(CbmPaper.area_id == area.id,
                                                      CbmPaper.kind == PaperKind.ACTION_PLAN)
                               .order_by(CbmPaper.period_start.desc().nulls_last(), CbmPaper.id.desc()))
    readable_plans = [p for p in plans if can(user, Action.READ_CBM_PAPER, p)]
    reports = list(db.session.scalars(select(CbmAnnualReport).where(CbmAnnualReport.area_id == area.id)
                                      .order_by(CbmAnnualReport.year.desc())))
    readable = [r for r in reports if can(user, Action.READ_CBM_REPORT, r)]
    taken = {r.year for r in reports}
    # Every approved plan has its period (approved_plans asks for both dates): none is left out here.
    periods = [period for plan in approved_plans(area.id) if (period := plan_period(plan)) is not None]
    covered = sorted({year for period in periods for year in range(period.start.year, period.end.year + 1)} - taken)
    proposed = next((y for y in covered if y >= today.year), covered[-1] if covered else None)
    return AreaSection(plans=readable_plans, reports=readable,
                       may_coordinate=can(user, Action.COORDINATE_CBM_AREA, area),
                       may_manage=can(user, Action.MANAGE_CBM), proposed_year=proposed)

