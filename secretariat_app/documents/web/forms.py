"""Forms of the clearing house. Field names match the services' data, so that a
broken rule lands under the field it names; the rules live in the services."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from sqlalchemy.orm import contains_eager
from wtforms import (
    BooleanField,
    Form,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.accounts.models.states import Body, State
from secretariat_app.core.forms import enum_or_none, optional_id
from secretariat_app.core.forum_time import forum_today
from secretariat_app.core.labels import DOCUMENT_STATUS_LABELS, DOCUMENT_TYPE_LABELS
from secretariat_app.core.localisation import by_name, local_date
from secretariat_app.documents.models import (
    DistributionLevel,
    Document,
    DocumentStatus,
    DocumentType,
    Originator,
    VersionKind,
)
from secretariat_app.documents.services.archive import ArchiveFilter
from secretariat_app.documents.services.circulation import Audience, CirculationData
from secretariat_app.documents.services.documents import DocumentData, LaterVersionData
from secretariat_app.documents.services.versions import UploadData
from secretariat_app.extensions import db
from secretariat_app.meetings.models import AgendaItem, Meeting

ORIGINATOR_LABELS = {
    Originator.SECRETARIAT: _l("the Secretariat"),
    Originator.CHAIR: _l("the Chair"),
    Originator.DELEGATION: _l("a delegation"),
    Originator.COORDINATOR: _l("a coordinator"),
    Originator.ORGANISATION: _l("an organisation"),
}
LEVEL_LABELS = {
    DistributionLevel.GENERAL: _l("GENERAL (anyone with an account)"),
    DistributionLevel.LIMITED: _l("LIMITED (member delegations)"),
    DistributionLevel.RESTRICTED: _l("RESTRICTED (named recipients only)"),
}
KIND_LABELS = {
    VersionKind.REV: _l("revision (Rev., replaces the document)"),
    VersionKind.CORR: _l("corrigendum (Corr., corrects it)"),
    VersionKind.ADD: _l("addendum (Add., adds to it)"),
}
AUDIENCE_LABELS = {
    Audience.MEMBERS: _l("all member delegations (members today)"),
    Audience.MEMBERS_AND_OBSERVERS: _l("members' and observers' delegations"),
    Audience.MEETING: _l("the delegations invited to the document's meeting"),
    Audience.DELEGATIONS: _l("the delegations chosen below"),
    Audience.PERSONS: _l("the persons chosen below (RESTRICTED documents only)"),
}
LANGUAGE_CHOICES = (("en", _l("English")), ("ru", _l("Russian")), ("other", _l("another language (code below)")))


def enum_choices(labels: dict, blank=None) -> list[SelectChoice]:
    choices = [SelectChoice(member.value, label) for member, label in labels.items()]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


def body_choices(language: str, blank) -> list[SelectChoice]:
    bodies = db.session.scalars(select(Body).order_by(Body.id))
    return [SelectChoice("", blank), *(SelectChoice(str(b.id), b.name(language)) for b in bodies)]


def meeting_choices(language: str, blank) -> list[SelectChoice]:
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.starts_at.desc()))
    return [SelectChoice("", blank),
            *(SelectChoice(str(m.id), f"{local_date(m.starts_at)} · {m.title(language)}") for m in meetings)]


def delegation_choices(language: str) -> list[SelectChoice]:
    delegations = by_name(db.session.scalars(select(Delegation).join(State).options(contains_eager(Delegation.state))),
                          language)
    return [SelectChoice(str(d.id), d.name(language)) for d in delegations]


class ArchiveFilterForm(Form):
    """The GET form above the archive; unknown values are ignored, not errors."""

    q = StringField(_l("Symbol or title words (English or Russian)"), validators=[Optional(), Length(max=200)])
    body = SelectField(_l("Body"), coerce=optional_id, validate_choice=False)
    year = SelectField(_l("Year"), coerce=optional_id, validate_choice=False)
    doc_type = SelectField(_l("Type"), coerce=enum_or_none(DocumentType), validate_choice=False)
    status = SelectField(_l("Status"), coerce=enum_or_none(DocumentStatus), validate_choice=False)
    level = SelectField(_l("Distribution"), coerce=enum_or_none(DistributionLevel), validate_choice=False)
    meeting = SelectField(_l("Meeting"), coerce=optional_id, validate_choice=False)

    def fill_choices(self, language: str, years: list[int]) -> None:
        self.body.choices = body_choices(language, _l("all bodies"))
        self.year.choices = [SelectChoice("", _l("all years")), *(SelectChoice(str(y), str(y)) for y in years)]
        self.doc_type.choices = enum_choices(DOCUMENT_TYPE_LABELS, _l("all types"))
        self.status.choices = enum_choices(DOCUMENT_STATUS_LABELS, _l("all statuses"))
        self.level.choices = enum_choices(LEVEL_LABELS, _l("all levels"))
        self.meeting.choices = meeting_choices(language, _l("all meetings"))

    def to_filter(self) -> ArchiveFilter:
        return ArchiveFilter(q=(self.q.data or "").strip()[:200], body_id=self.body.data, year=self.year.data,
                             doc_type=self.doc_type.data, status=self.status.data, level=self.level.data,
                             meeting_id=self.meeting.data)


class DocumentForm(FlaskForm):
    body_id = SelectField(_l("Body (blank: the meeting's)"), coerce=optional_id, validate_choice=False)
    year = IntegerField(_l("Year"), validators=[Optional()])
    doc_type = SelectField(_l("Type"), coerce=enum_or_none(DocumentType), validate_choice=False)
    originator = SelectField(_l("Originator"), coerce=enum_or_none(Originator), validate_choice=False)
    originator_delegation_id = SelectField(_l("Originating delegation (a delegation, coordinator or organisation)"),
                                           coerce=optional_id, validate_choice=False)
    meeting_id = SelectField(_l("Meeting"), coerce=optional_id, validate_choice=False)
    agenda_item_id = SelectField(_l("Agenda item (of that meeting)"), coerce=optional_id, validate_choice=False)
    level = SelectField(_l("Distribution level"), coerce=enum_or_none(DistributionLevel), validate_choice=False)
    title_en = StringField(_l("Title (English)"))
    title_ru = StringField(_l("Title (Russian)"))
    submit = SubmitField(_l("Save"))

    def fill_choices(self, language: str, document: Document | None) -> None:
        if document is not None:  # body and year are part of the symbol
            del self.body_id
            del self.year
        else:
            self.body_id.choices = body_choices(language, _l("— the meeting's —"))
        self.doc_type.choices = enum_choices(DOCUMENT_TYPE_LABELS)
        self.originator.choices = enum_choices(ORIGINATOR_LABELS)
        self.originator_delegation_id.choices = [SelectChoice("", _l("— none —")), *delegation_choices(language)]
        self.meeting_id.choices = meeting_choices(language, _l("— none —"))
        items = db.session.execute(select(AgendaItem, Meeting).join(Meeting, AgendaItem.meeting_id == Meeting.id)
                                   .order_by(Meeting.starts_at.desc(), AgendaItem.position)).all()
        self.agenda_item_id.choices = [SelectChoice("", _l("— none —")), *(
            SelectChoice(str(item.id), f"{meeting.title(language)} · {item.position}. {item.title(language)}")
            for item, meeting in items)]
        self.level.choices = enum_choices(LEVEL_LABELS)

    def to_data(self) -> DocumentData:
        body = getattr(self, "body_id", None)
        year = getattr(self, "year", None)
        return DocumentData(
            doc_type=self.doc_type.data, originator=self.originator.data, level=self.level.data,
            title_en=self.title_en.data or "", title_ru=self.title_ru.data or "",
            body_id=body.data if body is not None else None, year=year.data if year is not None else None,
            originator_delegation_id=self.originator_delegation_id.data,
            meeting_id=self.meeting_id.data, agenda_item_id=self.agenda_item_id.data,
        )


def document_initial(document: Document | None, meeting: Meeting | None = None) -> dict[str, Any]:
    if document is None:
        return {"year": forum_today().year, "meeting_id": meeting.id if meeting else None,
                "doc_type": DocumentType.OTHER, "originator": Originator.SECRETARIAT,
                "level": DistributionLevel.GENERAL}
    return {"doc_type": document.doc_type, "originator": document.originator, "level": document.level,
            "originator_delegation_id": document.originator_delegation_id, "meeting_id": document.meeting_id,
            "agenda_item_id": document.agenda_item_id, "title_en": document.title_en, "title_ru": document.title_ru}


class LaterVersionForm(FlaskForm):
    kind = SelectField(_l("Kind"), coerce=enum_or_none(VersionKind), validate_choice=False)
    number = IntegerField(_l("Number (blank: the next free one)"), validators=[Optional()])
    title_en = StringField(_l("Title (English; blank: the original's)"))
    title_ru = StringField(_l("Title (Russian; blank: the original's)"))
    level = SelectField(_l("Distribution level"), coerce=enum_or_none(DistributionLevel), validate_choice=False)
    submit = SubmitField(_l("Create the draft"))

    def fill_choices(self) -> None:
        self.kind.choices = enum_choices(KIND_LABELS)
        self.level.choices = enum_choices(LEVEL_LABELS)

    def to_data(self) -> LaterVersionData:
        return LaterVersionData(kind=self.kind.data, number=self.number.data, title_en=self.title_en.data or "",
                                title_ru=self.title_ru.data or "", level=self.level.data)


class UploadForm(FlaskForm):
    language = SelectField(_l("Language"), choices=[SelectChoice(v, label) for v, label in LANGUAGE_CHOICES])
    other_language = StringField(_l("Code of another original language (ISO 639-1, two letters)"),
                                 validators=[Optional(), Length(max=8)])
    is_original = BooleanField(_l("This is the original language of the document"))
    file = FileField(_l("File (PDF, DOCX, XLSX, PPTX, ODT, ODS, RTF, TXT, PNG or JPEG)"))
    submit = SubmitField(_l("Upload"))

    def to_data(self) -> UploadData:
        language = self.other_language.data if self.language.data == "other" else self.language.data
        upload = self.file.data
        stream = upload.stream if upload is not None and hasattr(upload, "stream") and upload.filename else None
        return UploadData(language=language or "", stream=stream, is_original=bool(self.is_original.data),
                          filename=upload.filename if stream is not None else None)


class CirculateForm(FlaskForm):
    audience = RadioField(_l("Circulate to"), coerce=enum_or_none(Audience), validate_choice=False)
    delegation_ids = SelectMultipleField(_l("Delegations"), coerce=optional_id, validate_choice=False)
    user_ids = SelectMultipleField(_l("Persons"), coerce=optional_id, validate_choice=False)
    submit = SubmitField(_l("Circulate"))

    def fill_choices(self, language: str) -> None:
        self.audience.choices = enum_choices(AUDIENCE_LABELS)
        self.delegation_ids.choices = delegation_choices(language)
        users = db.session.execute(select(User, Delegation).join(Delegation, User.delegation_id == Delegation.id)
                                   .where(User.active.is_(True)).order_by(User.name)).all()
        self.user_ids.choices = [SelectChoice(str(u.id), f"{u.name} · {d.name(language)}") for u, d in users]

    def to_data(self) -> CirculationData:
        return CirculationData(audience=self.audience.data,
                               delegation_ids=[i for i in self.delegation_ids.data or [] if i is not None],
                               user_ids=[i for i in self.user_ids.data or [] if i is not None])


class DerestrictForm(FlaskForm):
    level = SelectField(_l("New distribution level"), coerce=enum_or_none(DistributionLevel),
                        validate_choice=False)
    submit = SubmitField(_l("Derestrict"))

    def fill_choices(self, document: Document) -> None:
        wider = list(DistributionLevel)[:list(DistributionLevel).index(document.level)]
        self.level.choices = [SelectChoice(level.value, LEVEL_LABELS[level]) for level in wider]


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the withdrawal"), validators=[Optional(), Length(max=2000)])
    reason_ru = TextAreaField(_l("Reason in Russian (optional; blank: as in English)"),
                              validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Withdraw the document"))
