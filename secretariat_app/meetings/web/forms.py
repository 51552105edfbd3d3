"""Forms of the meetings calendar. Field names match the service's data, so
that a broken rule lands under the field it names; the rules live in the services."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from secretariat_app.accounts.models.states import Body, State
from secretariat_app.core.forms import strict_optional_id
from secretariat_app.core.labels import BODY_LABELS
from secretariat_app.core.localisation import by_name, local_date, timezone_choices
from secretariat_app.decisions.models import Decision
from secretariat_app.domain import meeting_rules as rules
from secretariat_app.domain import reminders as reminder_rules
from secretariat_app.extensions import db
from secretariat_app.meetings.models import (
    DatePrecision,
    Meeting,
    MeetingFormat,
    MeetingStatus,
)
from secretariat_app.meetings.services.agenda import AgendaItemData
from secretariat_app.meetings.services.invitations import ParticipantData
from secretariat_app.meetings.services.meetings import SOC, MeetingData
from secretariat_app.meetings.services.status import PostponeData

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
STATUS_LABELS = {
    MeetingStatus.PLANNED: _l("planned"),
    MeetingStatus.CONFIRMED: _l("confirmed"),
    MeetingStatus.HELD: _l("held"),
    MeetingStatus.POSTPONED: _l("postponed"),
    MeetingStatus.CANCELLED: _l("cancelled"),
}
FORMAT_LABELS = {
    MeetingFormat.IN_PERSON: _l("in person"),
    MeetingFormat.ONLINE: _l("online"),
    MeetingFormat.HYBRID: _l("hybrid"),
}
PRECISION_LABELS = {
    DatePrecision.DAY: _l("exact date and time"),
    DatePrecision.MONTH: _l("month only (historical record)"),
}


def local_time_field(label, required: bool = True) -> DateTimeLocalField:
    validators = [DataRequired()] if required else [Optional()]
    return DateTimeLocalField(label, format=LOCAL_FORMATS, validators=validators)


def whole_days(form, field) -> None:
    """The reminder offsets parse as whole numbers; their range is the service's rule."""
    try:
        reminder_rules.parse_offsets(field.data)
    except ValueError:
        raise ValidationError(_l("Give whole numbers of days, separated by commas.")) from None


def _decision_choices() -> list[SelectChoice]:
    decisions = db.session.scalars(select(Decision).order_by(Decision.reference.desc()))
    return [SelectChoice("", _l("— none —")), *(SelectChoice(str(d.id), d.reference) for d in decisions)]


class MeetingForm(FlaskForm):
    body_id = SelectField(_l("Body"), coerce=strict_optional_id, validate_choice=False)
    number = IntegerField(_l("Number (Summit, MFA)"), validators=[Optional()])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=rules.TITLE_MAX)])
    title_ru = StringField(_l("Title (Russian)"), validators=[Length(max=rules.TITLE_MAX)])
    timezone = SelectField(_l("Time zone of the meeting"), default="Asia/Almaty", validate_choice=False)
    starts_at = local_time_field(_l("Starts (local time of the meeting)"))
    ends_at = local_time_field(_l("Ends (local time of the meeting)"))
    date_precision = SelectField(
        _l("Date known"), choices=[SelectChoice(p.value, PRECISION_LABELS[p]) for p in DatePrecision],
        default=DatePrecision.DAY.value,
    )
    city = StringField(_l("City"), validators=[Optional(), Length(max=rules.CITY_MAX)])
    city_ru = StringField(_l("City in Russian (optional; blank: as in English)"),
                          validators=[Optional(), Length(max=rules.CITY_MAX)])
    host_state_id = SelectField(_l("Host state"), coerce=strict_optional_id, validate_choice=False)
    format = SelectField(_l("Format"), choices=[SelectChoice(f.value, FORMAT_LABELS[f]) for f in MeetingFormat],
                         default=MeetingFormat.IN_PERSON.value)
    registration_deadline = local_time_field(_l("Registration deadline (local time, optional)"), required=False)
    prepares_meeting_id = SelectField(_l("Prepares the SOC (SWG sessions only)"), coerce=strict_optional_id,
                                      validate_choice=False)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    note_ru = TextAreaField(_l("Note in Russian (optional; blank: as in English)"),
                            validators=[Optional(), Length(max=2000)])
    reminder_offsets = StringField(_l("Reminders, in days before the start (blank: the body's defaults)"),
                                   validators=[Optional(), Length(max=100), whole_days])
    invite_observers = BooleanField(_l("Invite the observers' delegations too"))
    submit = SubmitField(_l("Save"))

    def fill_choices(self, language: str, meeting: Meeting | None) -> None:
        bodies = db.session.scalars(select(Body).order_by(Body.id))
        self.body_id.choices = [SelectChoice("", _l("— choose —")),
                                *(SelectChoice(str(b.id), b.name(language)) for b in bodies)]
        self.timezone.choices = timezone_choices()
        states = by_name(db.session.scalars(select(State)), language)
        self.host_state_id.choices = [SelectChoice("", _l("— none —")),
                                      *(SelectChoice(str(s.id), s.name(language)) for s in states)]
        socs = db.session.scalars(select(Meeting).join(Body).where(Body.code == SOC).order_by(Meeting.starts_at.desc()))
        self.prepares_meeting_id.choices = [
            SelectChoice("", _l("— none —")),
            *(SelectChoice(str(m.id), f"{local_date(rules.local_day(m.starts_at, m.timezone))} · {m.title(language)}")
              for m in socs),
        ]
        self.reminder_offsets.description = "; ".join(
            f"{BODY_LABELS.get(code, code)}: {', '.join(str(n) for n in days)}"
            for code, days in reminder_rules.DEFAULT_OFFSETS.items()) + "."
        if meeting is not None:
            del self.invite_observers  # invitations of an existing meeting are managed on their own page

    def to_data(self) -> MeetingData:
        return MeetingData(
            body_id=self.body_id.data,
            number=self.number.data,
            title_en=self.title_en.data or "",
            title_ru=self.title_ru.data or "",
            timezone=self.timezone.data or "",
            starts_at=self.starts_at.data,
            ends_at=self.ends_at.data,
            date_precision=DatePrecision(self.date_precision.data),
            city=self.city.data or "",
            city_ru=self.city_ru.data or "",
            host_state_id=self.host_state_id.data,
            format=MeetingFormat(self.format.data),
            registration_deadline=self.registration_deadline.data,
            prepares_meeting_id=self.prepares_meeting_id.data,
            note=self.note.data or "",
            note_ru=self.note_ru.data or "",
            invite_observers=bool(getattr(self, "invite_observers", None) and self.invite_observers.data),
            reminder_offsets=reminder_rules.parse_offsets(self.reminder_offsets.data),
        )


def initial_data(meeting: Meeting) -> dict[str, Any]:
    """The form's values for an existing meeting, times in its own zone."""
    return {
        "body_id": meeting.body_id,
        "number": meeting.number,
        "title_en": meeting.title_en,
        "title_ru": meeting.title_ru,
        "timezone": meeting.timezone,
        "starts_at": rules.to_local(meeting.starts_at, meeting.timezone),
        "ends_at": rules.to_local(meeting.ends_at, meeting.timezone),
        "date_precision": meeting.date_precision.value,
        "city": meeting.city,
        "city_ru": meeting.city_ru,
        "host_state_id": meeting.host_state_id,
        "format": meeting.format.value,
        "registration_deadline": rules.to_local(meeting.registration_deadline, meeting.timezone),
        "prepares_meeting_id": meeting.prepares_meeting_id,
        "note": meeting.note,
        "note_ru": meeting.note_ru,
        "reminder_offsets": reminder_rules.format_offsets(meeting.reminder_offsets),
    }


REASON_RU_LABEL = _l("Reason in Russian (optional; blank: as in English)")


class PostponeForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    reason_ru = TextAreaField(REASON_RU_LABEL, validators=[Optional(), Length(max=2000)])
    starts_at = local_time_field(_l("New start (local time; blank if not yet known)"), required=False)
    ends_at = local_time_field(_l("New end (local time; blank keeps the length)"), required=False)
    decision_id = SelectField(_l("Decision (optional)"), coerce=strict_optional_id, validate_choice=False)
    submit = SubmitField(_l("Postpone the meeting"))

    def fill_choices(self) -> None:
        self.decision_id.choices = _decision_choices()

    def to_data(self) -> PostponeData:
        return PostponeData(reason=self.reason.data or "", starts_at=self.starts_at.data,
                            ends_at=self.ends_at.data, decision_id=self.decision_id.data,
                            reason_ru=self.reason_ru.data or "")


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    reason_ru = TextAreaField(REASON_RU_LABEL, validators=[Optional(), Length(max=2000)])
    decision_id = SelectField(_l("Decision (optional)"), coerce=strict_optional_id, validate_choice=False)
    submit = SubmitField(_l("Cancel the meeting"))

    def fill_choices(self) -> None:
        self.decision_id.choices = _decision_choices()


class AgendaItemForm(FlaskForm):
    title_en = StringField(_l("Item (English)"), validators=[DataRequired(), Length(max=rules.AGENDA_TITLE_MAX)])
    title_ru = StringField(_l("Item (Russian)"), validators=[DataRequired(), Length(max=rules.AGENDA_TITLE_MAX)])
    submit = SubmitField(_l("Save the item"))

    def to_data(self) -> AgendaItemData:
        return AgendaItemData(title_en=self.title_en.data or "", title_ru=self.title_ru.data or "")


class InvitationForm(FlaskForm):
    delegation_id = SelectField(_l("Delegation"), coerce=strict_optional_id, validate_choice=False,
                                validators=[DataRequired()])
    submit = SubmitField(_l("Invite"))


class ParticipantForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    function = StringField(_l("Function (e.g. Head of delegation)"), validators=[Optional(), Length(max=120)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    submit = SubmitField(_l("Register"))

    def to_data(self) -> ParticipantData:
        return ParticipantData(name=self.name.data or "", function=self.function.data or "",
                               email=self.email.data or "")


class CalendarFilterForm(FlaskForm):
    """The filters of the calendar page (GET, no CSRF)."""

    class Meta:
        csrf = False

    body = SelectField(_l("Body"), coerce=strict_optional_id, validate_choice=False)
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=1990, max=2100)])

    def fill_choices(self, language: str) -> None:
        bodies = db.session.scalars(select(Body).order_by(Body.id))
        self.body.choices = [SelectChoice("", _l("— all bodies —")),
                             *(SelectChoice(str(b.id), b.name(language)) for b in bodies)]
