"""Forms of the second factor: the code at login and at enrolment, renewing the
recovery codes, turning it off."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


def code_field(label=None, autofocus: bool = True) -> StringField:
    # One field takes a 6-digit code or a recovery code; browsers and phones offer
    # the code an app or a password manager holds (autocomplete one-time-code).
    return StringField(label or _l("Code"), validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "none",
                                  "spellcheck": "false", **({"autofocus": True} if autofocus else {})})


class SecondStepForm(FlaskForm):
    code = code_field(_l("Code from your authenticator app, or a recovery code"))
    submit = SubmitField(_l("Verify"))


class EnrolForm(FlaskForm):
    code = code_field(_l("The 6-digit code your app shows now"))
    submit = SubmitField(_l("Turn on two-step verification"))


class RenewCodesForm(FlaskForm):  # two forms on one page: neither takes the focus
    code = code_field(_l("A current code from your app"), autofocus=False)
    submit = SubmitField(_l("Make new recovery codes"))


class TurnOffForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    code = code_field(_l("A current code from your app"), autofocus=False)
    submit = SubmitField(_l("Turn off two-step verification"))
