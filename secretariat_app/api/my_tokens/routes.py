"""The tokens page: a person's API access tokens, a new one (its secret shown
once, on the page that made it), and revoking one. Each person sees and
revokes only their own (another's id answers 404)."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from secretariat_app.accounts.reader import current_user_row
from secretariat_app.api.my_tokens import bp
from secretariat_app.api.my_tokens.forms import NewTokenForm, RevokeTokenForm
from secretariat_app.api.services import tokens
from secretariat_app.core.forms import show_violations
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.permissions import Audience, access


def _page(form: NewTokenForm, secret: str | None = None, status: int = 200) -> ResponseReturnValue:
    user = current_user_row()
    return render_template("my_tokens/index.html", form=form, tokens=tokens.tokens_of(user), secret=secret,
                           revoke_form=RevokeTokenForm(), needs_code=tokens.needs_code(user),
                           now=datetime.now(UTC)), status


@bp.route("/", methods=["GET", "POST"])
@access(Audience.AUTHENTICATED)
def index() -> ResponseReturnValue:
    user = current_user_row()
    form = NewTokenForm().fill_choices(user)
    if not form.validate_on_submit():
        return _page(form, status=422 if form.is_submitted() else 200)
    try:
        token, secret = tokens.create_token(user, tokens.NewToken(
            name=form.name.data or "", scopes=form.chosen_scopes(), days=form.days.data or 0,
            code=form.code.data or ""))
    except RuleViolations as error:
        show_violations(form, error)
        return _page(form, status=422)
    flash(_("The token \"%(name)s\" has been made. Copy it now: it is shown only once.", name=token.name), "success")
    return _page(NewTokenForm(formdata=None).fill_choices(user, blank=True), secret=secret)


@bp.route("/revoke", methods=["POST"])
@access(Audience.AUTHENTICATED)
def revoke() -> ResponseReturnValue:
    form = RevokeTokenForm()
    if not form.validate_on_submit() or not (form.token_id.data or "").isdigit():
        abort(400)
    if not tokens.revoke_token(current_user_row(), int(form.token_id.data)):
        abort(404)
    flash(_("The token has been revoked: programs using it can no longer reach the API."), "success")
    return redirect(url_for("my_tokens.index"))
