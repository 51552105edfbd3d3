"""Your sessions: the open ones (started, last seen, address, browser), with
"sign out" for each and "sign out everywhere else"."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import logout_user

from secretariat_app.accounts.browsers import describe_browser
from secretariat_app.accounts.models.sessions import EndReason
from secretariat_app.accounts.my_sessions import bp
from secretariat_app.accounts.my_sessions.forms import SignOutForm
from secretariat_app.accounts.reader import current_user_row
from secretariat_app.accounts.services import sessions
from secretariat_app.extensions import db
from secretariat_app.permissions import Audience, access

bp.add_app_template_filter(describe_browser, "browser")


@bp.route("/")
@access(Audience.AUTHENTICATED)
def index() -> ResponseReturnValue:
    user = current_user_row()
    idle_hours = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds() // 3600
    return render_template("my_sessions/index.html", rows=sessions.active_sessions(user),
                           current_id=sessions.current_session_id(user), idle_hours=int(idle_hours))


@bp.route("/<int:session_id>/sign-out", methods=["POST"])
@access(Audience.AUTHENTICATED)
def sign_out(session_id: int) -> ResponseReturnValue:
    """End one of my sessions; someone else's, or one already over, is a 404."""
    SignOutForm().validate_on_submit()  # CSRF is checked globally; the form has nothing else
    user = current_user_row()
    if not sessions.end_session(user, session_id, reason=EndReason.SIGNED_OUT):
        abort(404)
    db.session.commit()
    if session_id == sessions.current_session_id(user):
        logout_user()
        flash(_("You have logged out."), "info")
        return redirect(url_for("auth.login"))
    flash(_("That session has been signed out."), "success")
    return redirect(url_for("my_sessions.index"))


@bp.route("/sign-out-others", methods=["POST"])
@access(Audience.AUTHENTICATED)
def sign_out_others() -> ResponseReturnValue:
    """End every session of mine but this one."""
    SignOutForm().validate_on_submit()
    user = current_user_row()
    ended = sessions.end_all_sessions(user, reason=EndReason.SIGNED_OUT_ELSEWHERE,
                                      keep=sessions.current_session_id(user))
    db.session.commit()
    flash(ngettext("%(num)d other session has been signed out.", "%(num)d other sessions have been signed out.",
                   ended) if ended else _("You had no other session."), "success")
    return redirect(url_for("my_sessions.index"))
