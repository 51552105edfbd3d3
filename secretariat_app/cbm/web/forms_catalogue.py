"""Forms of the catalogue: areas, coordinating states and coordinator users.
Field names match the services' data, so that a broken rule lands under the
field it names; the rules live in services.cbm_catalogue."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.models.states import State, StateKind
from secretariat_app.cbm.models import CbmDimension, CoordinatorRole
from secretariat_app.cbm.services.catalogue import AppointmentData, AreaData
from secretariat_app.cbm.web.choices import (
    BLANK,
    decision_choices,
    enum_choices,
    enum_or_none,
    optional_id,
)
from secretariat_app.core.labels import COORDINATOR_ROLE_LABELS, STATUS_LABELS
from secretariat_app.core.localisation import by_name
from secretariat_app.extensions import db


class AreaForm(FlaskForm):
    dimension_id = SelectField(_l("Dimension"), coerce=optional_id, validate_choice=False)
    code = StringField(_l("Code (small Latin letters, digits, - or _; e.g. energy_security)"),
                       validators=[Optional(), Length(max=40)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    name_ru = StringField(_l("Name in Russian"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add the area"))

    def fill_choices(self, language: str) -> None:
        dimensions = db.session.scalars(select(CbmDimension).order_by(CbmDimension.position))
        self.dimension_id.choices = [SelectChoice("", BLANK),
                                     *(SelectChoice(str(d.id), d.name(language)) for d in dimensions)]

    def to_data(self) -> AreaData:
        return AreaData(dimension_id=self.dimension_id.data, code=self.code.data or "",
                        name_en=self.name_en.data or "", name_ru=self.name_ru.data or "")


class AreaNamesForm(FlaskForm):
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    name_ru = StringField(_l("Name in Russian"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save the names"))


class AppointmentForm(FlaskForm):
    state_id = SelectField(_l("State"), coerce=optional_id, validate_choice=False)
    role = SelectField(_l("Role"), coerce=enum_or_none(CoordinatorRole), validate_choice=False,
                       choices=enum_choices(COORDINATOR_ROLE_LABELS))
    term_start = DateField(_l("Term from"), validators=[Optional()])
    term_end = DateField(_l("Term until (blank: until the SOC decides otherwise)"), validators=[Optional()])
    decision_id = SelectField(_l("Appointed by the SOC decision"), coerce=optional_id, validate_choice=False)
    submit = SubmitField(_l("Record the appointment"))

    def fill_choices(self, language: str, day: date) -> None:
        """Every state with its status today; the service refuses one that is not a member on the term's start."""
        states = by_name(db.session.scalars(select(State).where(State.kind == StateKind.STATE)), language)
        choices = [SelectChoice("", BLANK)]
        for state in states:
            status = state.status_on(day)
            if not state.memberships:
                continue
            suffix = f" ({STATUS_LABELS[status]})" if status else ""
            choices.append(SelectChoice(str(state.id), f"{state.name(language)}{suffix}"))
        self.state_id.choices = choices
        self.decision_id.choices = decision_choices(language)

    def to_data(self) -> AppointmentData:
        return AppointmentData(state_id=self.state_id.data, role=self.role.data, term_start=self.term_start.data,
                               term_end=self.term_end.data, decision_id=self.decision_id.data)


class EndTermForm(FlaskForm):
    term_end = DateField(_l("Last day of the term"), validators=[Optional()])
    submit = SubmitField(_l("End the term"))


class CoordinatorUserForm(FlaskForm):
    user_id = SelectField(_l("User of a coordinating delegation"), coerce=optional_id, validate_choice=False)
    submit = SubmitField(_l("Make coordinator of this area"))

    def fill_choices(self, users: list[User], language: str) -> None:
        self.user_id.choices = [SelectChoice("", BLANK), *(
            SelectChoice(str(u.id), f"{u.name} · {u.delegation.name(language) if u.delegation else ''} · {u.email}")
            for u in users)]  # each has a delegation (eligible_users)
