"""My notices: the notices sent or still to be sent to me, with their times
in my own time zone, and my choice of which kinds I get by mail."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from secretariat_app.audit import services as audit
from secretariat_app.cbm.models import CbmAnnualReport
from secretariat_app.cbm.services import notices as cbm_notices
from secretariat_app.core.localisation import current_language
from secretariat_app.documents.models import Document
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from secretariat_app.notices.models import Notification, NotificationStatus
from secretariat_app.notices.my_notices import bp
from secretariat_app.notices.my_notices.forms import (
    KIND_LABELS,
    STATUS_LABELS,
    PreferencesForm,
)
from secretariat_app.permissions import Action, Audience, access, can, is_secretariat

PER_PAGE = 50


@bp.context_processor
def labels() -> dict:
    return {
        "notice_kind_label": lambda k: KIND_LABELS.get(k, k),
        "notice_status_label": lambda s: STATUS_LABELS.get(s, s),
    }


def _subjects(rows: list[Notification]) -> dict[tuple[str, int], tuple[str, str | None]]:
    """What each notice is about, as (label, link or None), loaded in one query per kind of subject."""
    language = current_language()
    wanted: dict[str, set[int]] = {}
    for row in rows:
        wanted.setdefault(row.subject_type, set()).add(row.subject_id)
    found: dict[tuple[str, int], tuple[str, str | None]] = {}
    if wanted.get("meeting"):
        endpoint = "meetings.detail" if is_secretariat(current_user) else "delegation.meeting_detail"
        for meeting in db.session.scalars(select(Meeting).where(Meeting.id.in_(wanted["meeting"]))):
            found[("meeting", meeting.id)] = (meeting.title(language), url_for(endpoint, meeting_id=meeting.id))
    if wanted.get("document"):
        for document in db.session.scalars(select(Document).where(Document.id.in_(wanted["document"]))):
            title = document.title_ru if language == "ru" and document.title_ru else document.title_en
            found[("document", document.id)] = (f"{document.symbol} {title}".strip(), None)
    if wanted.get("cbm_report"):
        reports = db.session.scalars(select(CbmAnnualReport).where(CbmAnnualReport.id.in_(wanted["cbm_report"]))
                                     .options(selectinload(CbmAnnualReport.area)))
        for report in reports:
            # No link to a page that would answer 404 (a draft of an area the reader no longer coordinates).
            readable = can(current_user, Action.READ_CBM_REPORT, report)
            link = url_for("cbm.annual_report", report_id=report.id) if readable else None
            found[("cbm_report", report.id)] = (cbm_notices.subject_label(report, language), link)
    return found


@bp.route("/")
@access(Audience.AUTHENTICATED)
def index() -> ResponseReturnValue:
    """My notices, the latest due first; cancelled ones (a meeting moved or called off) are left out."""
    page_number = request.args.get("page", 1, type=int)
    query = (
        select(Notification)
        .where(Notification.recipient_id == current_user.id, Notification.status != NotificationStatus.CANCELLED)
        .order_by(Notification.due_at.desc(), Notification.id.desc())
    )
    page = db.paginate(query, page=page_number, per_page=PER_PAGE, error_out=False)
    return render_template("my_notices/index.html", page=page, subjects=_subjects(list(page.items)))


@bp.route("/preferences", methods=["GET", "POST"])
@access(Audience.AUTHENTICATED)
def preferences() -> ResponseReturnValue:
    """Which kinds of notice I get by mail, and the daily digest of document notices."""
    user = current_user._get_current_object()
    form = PreferencesForm.for_user(user)
    if form.validate_on_submit():
        before = {"mail_opt_out": sorted(user.mail_opt_out or []), "document_digest": bool(user.document_digest)}
        user.mail_opt_out = form.opt_outs(user.mail_opt_out)
        user.document_digest = bool(form.document_digest.data)
        after = {"mail_opt_out": user.mail_opt_out, "document_digest": user.document_digest}
        if after != before:
            audit.record(user, "user.notice_preferences", "user", user.id, before, after)
        db.session.commit()
        flash(_("Your notice preferences have been saved."), "success")
        return redirect(url_for("my_notices.preferences"))
    return render_template("my_notices/preferences.html", form=form)
