"""Forms of the negotiation pages; the rules live in domain.negotiation_rules and the services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from secretariat_app.core.forms import optional_id
from secretariat_app.decisions.models import Procedure
from secretariat_app.domain import negotiation as rules
from secretariat_app.domain.negotiation_rules import JUSTIFICATION_MAX, REASON_MAX, WORDING_MAX

KIND_LABELS = {
    rules.REPLACE: _l("replace words (or the whole wording)"),
    rules.INSERT: _l("insert words"),
    rules.DELETE: _l("delete the paragraph"),
    rules.ADD_AFTER: _l("add a new paragraph after it"),
}
STATUS_LABELS = {
    rules.OPEN: _l("open"), rules.ACCEPTED: _l("accepted"), rules.DROPPED: _l("dropped"),
    rules.MERGED: _l("merged"), rules.LAPSED: _l("lapsed"), rules.WITHDRAWN: _l("withdrawn"),
}
POSITION_LABELS = {rules.AGREE: _l("agree"), rules.RESERVE: _l("reserve"), rules.OBJECT: _l("object")}
LANGUAGE_LABELS = {"en": _l("English"), "ru": _l("Russian")}
BY_NAME = _l("Show delegates the other delegations' positions by name (otherwise as counts)")
DECISION_LABELS = {"accept": _l("accepted"), "drop": _l("dropped"), "merge": _l("merged")}


def choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class StartForm(FlaskForm):
    draft_en = TextAreaField(_l("Draft in English"), validators=[DataRequired(), Length(max=200_000)],
                             render_kw={"rows": 14})
    draft_ru = TextAreaField(_l("Draft in Russian"), validators=[DataRequired(), Length(max=200_000)],
                             render_kw={"rows": 14})
    deadline = DateField(_l("Deadline for proposals (until the end of this day, in the forum's time zone)"),
                         validators=[Optional()])
    positions_by_name = BooleanField(BY_NAME)
    submit = SubmitField(_l("Start the negotiation"))


class SettingsForm(FlaskForm):
    deadline = DateField(_l("Deadline for proposals"), validators=[Optional()])
    positions_by_name = BooleanField(BY_NAME)
    submit = SubmitField(_l("Save"))


class ProposalForm(FlaskForm):
    delegation_id = SelectField(_l("For the delegation"), coerce=optional_id, validate_choice=False)
    kind = SelectField(_l("The amendment"), choices=choices(KIND_LABELS))
    language = SelectField(_l("Language of the proposal"), choices=choices(LANGUAGE_LABELS))
    target = TextAreaField(_l("Words replaced, or words after which to insert "
                              "(blank: the whole wording, or at the end)"),
                           validators=[Length(max=WORDING_MAX)], render_kw={"rows": 2})
    text = TextAreaField(_l("Proposed wording"), validators=[Length(max=WORDING_MAX)], render_kw={"rows": 4})
    justification = TextAreaField(_l("Justification (short)"), validators=[Length(max=JUSTIFICATION_MAX)],
                                  render_kw={"rows": 2})
    submit = SubmitField(_l("Propose"))


class TranslationForm(FlaskForm):
    target = TextAreaField(_l("Words replaced, or words after which to insert, in the translation"),
                           validators=[Length(max=WORDING_MAX)], render_kw={"rows": 2})
    text = TextAreaField(_l("Translated wording"), validators=[Length(max=WORDING_MAX)], render_kw={"rows": 4})
    submit = SubmitField(_l("Record the translation"))


class PositionForm(FlaskForm):
    position = SelectField(_l("Position"), choices=choices(POSITION_LABELS))
    submit = SubmitField(_l("State"))


class DecisionForm(FlaskForm):
    """Accept or drop one proposal, with the reason."""

    reason = StringField(_l("Why (recorded)"), validators=[Length(max=REASON_MAX)])
    submit = SubmitField(_l("Record"))


class MergeForm(FlaskForm):
    wording_en = TextAreaField(_l("Merged wording in English"), validators=[Length(max=WORDING_MAX)],
                               render_kw={"rows": 3})
    wording_ru = TextAreaField(_l("Merged wording in Russian"), validators=[Length(max=WORDING_MAX)],
                               render_kw={"rows": 3})
    reason = StringField(_l("Why (recorded)"), validators=[Length(max=REASON_MAX)])
    submit = SubmitField(_l("Merge the chosen proposals"))


class AdoptionForm(FlaskForm):
    procedure = SelectField(_l("Adopt"), choices=choices({Procedure.MEETING.value: _l("at a meeting"),
                                                          Procedure.SILENCE.value: _l("by the silence procedure")}))
    reference = StringField(_l("Reference (blank: the next free one)"), validators=[Length(max=40)])
    meeting_id = SelectField(_l("Meeting"), coerce=optional_id, validate_choice=False)
    adopted_on = DateField(_l("Adopted on (at a meeting)"), validators=[Optional()])
    silence_deadline = DateField(_l("Silence deadline (blank: two weeks)"), validators=[Optional()])
    submit = SubmitField(_l("Create the decision"))
