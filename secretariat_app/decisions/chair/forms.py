"""The form for one term of the chairmanship; the rules live in services.chair
and domain.chair_ledger."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    SelectChoice,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional

from secretariat_app.accounts.models.states import State, StateKind
from secretariat_app.core.forms import strict_optional_id
from secretariat_app.core.localisation import local_date
from secretariat_app.decisions.models import Chairmanship, Decision
from secretariat_app.decisions.services.chair import ChairmanshipData
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting


class ChairmanshipForm(FlaskForm):
    state = SelectField(_l("Chairing state"), coerce=strict_optional_id, validators=[DataRequired()])
    starts_on = DateField(_l("Start date"), validators=[DataRequired()])
    ends_on = DateField(_l("End date (inclusive; blank: open-ended, only for the latest term)"),
                        validators=[Optional()])
    year_precision = BooleanField(_l("Only the years are known (the ledger shows years)"))
    basis = TextAreaField(_l("Basis"), validators=[Optional()])
    basis_ru = TextAreaField(_l("Basis in Russian (optional; blank: as in English)"), validators=[Optional()])
    basis_decision = SelectField(_l("Basis: decision (optional)"), coerce=strict_optional_id)
    basis_meeting = SelectField(_l("Basis: meeting (optional)"), coerce=strict_optional_id)
    submit = SubmitField(_l("Save"))

    def fill_choices(self, language: str) -> None:
        states = db.session.scalars(select(State).where(State.kind == StateKind.STATE).order_by(State.code))
        self.state.choices = [SelectChoice("", _l("— choose —")),
                              *(SelectChoice(str(s.id), f"{s.code} · {s.name(language)}") for s in states)]
        decisions = db.session.scalars(select(Decision).order_by(Decision.reference))
        self.basis_decision.choices = [
            SelectChoice("", _l("— none —")),
            *(SelectChoice(str(d.id), f"{d.reference} · {d.title(language)}") for d in decisions),
        ]
        meetings = db.session.scalars(select(Meeting).order_by(Meeting.starts_at.desc()))
        self.basis_meeting.choices = [
            SelectChoice("", _l("— none —")),
            *(SelectChoice(str(m.id), f"{local_date(m.starts_at)} · {m.title(language)}") for m in meetings),
        ]

    def to_data(self) -> ChairmanshipData:
        return ChairmanshipData(
            state_id=self.state.data,
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            year_precision=bool(self.year_precision.data),
            basis=self.basis.data or "",
            basis_ru=self.basis_ru.data or "",
            basis_decision_id=self.basis_decision.data,
            basis_meeting_id=self.basis_meeting.data,
        )


def chair_initial(chairmanship: Chairmanship | None) -> dict[str, Any] | None:
    if chairmanship is None:
        return None
    return {
        "state": chairmanship.state_id,
        "starts_on": chairmanship.starts_on,
        "ends_on": chairmanship.ends_on,
        "year_precision": chairmanship.year_precision,
        "basis": chairmanship.basis,
        "basis_ru": chairmanship.basis_ru,
        "basis_decision": chairmanship.basis_decision_id,
        "basis_meeting": chairmanship.basis_meeting_id,
    }
