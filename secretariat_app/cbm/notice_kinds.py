"""The notices of confidence building measures (see `notices.kinds`): the
deadline of an annual implementation report (reminders and the chaser), and the
Secretariat's steps on it that its coordinators are told of (reopened, with the
reason; published). Their mail is written by `services/mail.py`;
`services/notices.py` keeps the rows."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from secretariat_app.accounts.models.people import User
from secretariat_app.cbm.models import CbmAnnualReport
from secretariat_app.cbm.services import mail as cbm_mail
from secretariat_app.cbm.services import notices as cbm_notices
from secretariat_app.extensions import db
from secretariat_app.notices.kinds import NoticeSubject, register_kind, register_subject
from secretariat_app.notices.models import NotificationKind
from secretariat_app.permissions import Action, can


def describe(ids: set[int], reader: User, language: str) -> dict[int, tuple[str, str | None]]:
    """A report's title; linked only for a reader who may open it (no link to a
    page that would answer 404, e.g. a draft of an area they no longer coordinate)."""
    reports = db.session.scalars(select(CbmAnnualReport).where(CbmAnnualReport.id.in_(ids))
                                 .options(selectinload(CbmAnnualReport.area)))
    return {report.id: (cbm_notices.subject_label(report, language),
                        url_for("cbm.annual_report", report_id=report.id)
                        if can(reader, Action.READ_CBM_REPORT, report) else None)
            for report in reports}


reports = register_subject(NoticeSubject(cbm_notices.SUBJECT, CbmAnnualReport, describe))
register_kind(reports, NotificationKind.REPORT_DEADLINE, cbm_mail.report_deadline, cbm_mail.TEMPLATE,
              label=_l("Report deadline"), preference_label=_l("Report deadlines"))
register_kind(reports, NotificationKind.REPORT_REOPENED, cbm_mail.report_reopened, cbm_mail.STEP_TEMPLATES["reopened"],
              label=_l("Report reopened"),
              preference_label=_l("My reports reopened by the Secretariat (with the reason)"))
register_kind(reports, NotificationKind.REPORT_PUBLISHED, cbm_mail.report_published,
              cbm_mail.STEP_TEMPLATES["published"],
              label=_l("Report published"), preference_label=_l("My reports published by the Secretariat"))
