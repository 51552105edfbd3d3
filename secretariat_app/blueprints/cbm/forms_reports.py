"""Forms of the activities and implementation reports. Field names match the
services' data, so that a broken rule lands under the field it names; the
rules themselves live in domain.cbm_reports and the services."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import (
    DateField, IntegerField, SelectChoice, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField,
)
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from secretariat_app.domain.cbm_reports import OUTCOME_MAX, REASON_MAX, SUMMARY_MAX, TITLE_MAX, VENUE_MAX
from secretariat_app.domain.cbm_status import ActivityState
from secretariat_app.extensions import db
from secretariat_app.labels import STATUS_LABELS
from secretariat_app.models.cbm import ActivityType, CbmActivity, CbmActivityReport, ReportStatus
from secretariat_app.models.states import State
from secretariat_app.services.cbm_activities import ActivityData
from secretariat_app.services.cbm_reports import ActivityReportData

ACTIVITY_TYPE_LABELS = {
    ActivityType.CONFERENCE: _l("conference"),
    ActivityType.SEMINAR: _l("seminar"),
    ActivityType.WORKSHOP: _l("workshop"),
    ActivityType.TRAINING: _l("training"),
    ActivityType.EXERCISE: _l("exercise"),
    ActivityType.PUBLICATION: _l("publication"),
    ActivityType.OTHER: _l("other"),
}
REPORT_STATUS_LABELS = {
    ReportStatus.DRAFT: _l("draft"),
    ReportStatus.SUBMITTED: _l("submitted"),
    ReportStatus.PUBLISHED: _l("published"),
}
ACTIVITY_STATE_LABELS = {
    ActivityState.PLANNED: _l("planned"),
    ActivityState.REPORTED: _l("reported"),
    ActivityState.LATE: _l("late"),
    ActivityState.MISSING: _l("missing"),
}


def optional_id(value: Any) -> int | None:
    """Coerce a select's value: the blank choice is None, anything else an id (garbage: None)."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def activity_type_or_none(value: Any) -> ActivityType | None:
    if isinstance(value, ActivityType):
        return value
    try:
        return ActivityType(value)
    except ValueError:
        return None


def state_choices(language: str, day: date, blank=None) -> list[SelectChoice]:
    """Every state, with its status on `day` when it is not a member; the services judge membership."""
    states = db.session.scalars(select(State).order_by(State.name_en))
    choices = [SelectChoice("", blank)] if blank is not None else []
    for state in states:
        status = state.status_on(day)
        suffix = "" if status is not None and status.value == "member" else \
            f" ({STATUS_LABELS[status] if status is not None else _l('no status')})"
        choices.append(SelectChoice(str(state.id), f"{state.name(language)}{suffix}"))
    return choices


class ActivityForm(FlaskForm):
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=TITLE_MAX)])
    title_ru = StringField(_l("Title in Russian"), validators=[Optional(), Length(max=TITLE_MAX)])
    activity_type = SelectField(_l("Type"), coerce=activity_type_or_none, validate_choice=False)
    planned_start = DateField(_l("Planned first day"), validators=[Optional()])
    planned_end = DateField(_l("Planned last day"), validators=[Optional()])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=VENUE_MAX)])
    host_state = SelectField(_l("Host state (optional)"), coerce=optional_id, validate_choice=False)
    responsible_state = SelectField(_l("Responsible state (a member state)"), coerce=optional_id,
                                    validate_choice=False)
    submit = SubmitField(_l("Save"))

    def fill_choices(self, language: str, today: date) -> None:
        self.activity_type.choices = [SelectChoice("", _l("— choose —")),
                                      *(SelectChoice(t.value, label) for t, label in ACTIVITY_TYPE_LABELS.items())]
        self.host_state.choices = state_choices(language, today, _l("— none —"))
        self.responsible_state.choices = state_choices(language, today, _l("— choose —"))

    def to_data(self) -> ActivityData:
        return ActivityData(title_en=self.title_en.data or "", title_ru=self.title_ru.data or "",
                            activity_type=self.activity_type.data, planned_start=self.planned_start.data,
                            planned_end=self.planned_end.data, venue=self.venue.data or "",
                            host_state_id=self.host_state.data, responsible_state_id=self.responsible_state.data)


def activity_initial(activity: CbmActivity | None) -> dict[str, Any]:
    if activity is None:
        return {}
    return {"title_en": activity.title_en, "title_ru": activity.title_ru,
            "activity_type": activity.activity_type.value, "planned_start": activity.planned_start,
            "planned_end": activity.planned_end, "venue": activity.venue, "host_state": activity.host_state_id,
            "responsible_state": activity.responsible_state_id}


class OpenReportForm(FlaskForm):
    year = IntegerField(_l("Reporting year"), validators=[Optional()])
    submit = SubmitField(_l("Open the annual report"))


class DueForm(FlaskForm):
    due_day = DateField(_l("Due by the end of (Astana time)"), validators=[Optional()])
    submit = SubmitField(_l("Save the due day"))


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Why is the report reopened?"), validators=[Optional(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("Reopen for correction"))


class SummaryForm(FlaskForm):
    summary_en = TextAreaField(_l("Summary in English"), validators=[Optional(), Length(max=SUMMARY_MAX)])
    summary_ru = TextAreaField(_l("Summary in Russian"), validators=[Optional(), Length(max=SUMMARY_MAX)])
    submit = SubmitField(_l("Save the summary"))


class ActivityReportForm(FlaskForm):
    held_on = DateField(_l("Held on (first day)"), validators=[Optional()])
    held_until = DateField(_l("Until (last day; blank for one day)"), validators=[Optional()])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=VENUE_MAX)])
    participating_states = SelectMultipleField(_l("Participating member states"), coerce=optional_id,
                                               validate_choice=False, widget=ListWidget(prefix_label=False),
                                               option_widget=CheckboxInput())
    # Text, not IntegerField: the rules say what is wrong with what was typed.
    participant_count = StringField(_l("Number of participants"), validators=[Optional(), Length(max=20)])
    outcome_en = TextAreaField(_l("Outcome in English"), validators=[Optional(), Length(max=OUTCOME_MAX)])
    outcome_ru = TextAreaField(_l("Outcome in Russian"), validators=[Optional(), Length(max=OUTCOME_MAX)])
    submit = SubmitField(_l("Save the activity report"))

    def fill_choices(self, language: str, states: list[State], chosen: list[State]) -> None:
        shown = {s.id: s for s in [*states, *chosen]}
        self.participating_states.choices = [SelectChoice(str(s.id), s.name(language))
                                             for s in sorted(shown.values(), key=lambda s: s.name(language))]

    def to_data(self) -> ActivityReportData:
        return ActivityReportData(
            held_on=self.held_on.data, held_until=self.held_until.data, venue=self.venue.data or "",
            participating_state_ids=[i for i in self.participating_states.data or [] if i is not None],
            participant_count=self.participant_count.data, outcome_en=self.outcome_en.data or "",
            outcome_ru=self.outcome_ru.data or "")


def activity_report_initial(row: CbmActivityReport | None, activity: CbmActivity) -> dict[str, Any]:
    if row is None:
        return {"held_on": activity.planned_start,
                "held_until": activity.planned_end if activity.planned_end != activity.planned_start else None,
                "venue": activity.venue}
    return {"held_on": row.held_on, "held_until": row.held_until, "venue": row.venue,
            "participating_states": [s.id for s in row.participating_states],
            "participant_count": str(row.participant_count), "outcome_en": row.outcome_en,
            "outcome_ru": row.outcome_ru}


class AttachmentForm(FlaskForm):
    file = FileField(_l("File (PDF, DOCX, XLSX, PPTX, ODT, ODS, RTF, TXT, PNG or JPEG)"))
    submit = SubmitField(_l("Attach"))
