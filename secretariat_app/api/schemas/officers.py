"""What the Secretariat's systems send and get back: a new document, a language
version's file, a circulation, and where a document went."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from apiflask.fields import UploadFile
from pydantic import BaseModel, ConfigDict, Field, NaiveDatetime

from secretariat_app.api.schemas.values import Id, Text
from secretariat_app.documents.models import DistributionLevel, DocumentType, Originator
from secretariat_app.documents.services.circulation import Audience
from secretariat_app.meetings.models import DatePrecision, MeetingFormat


class DocumentIn(BaseModel):
    """A new draft, as the officers' form makes one: its symbol is the next of its body and year."""

    model_config = ConfigDict(extra="forbid")

    doc_type: DocumentType
    originator: Originator
    level: DistributionLevel
    title_en: Text = Field(default="", max_length=400)
    title_ru: Text = Field(default="", max_length=400)
    body_id: Id | None = Field(default=None, description="Blank: the meeting's body.")
    year: int | None = Field(default=None, ge=1992, le=2100, description="Blank: this year.")
    originator_delegation_id: Id | None = None
    meeting_id: Id | None = None
    agenda_item_id: Id | None = None


class VersionIn(BaseModel):
    """A language version's file (multipart/form-data)."""

    language: str = Field(pattern=r"^[a-z]{2}$", description="en, ru, or the original language's code.")
    is_original: bool = False
    file: UploadFile


class CirculationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    audience: Audience
    delegation_ids: list[Id] = Field(default_factory=list, max_length=200,
                                      description="With audience `delegations`.")
    user_ids: list[Id] = Field(default_factory=list, max_length=200, description="With audience `persons`.")


class RecipientOut(BaseModel):
    delegation_id: int
    delegation: str
    circulated_at: datetime
    acknowledged_at: datetime | None


class NamedOut(BaseModel):
    user_id: int
    name: str
    added_at: datetime


class CirculationOut(BaseModel):
    document_id: int
    status: str
    delegations: list[RecipientOut] = Field(description="Each recipient delegation, and its acknowledgement.")
    persons: list[NamedOut] = Field(description="The persons named (a RESTRICTED document).")


class MeetingIn(BaseModel):
    """A meeting as the officers' form schedules one; times are local wall-clock times in `timezone`."""

    model_config = ConfigDict(extra="forbid")

    body_id: Id
    title_en: Text = Field(max_length=200)
    title_ru: Text = Field(max_length=200)
    starts_at: NaiveDatetime = Field(description="Local time in `timezone`, without an offset.")
    ends_at: NaiveDatetime = Field(description="Local time in `timezone`, without an offset.")
    timezone: Text = Field(default="Asia/Almaty", max_length=64)
    number: int | None = Field(default=None, ge=1, le=10_000)
    city: Text = Field(default="", max_length=120)
    city_ru: Text = Field(default="", max_length=120)
    host_state_id: Id | None = None
    format: MeetingFormat = MeetingFormat.IN_PERSON
    registration_deadline: NaiveDatetime | None = None
    prepares_meeting_id: Id | None = None
    date_precision: DatePrecision = DatePrecision.DAY
    note: Text = Field(default="", max_length=5000)
    note_ru: Text = Field(default="", max_length=5000)
    invite_observers: bool = Field(default=False, description="On creation: observers' delegations are invited too.")


class MeetingStatusIn(BaseModel):
    """A change of status, as the officers' buttons make one."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["confirm", "postpone", "cancel", "held"]
    reason: Text = Field(default="", max_length=2000, description="Required to postpone or cancel.")
    reason_ru: Text = Field(default="", max_length=2000)
    decision_id: Id | None = None
    starts_at: NaiveDatetime | None = Field(default=None, description="Postponed to (local time), if known.")
    ends_at: NaiveDatetime | None = None
