"""The failed notices page: what could not be sent, to whom, why; resend one or all."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from secretariat_app.core.localisation import current_language
from secretariat_app.extensions import db
from secretariat_app.notices import kinds
from secretariat_app.notices.models import Notification
from secretariat_app.notices.services import circuit
from secretariat_app.notices.services import resend as resending
from secretariat_app.notices.web import bp
from secretariat_app.permissions import Audience, access


@bp.route("/failed")
@access(Audience.SECRETARIAT)
def failed() -> ResponseReturnValue:
    rows = resending.failed_notices()
    subjects = kinds.describe(((row.subject_type, row.subject_id) for row in rows), current_user, current_language())
    return render_template("notices/failed.html", rows=rows, total=resending.count_failed(),
                           kind_label=kinds.label, subjects=subjects, smtp=circuit.status())


@bp.route("/<int:notification_id>/resend", methods=["POST"])
@access(Audience.SECRETARIAT)
def resend(notification_id: int) -> ResponseReturnValue:
    row = db.session.get(Notification, notification_id)
    if row is None:
        abort(404)
    if resending.resend_failed(current_user, [notification_id], "officer page"):
        flash(_("The notice to %(name)s will be sent again within a minute.", name=row.recipient.name), "info")
    else:
        flash(_("This notice has not failed (it is %(status)s): nothing to resend.", status=row.status.value),
              "warning")
    return redirect(url_for("notices.failed"))


@bp.route("/failed/resend", methods=["POST"])
@access(Audience.SECRETARIAT)
def resend_all() -> ResponseReturnValue:
    ids = resending.resend_failed(current_user, None, "officer page")
    flash(_("%(n)d failed notice(s) will be sent again within a minute.", n=len(ids)), "info")
    return redirect(url_for("notices.failed"))
