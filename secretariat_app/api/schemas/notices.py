"""The notices that could not be sent, as the officers' failed notices page lists them."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class FailedNoticeOut(BaseModel):
    id: int
    kind: str = Field(description="The kind of notice (its code).")
    kind_label: str = Field(description="The kind, in words, in the request's language.")
    recipient_id: int
    recipient: str
    recipient_email: str
    subject_type: str
    subject_id: int
    subject: str | None = Field(description="What it is about, in words; none when that is gone.")
    due_at: datetime
    attempts: int
    last_error: str


class FailedNoticeList(BaseModel):
    items: list[FailedNoticeOut] = Field(description="The latest failed notices first (at most 500).")
    total: int = Field(description="How many notices have failed in all.")
