"""Forms of the delegate's inbox: the filters (a GET form) and the
acknowledgement of receipt (a POST with its CSRF token)."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from secretariat_app.core.labels import DOCUMENT_TYPE_LABELS
from secretariat_app.documents.models import DocumentType
from secretariat_app.documents.services.inbox import (
    OTHER_LANGUAGE,
    READ,
    UNREAD,
    InboxFilters,
    filter_choices,
)

LANGUAGE_CHOICES = [
    SelectChoice("", _l("any language")),
    SelectChoice("en", _l("English")),
    SelectChoice("ru", _l("Russian")),
    SelectChoice(OTHER_LANGUAGE, _l("another (original) language")),
]
STATE_CHOICES = [
    SelectChoice("", _l("read and unread")),
    SelectChoice(UNREAD, _l("unread only")),
    SelectChoice(READ, _l("read only")),
]


def _optional_id(value: Any) -> int | None:
    if value in (None, ""):
        return None
    return int(value)


class OptionalSelectField(SelectField):
    """A select checked against its values only when one is chosen (an empty
    filter is no filter, and costs no "not a valid choice" raised and cleared)."""

    def pre_validate(self, form) -> None:
        if self.data not in (None, "") and str(self.data) not in {
                str(choice.value if isinstance(choice, SelectChoice) else choice[0]) for choice in self.choices}:
            raise ValidationError(self.gettext("Not a valid choice."))


class IdSelectField(OptionalSelectField):
    """A select of ids (there can be hundreds of meetings)."""


WORDS_MAX_LENGTH = 200  # characters of words to look for (the search's `q`)


def words_only(args) -> tuple[InboxFilters, dict[str, str]] | None:
    """The filters and paging arguments of a request that carries words to look for and
    nothing else (most searches), as InboxFilterForm would make them, without building it;
    None when it carries anything else, or words the form would refuse (too long)."""
    if not set(args) <= {"q", "page"} or len(args.getlist("q")) > 1:
        return None
    words = args.get("q", "")
    if len(words) > WORDS_MAX_LENGTH:
        return None
    return InboxFilters(search=words.strip()), ({"q": words} if words else {})


class InboxFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    q = StringField(_l("Words to look for"), validators=[Optional(), Length(max=WORDS_MAX_LENGTH)],
                    description=_l("In symbols, titles and the text of the documents, in English and Russian."))
    meeting = IdSelectField(_l("Meeting"), coerce=_optional_id, validators=[Optional()],
                            description=_l("Meetings of the year chosen, or of this year and the last."))
    body = IdSelectField(_l("Body"), coerce=_optional_id, validators=[Optional()])
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=1992, max=2100)])
    doc_type = OptionalSelectField(_l("Type"), validators=[Optional()],
                           choices=[SelectChoice("", _l("any type")),
                                    *(SelectChoice(t.value, label) for t, label in DOCUMENT_TYPE_LABELS.items())])
    language = OptionalSelectField(_l("Language"), choices=LANGUAGE_CHOICES, validators=[Optional()])
    state = OptionalSelectField(_l("Read"), choices=STATE_CHOICES, validators=[Optional()])

    def load_choices(self, language: str, today: date) -> InboxFilterForm:
        """Bodies and meetings as this process keeps them, current in every process (services.inbox.filter_choices)."""
        choices = filter_choices()
        self.body.choices = [("", _l("any body")),
                             *((str(id_), name_ru if language == "ru" else name_en)
                               for id_, name_en, name_ru in choices.bodies)]
        self.meeting.choices = [("", _l("any meeting")), *self._meetings(choices.meetings, language, today)]
        return self

    def _meetings(self, meetings, language: str, today: date) -> list[tuple[str, str]]:
        """The meetings of the chosen year, or of this year and the next and the last,
        newest first; and the chosen meeting, whenever it was."""
        year = self.year.data if isinstance(self.year.data, int) and 1992 <= self.year.data <= 2100 else None
        first, last = (year, year) if year else (today.year - 1, today.year + 1)
        chosen = self.meeting.data if isinstance(self.meeting.data, int) else None
        return [(str(m[0]), _meeting_label(m, language)) for m in meetings
                if first <= m[4].year <= last or m[0] == chosen]

    def options(self, name: str, language: str) -> list[tuple[str, str]]:
        """The (value, label) pairs of a select, as text: the page writes the
        options itself (fewer calls than WTForms' widgets). The fixed lists are
        translated once per language."""
        key = (name, language)
        if name in _FIXED and key in _OPTIONS:
            return _OPTIONS[key]
        options = [(str(value), str(label)) for value, label in
                   ((c.value, c.label) if isinstance(c, SelectChoice) else c for c in getattr(self, name).choices)]
        if name in _FIXED:
            _OPTIONS[key] = options
        return options

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
            state=self._value("state"),
        )

    def query_args(self) -> dict[str, str]:
        """The filters as they arrived, for the paging links."""
        return {name: str(getattr(self, name).raw_data[0]) for name in ("q", "meeting", "body", "year",
                                                                         "doc_type", "language", "state")
                if getattr(self, name).raw_data and getattr(self, name).raw_data[0] not in (None, "")}


_FIXED = ("doc_type", "language", "state")  # choices that depend on the language only
# Kept per process with no invalidation: enumerations and catalogues change only
# with a deployment, which restarts every process (bodies and meetings are not kept here).
_OPTIONS: dict[tuple[str, str], list[tuple[str, str]]] = {}


def _meeting_label(meeting, language: str) -> str:
    _, number, title_en, title_ru, when = meeting
    title = (title_ru if language == "ru" else title_en) or title_en
    return f"{when.year}-{when.month:02d} · {number}. {title}" if number else f"{when.year}-{when.month:02d} · {title}"


class AcknowledgeForm(FlaskForm):
    submit = SubmitField(_l("Acknowledge receipt on behalf of my delegation"))
