"""My notices: the notices sent or still to be sent to me, with their times
in my own time zone, and my choice of which kinds I get by mail."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from secretariat_app.accounts.reader import current_user_row
from secretariat_app.audit import services as audit
from secretariat_app.core.localisation import current_language
from secretariat_app.extensions import db
from secretariat_app.notices import kinds
from secretariat_app.notices.models import Notification, NotificationStatus
from secretariat_app.notices.my_notices import bp
from secretariat_app.notices.my_notices.forms import STATUS_LABELS, PreferencesForm
from secretariat_app.permissions import Audience, access

PER_PAGE = 50


@bp.context_processor
def labels() -> dict:
    return {
        "notice_kind_label": kinds.label,
        "notice_status_label": lambda s: STATUS_LABELS.get(s, s),
    }


def _subjects(rows: list[Notification]) -> dict[tuple[str, int], tuple[str, str | None]]:
    """What each notice is about, as (label, link or None), loaded in one query per kind of subject."""
    return kinds.describe(((row.subject_type, row.subject_id) for row in rows), current_user, current_language())


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
    user = current_user_row()
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
        # The profile page shows the same form: back there when it was sent from there.
        back = "my_profile.index" if request.form.get("back") == "profile" else "my_notices.preferences"
        return redirect(url_for(back))
    return render_template("my_notices/preferences.html", form=form)
