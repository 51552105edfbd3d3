"""The forms of the tokens page: a new token (name, scopes, how long, and the
second factor's code where the person has one), and revoking one."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from secretariat_app.api.services.tokens import DEFAULT_DAYS, MAX_DAYS
from secretariat_app.permissions.tokens import Scope, grantable


class NewTokenForm(FlaskForm):
    name = StringField(_l("Name (what the token is for)"), validators=[InputRequired(), Length(max=100)])
    scopes = SelectMultipleField(_l("Scopes"), validate_choice=False, widget=ListWidget(prefix_label=False),
                                 option_widget=CheckboxInput())
    days = IntegerField(_l("Valid for (days)"), default=DEFAULT_DAYS,
                        validators=[InputRequired(), NumberRange(min=1, max=MAX_DAYS)])
    code = StringField(_l("Code from your authenticator app"), validators=[Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField(_l("Make the token"))

    def fill_choices(self, user, blank: bool = False) -> NewTokenForm:
        """The scopes `user` may give; on a blank form (`blank`, or a first GET) `read` is ticked."""
        self.scopes.choices = [(scope.value, scope.label) for scope in grantable(user)]
        if not self.scopes.data and (blank or not self.is_submitted()):
            self.scopes.data = [Scope.READ.value]
        return self

    def chosen_scopes(self) -> tuple[Scope, ...]:
        values = set(self.scopes.data or ())
        return tuple(scope for scope in Scope if scope.value in values)


class RevokeTokenForm(FlaskForm):
    token_id = HiddenField()
    submit = SubmitField(_l("Revoke"))
