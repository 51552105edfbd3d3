"""Forms of the delegate's inbox: the filters (a GET form) and the
acknowledgement of receipt (a POST with its CSRF token)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import and_, or_, select
from wtforms import IntegerField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from secretariat_app.extensions import db
from secretariat_app.models.documents import DistributionLevel, DocumentType
from secretariat_app.models.meetings import Meeting
from secretariat_app.models.states import Body
from secretariat_app.labels import DOCUMENT_TYPE_LABELS
from secretariat_app.services.inbox import OTHER_LANGUAGE, InboxFilters

LEVEL_LABELS = {
    DistributionLevel.GENERAL: _l("GENERAL"),
    DistributionLevel.LIMITED: _l("LIMITED"),
    DistributionLevel.RESTRICTED: _l("RESTRICTED"),
}
LANGUAGE_CHOICES = [
    SelectChoice("", _l("any language")),
    SelectChoice("en", _l("English")),
    SelectChoice("ru", _l("Russian")),
    SelectChoice(OTHER_LANGUAGE, _l("another (original) language")),
]


def _optional_id(value: Any) -> int | None:
    if value in (None, ""):
        return None
    return int(value)


class IdSelectField(SelectField):
    """A select of ids, checked against its values only when one is chosen
    (there can be hundreds of meetings)."""

    def pre_validate(self, form) -> None:
        if self.data is not None and str(self.data) not in {str(value) for value, _ in self.choices}:
            raise ValidationError(self.gettext("Not a valid choice."))


class InboxFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    q = StringField(_l("Symbol or title words"), validators=[Optional(), Length(max=200)])
    meeting = IdSelectField(_l("Meeting"), coerce=_optional_id, validators=[Optional()],
                            description=_l("Meetings of the year chosen, or of this year and the last."))
    body = IdSelectField(_l("Body"), coerce=_optional_id, validators=[Optional()])
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=1992, max=2100)])
    doc_type = SelectField(_l("Type"), validators=[Optional()],
                           choices=[SelectChoice("", _l("any type")),
                                    *(SelectChoice(t.value, label) for t, label in DOCUMENT_TYPE_LABELS.items())])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, validators=[Optional()])

    def load_choices(self, language: str, today: date) -> InboxFilterForm:
        bodies = db.session.execute(select(Body.id, Body.name_en, Body.name_ru).order_by(Body.id))
        self.body.choices = [("", _l("any body")),
                             *((str(b.id), b.name_ru if language == "ru" else b.name_en) for b in bodies)]
        self.meeting.choices = [("", _l("any meeting")), *self._meetings(language, today)]
        return self

    def _meetings(self, language: str, today: date) -> list[tuple[str, str]]:
        """The meetings of the chosen year, or of this year and the last, newest
        first; and the chosen meeting, whenever it was. The archive holds hundreds."""
        year = self.year.data if isinstance(self.year.data, int) and 1992 <= self.year.data <= 2100 else None
        first, last = (year, year) if year else (today.year - 1, today.year + 1)
        in_years = and_(Meeting.starts_at >= datetime(first, 1, 1, tzinfo=timezone.utc),
                        Meeting.starts_at < datetime(last + 1, 1, 1, tzinfo=timezone.utc))
        chosen = self.meeting.data if isinstance(self.meeting.data, int) else None
        meetings = db.session.execute(
            select(Meeting.id, Meeting.number, Meeting.title_en, Meeting.title_ru, Meeting.starts_at)
            .where(or_(in_years, Meeting.id == chosen) if chosen is not None else in_years)
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        )
        return [(str(m.id), _meeting_label(m, language)) for m in meetings]

    def _value(self, name: str):
        field = getattr(self, name)
        return None if field.errors or field.data in (None, "") else field.data

    def to_filters(self) -> InboxFilters:
        """The filters whose values are valid (an invalid one is shown and ignored)."""
        doc_type = self._value("doc_type")
        return InboxFilters(
            meeting_id=self._value("meeting"),
            body_id=self._value("body"),
            year=self._value("year"),
            doc_type=DocumentType(doc_type) if doc_type else None,
            language=self._value("language"),
            search=(self._value("q") or "").strip(),
        )

    def query_args(self) -> dict[str, str]:
        """The filters as they arrived, for the paging links."""
        return {name: str(getattr(self, name).raw_data[0]) for name in ("q", "meeting", "body", "year",
                                                                         "doc_type", "language")
                if getattr(self, name).raw_data and getattr(self, name).raw_data[0] not in (None, "")}


def _meeting_label(meeting, language: str) -> str:
    title = (meeting.title_ru if language == "ru" else meeting.title_en) or meeting.title_en
    when = meeting.starts_at
    return f"{when.year}-{when.month:02d} · {meeting.number}. {title}" if meeting.number else \
        f"{when.year}-{when.month:02d} · {title}"


class AcknowledgeForm(FlaskForm):
    submit = SubmitField(_l("Acknowledge receipt on behalf of my delegation"))
