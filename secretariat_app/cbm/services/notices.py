"""Deadlines of the CBM annual reports as notification rows: reminders to the
area's coordinators 30 and 7 days before a draft report is due, and one
chaser when it falls due still not submitted.

The report services call `sync_report` inside their own transaction, before
they commit, whenever the report is opened, its due time changes, it is
submitted or reopened: the rows change with the report or not at all. A
periodic task calls `sync_all`, which writes the rows of coordinators
assigned since (idempotent: the notification's unique key is kind, subject,
recipient and due time, so a chaser is written, and sent, once). A reminder
whose instant has passed is not written; a chaser is, for a report still
overdue (it goes out at the next dispatch). Rows that are sent, being sent or
failed are never touched; a pending row whose instant is no longer wanted is
moved to a wanted one, or cancelled."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select

from secretariat_app.accounts.models.people import Delegation, Role, User, UserRole
from secretariat_app.cbm.models import (
    CbmAnnualReport,
    CbmCoordinator,
    CbmCoordinatorUser,
    ReportStatus,
)
from secretariat_app.core.columns import utcnow
from secretariat_app.core.forum_time import forum_day_of, forum_today
from secretariat_app.extensions import db
from secretariat_app.notices.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
)
from secretariat_app.notices.services import queue as notice_queue
from secretariat_app.notices.services import schedule
from secretariat_app.notices.services.schedule import ScheduleChanges

SUBJECT = "cbm_report"
KIND = NotificationKind.REPORT_DEADLINE
PENDING = NotificationStatus.PENDING
SENDING, SENT = NotificationStatus.SENDING, NotificationStatus.SENT
REMINDER_DAYS = (30, 7)
# The chaser goes a minute after the due instant: at the instant itself the report is not yet late.
CHASER_DELAY = timedelta(minutes=1)


def reminder_instants(due_at: datetime) -> list[datetime]:
    return sorted(due_at - timedelta(days=days) for days in REMINDER_DAYS)


def chaser_instant(due_at: datetime) -> datetime:
    return due_at + CHASER_DELAY


def is_chaser(row: Notification, report: CbmAnnualReport) -> bool:
    return row.due_at >= report.due_at


def recipient_ids(report: CbmAnnualReport, day: date | None = None) -> list[int]:
    """The users who act as coordinators of the report's area on `day`: active,
    holding the coordinator role, assigned to the area, and of a delegation
    whose state coordinates or co-coordinates it that day (as permissions.coordinated_area_ids)."""
    day = day or forum_today()
    query = (
        select(User.id).distinct()
        .join(CbmCoordinatorUser, CbmCoordinatorUser.user_id == User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .join(Delegation, Delegation.id == User.delegation_id)
        .join(CbmCoordinator, (CbmCoordinator.state_id == Delegation.state_id)
              & (CbmCoordinator.area_id == CbmCoordinatorUser.area_id))
        .where(CbmCoordinatorUser.area_id == report.area_id, User.active.is_(True), UserRole.role == Role.COORDINATOR,
               CbmCoordinator.term_start <= day,
               or_(CbmCoordinator.term_end.is_(None), CbmCoordinator.term_end >= day))
    )
    return sorted(db.session.scalars(query))


def _chased_since(rows: list[Notification], due_at: datetime) -> bool:
    """Whether the recipient was already sent a notice after the report fell due."""
    return any(row.status == SENDING or (row.status == SENT and row.sent_at is not None and row.sent_at >= due_at)
               for row in rows)


def sync_report(report: CbmAnnualReport, now: datetime | None = None) -> ScheduleChanges:
    """Make the report's deadline rows match its due time, status and the area's
    coordinators (idempotent). Call it in the transaction that changed the report."""
    now = now or utcnow()
    db.session.flush()
    rows = schedule.subject_rows(KIND, SUBJECT, report.id)
    if report.status != ReportStatus.DRAFT:
        return schedule.cancel(rows)
    chaser = chaser_instant(report.due_at)

    def still_due(recipient_rows: list[Notification], instant: datetime) -> bool:
        # the report is late and nobody told this coordinator yet
        return instant == chaser and not _chased_since(recipient_rows, chaser - CHASER_DELAY)

    return schedule.sync(KIND, SUBJECT, report.id, rows, recipient_ids(report, forum_day_of(now)),
                         [*reminder_instants(report.due_at), chaser], now, still_due)


def cancel_pending(report: CbmAnnualReport) -> ScheduleChanges:
    """Cancel every deadline notice of the report not yet sent (it was submitted)."""
    db.session.flush()
    return schedule.cancel(schedule.subject_rows(KIND, SUBJECT, report.id))


def subject_label(report: CbmAnnualReport, language: str = "en") -> str:
    """What a deadline notice is about, as the notice pages name it (the report page's title)."""
    return _("Implementation report for %(year)s: %(area)s", year=report.year, area=report.area.name(language))


def pending_rows(report: CbmAnnualReport) -> list[Notification]:
    """The deadline notices still to go out, soonest first (for pages and tests)."""
    return list(db.session.scalars(
        select(Notification).where(Notification.kind == KIND, Notification.subject_type == SUBJECT,
                                   Notification.subject_id == report.id, Notification.status == PENDING)
        .order_by(Notification.due_at, Notification.recipient_id)))


def sync_all(now: datetime | None = None) -> int:
    """Re-sync every draft report, and every other report that still has pending
    notices (for the periodic task): picks up coordinators assigned or removed
    since. Commits after each report; returns how many rows were created,
    moved, revived or cancelled (0 on an immediate rerun)."""
    now = now or utcnow()
    with_pending = select(Notification.subject_id).where(
        Notification.kind == KIND, Notification.subject_type == SUBJECT, Notification.status == PENDING)
    ids = list(db.session.scalars(select(CbmAnnualReport.id).where(
        or_(CbmAnnualReport.status == ReportStatus.DRAFT, CbmAnnualReport.id.in_(with_pending)))
        .order_by(CbmAnnualReport.id)))
    touched = 0
    for report_id in ids:
        report = db.session.get(CbmAnnualReport, report_id)
        if report is not None:
            touched += sync_report(report, now).touched
        db.session.commit()
    return touched


# The steps the Secretariat takes on a report: reopened (with the reason) or published --------------

STEP_KINDS = (NotificationKind.REPORT_REOPENED, NotificationKind.REPORT_PUBLISHED)


def queue_step(report: CbmAnnualReport, kind: NotificationKind, now: datetime) -> int:
    """Tell the area's coordinators that the Secretariat reopened or published their
    report: one row each, due `now`, in the caller's transaction (sent after its
    commit; the row's unique key makes it once per step)."""
    if kind not in STEP_KINDS:
        raise ValueError(f"{kind} is not a step of a report")
    return notice_queue.queue(kind, SUBJECT, report.id, recipient_ids(report, forum_day_of(now)), now)
