"""Forms of the activities and implementation reports. Field names match the
services' data, so that a broken rule lands under the field it names; the
rules themselves live in domain.cbm_reports and the services."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from secretariat_app.accounts.models.states import State
from secretariat_app.cbm.models import ActivityType, CbmActivity, CbmActivityReport
from secretariat_app.cbm.services.activities import ActivityData
from secretariat_app.cbm.services.reports import ActivityReportData
from secretariat_app.cbm.web.choices import (
    BLANK,
    enum_choices,
    enum_or_none,
    optional_id,
    state_choices,
)
from secretariat_app.core.labels import ACTIVITY_TYPE_LABELS
from secretariat_app.core.localisation import by_name
from secretariat_app.domain.cbm_reports import (
    OUTCOME_MAX,
    REASON_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    VENUE_MAX,
)


class ActivityForm(FlaskForm):
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=TITLE_MAX)])
    title_ru = StringField(_l("Title in Russian"), validators=[Optional(), Length(max=TITLE_MAX)])
    activity_type = SelectField(_l("Type"), coerce=enum_or_none(ActivityType), validate_choice=False)
    planned_start = DateField(_l("Planned first day"), validators=[Optional()])
    planned_end = DateField(_l("Planned last day"), validators=[Optional()])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=VENUE_MAX)])
    host_state = SelectField(_l("Host state (optional)"), coerce=optional_id, validate_choice=False)
    responsible_state = SelectField(_l("Responsible state (a member state)"), coerce=optional_id,
                                    validate_choice=False)
    submit = SubmitField(_l("Save"))

    def fill_choices(self, language: str, today: date) -> None:
        self.activity_type.choices = enum_choices(ACTIVITY_TYPE_LABELS, BLANK)
        self.host_state.choices = state_choices(language, today, _l("— none —"))
        self.responsible_state.choices = state_choices(language, today, BLANK)

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
    outcome_en = TextAreaField(_l("Outcome in English"), validators=[Optional(), Length(max=OUTCOME_MAX)],
                               render_kw={"lang": "en"})
    outcome_ru = TextAreaField(_l("Outcome in Russian"), validators=[Optional(), Length(max=OUTCOME_MAX)])
    submit = SubmitField(_l("Save the activity report"))

    def fill_choices(self, language: str, states: list[State], chosen: list[State]) -> None:
        shown = {s.id: s for s in [*states, *chosen]}
        self.participating_states.choices = [SelectChoice(str(s.id), s.name(language))
                                             for s in by_name(shown.values(), language)]

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
