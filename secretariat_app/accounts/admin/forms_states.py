"""Forms for states, their memberships and delegations; the rules themselves
live in services.states and services.delegations."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, Form, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from secretariat_app.accounts.models.states import (
    Membership,
    MembershipStatus,
    State,
    StateKind,
)
from secretariat_app.accounts.services.states import MembershipData, StateData
from secretariat_app.core.forms import strict_optional_id
from secretariat_app.core.labels import KIND_LABELS, STATUS_LABELS


class OnDateForm(Form):
    """The GET form of the states page: the day the statuses are shown for."""

    on = DateField(_l("On"), validators=[Optional()])


class StateForm(FlaskForm):
    code = StringField(_l("Code (2 to 8 capital letters)"), validators=[DataRequired(), Length(max=8)])
    iso2 = StringField(_l("ISO 3166 code (two letters; blank for organisations)"),
                       validators=[Optional(), Length(max=2)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, KIND_LABELS[k]) for k in StateKind],
                       validators=[DataRequired()])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=120)])
    name_ru = StringField(_l("Name in Russian"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Save"))

    def to_data(self) -> StateData:
        """The submitted values as the service takes them."""
        return StateData(
            code=self.code.data or "",
            iso2=self.iso2.data or None,
            kind=StateKind(self.kind.data),
            name_en=self.name_en.data or "",
            name_ru=self.name_ru.data or "",
        )


def state_initial(state: State | None) -> dict[str, Any] | None:
    """The form's values for an existing state (None for a new one)."""
    if state is None:
        return None
    return {"code": state.code, "iso2": state.iso2 or "", "kind": state.kind.value,
            "name_en": state.name_en, "name_ru": state.name_ru}


class MembershipForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[SelectChoice(s.value, STATUS_LABELS[s]) for s in MembershipStatus],
                         validators=[DataRequired()])
    valid_from = DateField(_l("From"), validators=[DataRequired()])
    valid_to = DateField(_l("To (last day; blank: still holds it)"), validators=[Optional()])
    note = StringField(_l("Note (e.g. the decision that admitted it)"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Save"))

    def to_data(self) -> MembershipData:
        """The submitted values as the service takes them."""
        return MembershipData(
            status=MembershipStatus(self.status.data),
            valid_from=self.valid_from.data,
            valid_to=self.valid_to.data,
            note=self.note.data or "",
        )


def membership_initial(membership: Membership | None) -> dict[str, Any] | None:
    """The form's values for an existing membership (None for a new one)."""
    if membership is None:
        return None
    return {"status": membership.status.value, "valid_from": membership.valid_from,
            "valid_to": membership.valid_to, "note": membership.note}


class DelegationForm(FlaskForm):
    state = SelectField(_l("State or organisation"), coerce=strict_optional_id, validators=[DataRequired()])
    submit = SubmitField(_l("Create the delegation"))

    def fill_choices(self, states: list[State], language: str) -> None:
        """The states that may get a delegation, by code and name in the reader's language."""
        self.state.choices = [SelectChoice("", _l("— choose —"))] + [
            SelectChoice(s.id, f"{s.code} · {s.name(language)}") for s in states
        ]
