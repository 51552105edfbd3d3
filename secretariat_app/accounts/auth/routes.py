"""Logging in and out, changing and resetting a password."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from secretariat_app.accounts.auth import bp, pending
from secretariat_app.accounts.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    LogoutForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from secretariat_app.accounts.auth.throttle import throttled_login
from secretariat_app.accounts.models.sessions import EndReason
from secretariat_app.accounts.reader import current_user_row
from secretariat_app.accounts.services import link_requests, sessions
from secretariat_app.accounts.services import users as accounts
from secretariat_app.audit.security import SecurityEvent, record_security_event
from secretariat_app.core import tasks
from secretariat_app.core.forms import show_violations
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db, limiter
from secretariat_app.permissions import Audience, access


def _submitted_account() -> str:
    return "account:" + accounts.normalise_email(request.form.get("email", ""))


@bp.route("/login", methods=["GET", "POST"])
@access(Audience.PUBLIC)
@throttled_login  # locks per address and per account that spare the owner: auth/throttle.py
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            if user.has_second_factor:  # the second step (routes_second_factor.py) completes the login
                pending.hold(user, _safe_next(request.args.get("next")))
                return redirect(url_for("auth.second_factor"))
            return complete_login(user, _safe_next(request.args.get("next")), second_factor="none")
        record_security_event(SecurityEvent.LOGIN_FAILED, email=accounts.normalise_email(form.email.data))
        db.session.commit()
        form.form_errors.append(_("Wrong e-mail or password."))
    return render_template("auth/login.html", form=form)


def complete_login(user, next_url: str, **details) -> ResponseReturnValue:
    """Log `user` in (after the password, and the second factor if they have one) and record it."""
    pending.drop()
    started = sessions.start_session(user)
    login_user(user)
    record_security_event(SecurityEvent.LOGIN, user, session=started.id, **details)
    db.session.commit()
    return redirect(next_url)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would serve phishing."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.index")


@bp.route("/logout", methods=["POST"])
@access(Audience.AUTHENTICATED)
def logout():
    LogoutForm().validate_on_submit()  # CSRF is checked globally; the form has nothing else
    user = current_user_row()
    ending = sessions.current_session_id(user)
    if ending is not None:
        sessions.end_session(user, ending, reason=EndReason.LOGOUT)  # a copy of the cookie opens nothing now
    record_security_event(SecurityEvent.LOGOUT, user, session=ending)
    db.session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@access(Audience.AUTHENTICATED)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user_row()
        try:
            accounts.change_password(user, form.current_password.data, form.new_password.data)
        except RuleViolations as error:
            show_violations(form, error)
        else:  # this session stays; the others have ended
            record_security_event(SecurityEvent.PASSWORD_CHANGED, user)
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
@access(Audience.PUBLIC)
@limiter.limit("5 per hour", methods=["POST"], key_func=_submitted_account, scope="reset-account")
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        # No lookup here: the worker looks the address up and mails the link, so
        # this answers alike, in the same time, for any address (link_requests.py).
        link_requests.request_reset(form.email.data)
        db.session.commit()  # sends the task now, or after whatever this request had open
        if tasks.unsent():
            abort(503, _("The system cannot send mail at the moment. Please try again in a few minutes."))
        flash(_("If an account uses that address, a reset link is on its way. It works once, for one hour."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@access(Audience.PUBLIC)
def reset_password(token: str):
    if accounts.valid_reset_token(token) is None:
        return render_template("auth/reset_invalid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.new_password.data)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("Your password has been set. Please log in."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)
