"""Meetings and decisions as the API shows them."""
from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from secretariat_app.api.schemas.values import Text
from secretariat_app.decisions.models import DecisionStatus, Procedure
from secretariat_app.meetings.models import MeetingFormat, MeetingStatus


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt parameter is an error, not ignored

    cursor: Text | None = Field(default=None, max_length=100, description="The `next_cursor` of the previous page.")
    per_page: int = Field(default=50, ge=1, le=200)


class MeetingOut(BaseModel):
    id: int
    body: str = Field(description="The body's code (SOC, SWG, ...).")
    number: int | None
    title_en: str
    title_ru: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    city: str
    city_ru: str
    format: MeetingFormat
    status: MeetingStatus
    registration_deadline: datetime | None


class MeetingDetail(MeetingOut):
    documents: list[int] = Field(description="The ids of the meeting's documents the reader may read.")


class MeetingPage(BaseModel):
    items: list[MeetingOut]
    next_cursor: str | None


class DecisionOut(BaseModel):
    id: int
    reference: str
    body: str
    meeting_id: int | None
    procedure: Procedure
    status: DecisionStatus
    title_en: str
    title_ru: str
    adopted_on: date | None


class DecisionDetail(DecisionOut):
    text_en: str
    text_ru: str


class DecisionPage(BaseModel):
    items: list[DecisionOut]
    next_cursor: str | None


class TokenOwner(BaseModel):
    """Who a token acts for, and what it may do."""

    user_id: int
    name: str
    email: str
    delegation_id: int | None
    delegation: str | None = Field(description="The delegation's state, in English.")
    scopes: list[str]
    expires_at: datetime


class ParticipantIn(BaseModel):
    """A person the delegation registers for the meeting, as the meeting's page registers one."""

    model_config = ConfigDict(extra="forbid")

    name: Text = Field(min_length=1, max_length=120)
    function: Text = Field(default="", max_length=120, description="E.g. Head of delegation.")
    email: Text = Field(default="", max_length=254)


class ParticipantOut(BaseModel):
    id: int
    name: str
    function: str
    email: str
    registered_at: datetime


class ParticipantList(BaseModel):
    items: list[ParticipantOut]
    registration_open: bool = Field(description="Whether the delegation may still register or remove participants.")
