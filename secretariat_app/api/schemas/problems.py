"""The error body of every operation: RFC 9457 problem details."""
from __future__ import annotations

from pydantic import BaseModel, Field


class FieldError(BaseModel):
    field: str = Field(description="The parameter or field the message is about.")
    message: str


class Problem(BaseModel):
    """application/problem+json: the same message a page shows for the same refusal, in the
    language of Accept-Language."""

    type: str = "about:blank"
    title: str = Field(description="The status's reason phrase.")
    status: int
    detail: str = Field(description="What went wrong, in words a person reads.")
    errors: list[FieldError] | None = Field(default=None, description="Each invalid field, with its message.")
