"""Documents as the API shows them: the inbox's rows, a document with its
language versions, an acknowledgement."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from secretariat_app.api.schemas.values import Id, Text
from secretariat_app.documents.models import DistributionLevel, DocumentStatus, DocumentType


class InboxQuery(BaseModel):
    """The inbox's filters (the page's), its words, and where a page starts."""

    model_config = ConfigDict(extra="forbid")  # a misspelt filter is an error, not ignored

    q: Text | None = Field(default=None, max_length=200,
                          description="Words to look for in symbols, titles and text, in English and Russian: "
                                      "the results are ranked, paged by `cursor` (at most 200).")
    meeting: Id | None = None
    body: Id | None = None
    year: int | None = Field(default=None, ge=1992, le=2100)
    doc_type: DocumentType | None = None
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}$|^other$",
                                 description="en, ru, another language's code, or `other` (any but en and ru).")
    state: Literal["read", "unread"] | None = None
    updated_since: AwareDatetime | None = Field(
        default=None, description="Synchronisation: only documents that reached the reader, or changed (a new "
                                  "language version, a status, a level), after this time, in the order of their ids; "
                                  "the latest `updated_at` of the rows is the time to give next.")
    cursor: Text | None = Field(default=None, max_length=100, description="The `next_cursor` of the previous page.")
    per_page: int = Field(default=50, ge=1, le=1000)


class FileOut(BaseModel):
    version_id: int
    language: str
    is_original: bool
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="The SHA-256 of the file, hex.")
    size: int
    content_type: str
    file_name: str
    uploaded_at: datetime
    download_url: str = Field(description="The API's address of the file (GET, with the same token).")


class InboxItem(BaseModel):
    id: int
    symbol: str
    title_en: str
    title_ru: str
    doc_type: DocumentType
    level: DistributionLevel
    status: DocumentStatus
    circulated_at: datetime | None = Field(description="When the document reached the reader's delegation "
                                                       "(or the reader by name).")
    unread: bool
    acknowledged: bool | None = Field(default=None, description="Whether the delegation acknowledged receipt "
                                                                "(absent from search results).")
    meeting_id: int | None = None
    languages: list[str] = Field(default_factory=list, description="The languages it has a version in.")
    updated_at: datetime | None = Field(default=None, description="The time of its latest change (with "
                                                                  "`updated_since`).")
    passage: str | None = Field(default=None, description="Where the words were found (with `q`).")
    files: list[FileOut] | None = Field(default=None, description="The latest file of each language, with its "
                                                                  "SHA-256 (with `updated_since`).")


class InboxPage(BaseModel):
    items: list[InboxItem]
    next_cursor: str | None = Field(description="Give it as `cursor` for the next page; null on the last.")


class DocumentOut(BaseModel):
    id: int
    symbol: str
    title_en: str
    title_ru: str
    doc_type: DocumentType
    level: DistributionLevel
    status: DocumentStatus
    status_reason: str
    meeting_id: int | None
    body: str = Field(description="The body's code (SOC, SWG, ...).")
    year: int
    circulated_at: datetime | None
    updated_at: datetime | None
    languages: list[FileOut] = Field(description="The latest version of each language.")
    versions: list[FileOut] = Field(description="Every version uploaded, oldest first.")
    related: list[int] = Field(description="The other documents of its lineage the reader may read.")
    acknowledged_at: datetime | None = Field(description="When the reader's delegation acknowledged receipt.")


class AcknowledgementOut(BaseModel):
    document_id: int
    acknowledged_at: datetime
    acknowledged_by: str | None
    new: bool = Field(description="False when the delegation had acknowledged receipt already.")
