"""The second factor's pages: the second step of a login, enrolment (required of
Secretariat staff, offered to delegates), and "Two-step verification" under the
account (recovery codes, turning it off). The rules are services/second_factor.py."""
from __future__ import annotations

import segno
from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user
from markupsafe import Markup

from secretariat_app.accounts import totp
from secretariat_app.accounts.auth import bp, pending
from secretariat_app.accounts.auth.forms_second_factor import (
    EnrolForm,
    RenewCodesForm,
    SecondStepForm,
    TurnOffForm,
)
from secretariat_app.accounts.auth.routes import complete_login
from secretariat_app.accounts.reader import current_user_row
from secretariat_app.accounts.services import second_factor as factors
from secretariat_app.core.forms import show_violations
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db, limiter
from secretariat_app.permissions import Audience, access


# Throttling: as the password's (routes.py), failures only, per account and per address.
def _pending_account() -> str:
    return f"second-factor:{pending.pending_user_id()}"


def _signed_in_account() -> str:
    return f"second-factor:{getattr(current_user, 'id', None)}"


def _failed(response) -> bool:
    """Only refused codes and passwords count (the views mark them)."""
    return request.method == "POST" and bool(g.get("second_factor_refused"))


def _refused() -> None:
    g.second_factor_refused = True


def _per_account(key_func, scope: str):
    return limiter.limit(lambda: current_app.config["SECOND_FACTOR_LIMIT_PER_ACCOUNT"], key_func=key_func,
                         methods=["POST"], deduct_when=_failed, scope=scope)


def _per_address(scope: str):
    return limiter.limit(lambda: current_app.config["SECOND_FACTOR_LIMIT_PER_ADDRESS"],
                         methods=["POST"], deduct_when=_failed, scope=scope)


@bp.route("/second-factor", methods=["GET", "POST"])
@access(Audience.PUBLIC)
@_per_account(_pending_account, "second-factor-account")
@_per_address("second-factor-address")
def second_factor() -> ResponseReturnValue:
    """The second step: the password was right; a code completes the login."""
    held = pending.current()
    if held is None:
        flash(_("Your sign-in has expired. Please enter your password again."), "info")
        return redirect(url_for("auth.login"))
    form = SecondStepForm()
    if form.validate_on_submit():
        method = factors.verify_login(held.user, form.code.data)
        if method is not None:
            return complete_login(held.user, held.next_url, second_factor=method.value)
        db.session.commit()  # the failure stays in the trail
        _refused()
        form.code.errors = [_("That code is not right, or it has been used already.")]
    return render_template("auth/second_factor.html", form=form)


def _qr_svg(uri: str) -> Markup:
    """The otpauth URI as an inline SVG QR code (no script, no image request)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff",
                                                svgclass="qr", title=_("QR code for your authenticator app"))
    return Markup(svg)  # noqa: S704 - segno's own markup, built from our URI (escaped by segno)


@bp.route("/second-factor/enrol", methods=["GET", "POST"])
@access(Audience.AUTHENTICATED)
@_per_account(_signed_in_account, "second-factor-enrol")
def second_factor_enrol() -> ResponseReturnValue:
    """Set up an authenticator app: scan or type the secret, confirm with a code,
    then see the recovery codes once. Staff without a second factor land here
    from every page (second_factor_gate.py)."""
    user = current_user_row()
    if user.has_second_factor:
        return redirect(url_for("auth.two_step"))
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = factors.confirm_enrolment(user, form.code.data)  # commits
        except RuleViolations as error:
            _refused()
            show_violations(form, error)
        else:
            login_user(user)  # this session goes on under its new secret; the others ended
            flash(_("Two-step verification is on."), "success")
            return render_template("auth/recovery_codes.html", codes=codes, first=True)
    secret = factors.enrolment_secret(user)
    uri = totp.provisioning_uri(secret, user.email)
    return render_template("auth/enrol.html", form=form, qr=_qr_svg(uri), secret=totp.grouped(secret), uri=uri,
                           required=factors.is_required_for(user))


# Two forms on one page, each with a code: prefixed, so their fields differ.
def _renew_form(**kwargs) -> RenewCodesForm:
    return RenewCodesForm(prefix="renew", **kwargs)


def _off_form(**kwargs) -> TurnOffForm:
    return TurnOffForm(prefix="off", **kwargs)


@bp.route("/two-step")
@access(Audience.AUTHENTICATED)
def two_step() -> ResponseReturnValue:
    """Two-step verification under the account: on or off, recovery codes left."""
    user = current_user_row()
    return render_template("auth/two_step.html", user=user, required=factors.is_required_for(user),
                           codes_left=factors.recovery_codes_left(user) if user.has_second_factor else 0,
                           renew_form=_renew_form(), off_form=_off_form())


@bp.route("/two-step/recovery-codes", methods=["POST"])
@access(Audience.AUTHENTICATED)
@_per_account(_signed_in_account, "second-factor-settings")
def renew_recovery_codes() -> ResponseReturnValue:
    user = current_user_row()
    form = _renew_form()
    if form.validate_on_submit():
        try:
            codes = factors.renew_recovery_codes(user, form.code.data)  # commits
        except RuleViolations as error:
            _refused()
            show_violations(form, error)
        else:
            flash(_("New recovery codes have been made; the old ones no longer work."), "success")
            return render_template("auth/recovery_codes.html", codes=codes, first=False)
    return render_template("auth/two_step.html", user=user, required=factors.is_required_for(user),
                           codes_left=factors.recovery_codes_left(user), renew_form=form,
                           off_form=_off_form(formdata=None))


@bp.route("/two-step/off", methods=["POST"])
@access(Audience.AUTHENTICATED)
@_per_account(_signed_in_account, "second-factor-settings")
def two_step_off() -> ResponseReturnValue:
    user = current_user_row()
    form = _off_form()
    if form.validate_on_submit():
        try:
            factors.turn_off(user, form.password.data, form.code.data)  # commits
        except RuleViolations as error:
            _refused()
            show_violations(form, error)
        else:
            flash(_("Two-step verification is off."), "success")
            return redirect(url_for("auth.two_step"))
    return render_template("auth/two_step.html", user=user, required=factors.is_required_for(user),
                           codes_left=factors.recovery_codes_left(user), off_form=form,
                           renew_form=_renew_form(formdata=None))
