"""Forms of the decisions register; the rules themselves live in services.decisions
and domain.silence."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from sqlalchemy.orm import contains_eager
from wtforms import (
    DateField,
    Form,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from secretariat_app.accounts.models.people import Delegation
from secretariat_app.accounts.models.states import Body, State
from secretariat_app.core.forms import enum_or_none, optional_id
from secretariat_app.core.labels import STATUS_LABELS
from secretariat_app.core.localisation import by_name
from secretariat_app.decisions.models import Decision, DecisionStatus, Procedure
from secretariat_app.decisions.services.decisions import DecisionData, ObjectionData
from secretariat_app.documents.web.forms import body_choices, meeting_choices
from secretariat_app.extensions import db

DECISION_STATUS_LABELS = {
    DecisionStatus.DRAFT: _l("draft"),
    DecisionStatus.UNDER_SILENCE: _l("under silence"),
    DecisionStatus.ADOPTED: _l("adopted"),
    DecisionStatus.STOPPED: _l("stopped by an objection"),
}
PROCEDURE_LABELS = {
    Procedure.MEETING: _l("at a meeting"),
    Procedure.SILENCE: _l("by the silence procedure"),
}


optional_status = enum_or_none(DecisionStatus)


class FilterForm(Form):
    """The GET form above the register; unknown values are ignored, not errors."""

    body = SelectField(_l("Body"), coerce=optional_id, validate_choice=False)
    year = SelectField(_l("Year"), coerce=optional_id, validate_choice=False)
    status = SelectField(_l("Status"), coerce=optional_status, validate_choice=False)

    def fill_choices(self, language: str, years: list[int]) -> None:
        self.body.choices = body_choices(language, _l("all bodies"))
        self.year.choices = [SelectChoice("", _l("all years")), *(SelectChoice(str(y), str(y)) for y in years)]
        self.status.choices = [SelectChoice("", _l("all statuses")),
                               *(SelectChoice(s.value, DECISION_STATUS_LABELS[s]) for s in DecisionStatus)]


class DecisionForm(FlaskForm):
    body = SelectField(_l("Body"), coerce=optional_id, validators=[DataRequired()])
    reference = StringField(_l("Reference (blank: the next free one)"), validators=[Optional(), Length(max=40)])
    procedure = SelectField(_l("Taken"), choices=[SelectChoice(p.value, PROCEDURE_LABELS[p]) for p in Procedure],
                            validators=[DataRequired()])
    meeting = SelectField(_l("Meeting (optional; for silence: approved there subject to silence)"),
                          coerce=optional_id)
    adopted_on = DateField(_l("Adopted on (meeting decisions; blank while a draft)"), validators=[Optional()])
    title_en = StringField(_l("Title in English"), validators=[DataRequired(), Length(max=300)])
    title_ru = StringField(_l("Title in Russian"), validators=[DataRequired(), Length(max=300)])
    text_en = TextAreaField(_l("Text in English"), validators=[Optional()], render_kw={"lang": "en"})
    text_ru = TextAreaField(_l("Text in Russian"), validators=[Optional()])
    justifies_body = SelectField(_l("Justifies a departure from the rhythm of (optional)"), coerce=optional_id)
    justifies_year = IntegerField(_l("…for the meeting due in (year)"),
                                  validators=[Optional(), NumberRange(1992, 2100)])
    submit = SubmitField(_l("Save"))

    def fill_choices(self, language: str) -> None:
        self.body.choices = body_choices(language, _l("— choose —"))
        self.justifies_body.choices = body_choices(language, _l("— none —"))
        self.meeting.choices = meeting_choices(language, _l("— none —"))

    def to_data(self) -> DecisionData:
        return DecisionData(
            body_id=self.body.data,
            procedure=Procedure(self.procedure.data),
            title_en=self.title_en.data or "",
            title_ru=self.title_ru.data or "",
            reference=self.reference.data or "",
            text_en=self.text_en.data or "",
            text_ru=self.text_ru.data or "",
            meeting_id=self.meeting.data,
            adopted_on=self.adopted_on.data,
            justifies_body_id=self.justifies_body.data,
            justifies_year=self.justifies_year.data,
        )


def decision_initial(decision: Decision | None, body: Body | None = None,
                     reference: str = "") -> dict[str, Any]:
    """The form's values for an existing decision, or a new one of `body` with a proposed reference."""
    if decision is None:
        return {"body": body.id if body else None, "reference": reference, "procedure": Procedure.MEETING.value}
    return {
        "body": decision.body_id, "reference": decision.reference, "procedure": decision.procedure.value,
        "meeting": decision.meeting_id,
        "adopted_on": decision.adopted_on if decision.procedure == Procedure.MEETING else None,
        "title_en": decision.title_en, "title_ru": decision.title_ru,
        "text_en": decision.text_en, "text_ru": decision.text_ru,
        "justifies_body": decision.justifies_body_id, "justifies_year": decision.justifies_year,
    }


class CirculateForm(FlaskForm):
    deadline = DateField(_l("Deadline (silence can be broken until the end of this day)"),
                         validators=[DataRequired()])
    observers = SelectMultipleField(_l("Also to these observers, for information (optional)"), coerce=int,
                                    validate_choice=False)
    submit = SubmitField(_l("Circulate for silence"))

    def fill_choices(self, observers: list[Delegation], language: str) -> None:
        self.observers.choices = [SelectChoice(str(d.id), d.name(language)) for d in observers]


class BreakSilenceForm(FlaskForm):
    """A member delegation's written objection: its text, a file, or both."""

    text = TextAreaField(_l("Your delegation's objection"), validators=[Optional(), Length(max=20000)])
    file = FileField(_l("Or attach the note (PDF, DOCX, XLSX, PPTX, ODT, ODS, RTF, TXT, PNG or JPEG)"))
    submit = SubmitField(_l("Break silence"))


class ObjectionForm(FlaskForm):
    delegation = SelectField(_l("Delegation"), coerce=optional_id, validators=[DataRequired()])
    lodged_on = DateField(_l("Lodged on"), validators=[DataRequired()])
    text = TextAreaField(_l("Text of the objection"), validators=[Optional()])
    submit = SubmitField(_l("Record the objection"))

    def fill_choices(self, language: str, day) -> None:
        """Every delegation, with its status today; the service refuses those that are not members."""
        delegations = by_name(db.session.scalars(
            select(Delegation).join(State).options(contains_eager(Delegation.state))), language)
        choices = [SelectChoice("", _l("— choose —"))]
        for delegation in delegations:
            status = delegation.status_on(day)
            suffix = f" ({STATUS_LABELS[status]})" if status else ""
            choices.append(SelectChoice(str(delegation.id), f"{delegation.name(language)}{suffix}"))
        self.delegation.choices = choices

    def to_data(self) -> ObjectionData:
        return ObjectionData(delegation_id=self.delegation.data, lodged_on=self.lodged_on.data,
                             text=self.text.data or "")
