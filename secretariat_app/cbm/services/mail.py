"""The mail of a CBM report deadline notice (NotificationKind.REPORT_DEADLINE,
registered in `cbm/notice_kinds.py`):
a reminder before an annual report is due ("due in N days") or the chaser
after it ("overdue"), in plain text and HTML, in the recipient's language,
with the due time in the recipient's zone and in Astana time, and the link to
the report's page.

A notice about a report that was submitted meanwhile, for a person who no
longer coordinates the area, or a reminder that would arrive after the report
fell due (the chaser tells instead), is not deliverable: the dispatcher
cancels the row and sends nothing. Rendering writes nothing."""
from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask_babel import gettext as _
from flask_babel import ngettext

from secretariat_app.accounts.models.people import User
from secretariat_app.cbm.models import CbmAnnualReport, ReportStatus
from secretariat_app.core.columns import utcnow
from secretariat_app.core.forum_time import forum_day_of
from secretariat_app.core.localisation import is_known_timezone
from secretariat_app.domain.cbm_reports import due_day_of
from secretariat_app.domain.cbm_status import SECRETARIAT_TIMEZONE
from secretariat_app.extensions import db
from secretariat_app.notices.models import Notification
from secretariat_app.notices.services.rendering import (
    NotDeliverable,
    Notice,
    language_of,
    local_time,
    public_url,
    render_pair,
)

TEMPLATE = "cbm_report_deadline"


def days_left(due_at: datetime, now: datetime) -> int:
    """Whole days until `due_at`, counting a part of a day as a day (at least 1)."""
    return max(1, math.ceil((due_at - now) / timedelta(days=1)))


def astana_time(due_at: datetime, user: User) -> str:
    """The due instant on the Secretariat's clock: midnight is written as 24:00 of
    the day that ends, as a deadline reads ("20 November 2026, 24:00")."""
    local = due_at.astimezone(ZoneInfo(SECRETARIAT_TIMEZONE))
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        day = format_date(due_day_of(due_at), "d MMMM y", locale=language_of(user))
        return f"{day}, 24:00 ({SECRETARIAT_TIMEZONE})"
    return local_time(due_at, user, SECRETARIAT_TIMEZONE)


def _report(notification: Notification) -> CbmAnnualReport:
    report = db.session.get(CbmAnnualReport, notification.subject_id)
    if report is None:
        raise NotDeliverable(f"the cbm_report {notification.subject_id} no longer exists")
    if report.status != ReportStatus.DRAFT:
        raise NotDeliverable(f"the cbm_report {report.id} has been {report.status.value} meanwhile")
    return report


def context(report: CbmAnnualReport, user: User, now: datetime) -> dict:
    from secretariat_app.cbm.services.reports import report_lines

    language = language_of(user)
    lines = report_lines(report, now)
    overdue = now >= report.due_at
    zone = user.timezone if is_known_timezone(user.timezone) else "UTC"
    return {
        "user": user,
        "report": report,
        "year": report.year,
        "area": report.area.name(language),
        "dimension": report.area.dimension.name(language),
        "overdue": overdue,
        "days": 0 if overdue else days_left(report.due_at, now),
        "due_day": format_date(due_day_of(report.due_at), "d MMMM y", locale=language),
        "due_yours": local_time(report.due_at, user),
        "due_astana": astana_time(report.due_at, user),
        "same_zone": zone == SECRETARIAT_TIMEZONE,
        "planned": len(lines),
        "unreported": sum(1 for line in lines if line.report is None),
        "link": public_url("cbm.annual_report", report_id=report.id),
    }


def subject(values: dict) -> str:
    if values["overdue"]:
        return _("CICA: the %(year)s implementation report on %(area)s is overdue",
                 year=values["year"], area=values["area"])
    return ngettext("CICA: the %(year)s implementation report on %(area)s is due in %(num)d day",
                    "CICA: the %(year)s implementation report on %(area)s is due in %(num)d days",
                    values["days"], year=values["year"], area=values["area"])


def report_deadline(notification: Notification, user: User, now: datetime | None = None) -> Notice:
    """A reminder or the chaser of a draft annual report, for one of the area's coordinators."""
    from secretariat_app.cbm.services.notices import recipient_ids

    report = _report(notification)
    now = now or utcnow()
    if user.id not in recipient_ids(report, forum_day_of(now)):
        raise NotDeliverable(f"user {user.id} no longer coordinates the area of cbm_report {report.id}")
    if notification.due_at < report.due_at <= now:
        raise NotDeliverable(f"a reminder of cbm_report {report.id} that would arrive after the report fell due "
                             "(the chaser tells instead)")
    values = context(report, user, now)
    title = subject(values)
    return Notice(title, *render_pair(TEMPLATE, subject=title, **values))


# The Secretariat's steps: reopened (with the reason) or published ---------------------------------

STEP_TEMPLATES = {"reopened": "cbm_report_reopened", "published": "cbm_report_published"}


def _step_context(notification: Notification, user: User) -> tuple[CbmAnnualReport, dict]:
    from secretariat_app.cbm.services.notices import recipient_ids

    report = db.session.get(CbmAnnualReport, notification.subject_id)
    if report is None:
        raise NotDeliverable(f"the cbm_report {notification.subject_id} no longer exists")
    if user.id not in recipient_ids(report, forum_day_of(utcnow())):
        raise NotDeliverable(f"user {user.id} no longer coordinates the area of cbm_report {report.id}")
    language = language_of(user)
    return report, {"user": user, "report": report, "year": report.year, "area": report.area.name(language),
                    "dimension": report.area.dimension.name(language), "when": local_time(notification.due_at, user),
                    "link": public_url("cbm.annual_report", report_id=report.id)}


def report_reopened(notification: Notification, user: User) -> Notice:
    """To a coordinator: the Secretariat put the report back to draft, and why."""
    from secretariat_app.cbm.services.reports import reopen_reason_at

    report, values = _step_context(notification, user)
    title = _("CICA: the %(year)s implementation report on %(area)s has been reopened for correction",
              year=values["year"], area=values["area"])
    return Notice(title, *render_pair(STEP_TEMPLATES["reopened"], subject=title,
                                      reason=reopen_reason_at(report, notification.due_at), **values))


def report_published(notification: Notification, user: User) -> Notice:
    """To a coordinator: the Secretariat published the report (observers may read it).
    Not sent once the report has been reopened meanwhile."""
    report, values = _step_context(notification, user)
    if report.status != ReportStatus.PUBLISHED:
        raise NotDeliverable(f"the cbm_report {report.id} is {report.status.value} again: it was reopened meanwhile")
    title = _("CICA: the %(year)s implementation report on %(area)s has been published",
              year=values["year"], area=values["area"])
    return Notice(title, *render_pair(STEP_TEMPLATES["published"], subject=title, **values))
