"""The form for one staff appointment; the rules themselves live in services.staff."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from secretariat_app.accounts.models.staff import Position, StaffAppointment
from secretariat_app.accounts.models.states import Body, State, StateKind
from secretariat_app.accounts.services.staff import StaffData
from secretariat_app.core.forms import strict_optional_id
from secretariat_app.core.labels import POSITION_LABELS
from secretariat_app.extensions import db


class StaffForm(FlaskForm):
    person_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    position = SelectField(
        _l("Position"), choices=[SelectChoice(p.value, POSITION_LABELS[p]) for p in Position],
        validators=[DataRequired()],
    )
    post_title = StringField(_l("Post title (optional)"), validators=[Optional(), Length(max=120)])
    nationality = SelectField(_l("Nationality"), coerce=strict_optional_id, validators=[DataRequired()])
    seconding_state = SelectField(_l("Seconding state (professional staff)"), coerce=strict_optional_id)
    starts_on = DateField(_l("Start date"), validators=[DataRequired()])
    ends_on = DateField(
        _l("End date (blank: open-ended; three years for the Deputy)"), validators=[Optional()]
    )
    appointing_body = SelectField(_l("Appointing body (optional)"), coerce=strict_optional_id)
    decision_reference = StringField(_l("Decision reference"), validators=[Optional(), Length(max=80)])
    submit = SubmitField(_l("Save"))

    def fill_choices(self, language: str) -> None:
        """States by code and name in the reader's language, bodies by name; blank where optional."""
        states = db.session.scalars(select(State).where(State.kind == StateKind.STATE).order_by(State.code))
        state_choices = [SelectChoice(str(s.id), f"{s.code} · {s.name(language)}") for s in states]
        bodies = db.session.scalars(select(Body).order_by(Body.id))
        self.nationality.choices = [SelectChoice("", _l("— choose —")), *state_choices]
        self.seconding_state.choices = [SelectChoice("", _l("— none —")), *state_choices]
        self.appointing_body.choices = [
            SelectChoice("", _l("— none —")), *(SelectChoice(str(b.id), b.name(language)) for b in bodies)
        ]

    def to_data(self) -> StaffData:
        """The submitted values as the service takes them."""
        return StaffData(
            person_name=self.person_name.data or "",
            position=Position(self.position.data),
            nationality_id=self.nationality.data,
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            seconding_state_id=self.seconding_state.data,
            appointing_body_id=self.appointing_body.data,
            post_title=self.post_title.data or "",
            decision_reference=self.decision_reference.data or "",
        )


def initial_data(appointment: StaffAppointment | None) -> dict[str, Any] | None:
    """The form's values for an existing appointment (None for a new one)."""
    if appointment is None:
        return None
    return {
        "person_name": appointment.person_name,
        "position": appointment.position.value,
        "post_title": appointment.post_title,
        "nationality": appointment.nationality_id,
        "seconding_state": appointment.seconding_state_id,
        "starts_on": appointment.starts_on,
        "ends_on": appointment.ends_on,
        "appointing_body": appointment.appointing_body_id,
        "decision_reference": appointment.decision_reference,
    }
