"""The failed notices page: what could not be sent, to whom, why; resend one or all."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from secretariat_app.cbm.models import CbmAnnualReport
from secretariat_app.cbm.services import notices as cbm_notices
from secretariat_app.core.localisation import current_language
from secretariat_app.cycles.models import CycleFinding
from secretariat_app.documents.models import Document
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from secretariat_app.notices.models import Notification, NotificationKind
from secretariat_app.notices.services import notifications
from secretariat_app.notices.web import bp
from secretariat_app.permissions import Audience, access

KIND_LABELS = {
    NotificationKind.MEETING_REMINDER: _l("Meeting reminder"),
    NotificationKind.MEETING_CANCELLED: _l("Meeting cancelled"),
    NotificationKind.DOCUMENT_CIRCULATED: _l("Document circulated"),
    NotificationKind.ACKNOWLEDGEMENT_CHASER: _l("Acknowledgement reminder"),
    NotificationKind.REPORT_DEADLINE: _l("Report deadline"),
    NotificationKind.CYCLE_FINDING: _l("Cycle finding"),
}
SUBJECT_MODELS = {"document": Document, "meeting": Meeting, "cycle_finding": CycleFinding,
                  "cbm_report": CbmAnnualReport}


def subject_label(row: Notification) -> str:
    """What the notice is about, as officers name it: a symbol, a meeting, a finding,
    a CBM annual report (linked to its page)."""
    model = SUBJECT_MODELS.get(row.subject_type)
    subject = db.session.get(model, row.subject_id) if model else None
    if isinstance(subject, Document):
        return subject.symbol
    if isinstance(subject, Meeting):
        return subject.title(current_language())
    if isinstance(subject, CycleFinding):
        return subject.message
    if isinstance(subject, CbmAnnualReport):
        return Markup('<a href="{}">{}</a>').format(url_for("cbm.annual_report", report_id=subject.id),
                                                    cbm_notices.subject_label(subject, current_language()))
    return f"{row.subject_type} #{row.subject_id}"


@bp.route("/failed")
@access(Audience.SECRETARIAT)
def failed() -> ResponseReturnValue:
    rows = notifications.failed_notices()
    return render_template("notices/failed.html", rows=rows, total=notifications.count_failed(),
                           kind_label=lambda kind: KIND_LABELS.get(kind, kind.value), subject_label=subject_label)


def _resent(ids: list[int]) -> None:
    notifications.record_resend(current_user, ids, "officer page")
    db.session.commit()


@bp.route("/<int:notification_id>/resend", methods=["POST"])
@access(Audience.SECRETARIAT)
def resend(notification_id: int) -> ResponseReturnValue:
    row = db.session.get(Notification, notification_id)
    if row is None:
        abort(404)
    ids = notifications.resend([notification_id])
    if ids:
        _resent(ids)
        flash(_("The notice to %(name)s will be sent again within a minute.", name=row.recipient.name), "info")
    else:
        db.session.rollback()
        flash(_("This notice has not failed (it is %(status)s): nothing to resend.", status=row.status.value),
              "warning")
    return redirect(url_for("notices.failed"))


@bp.route("/failed/resend", methods=["POST"])
@access(Audience.SECRETARIAT)
def resend_all() -> ResponseReturnValue:
    ids = notifications.resend()
    if ids:
        _resent(ids)
    flash(_("%(n)d failed notice(s) will be sent again within a minute.", n=len(ids)), "info")
    return redirect(url_for("notices.failed"))
