"""A CBM coordinator's areas, activities and annual reports as the API shows them, and
what a coordinator sends: an activity, the year of a report to open, a report's summary,
what happened at an activity, a file to attach to that."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from apiflask.fields import UploadFile
from pydantic import BaseModel, ConfigDict, Field, StrictInt, WithJsonSchema

from secretariat_app.api.schemas.values import Id, Text
from secretariat_app.cbm.models import ActivityType, PaperStatus, ReportStatus
from secretariat_app.domain.cbm_reports import OUTCOME_MAX, SUMMARY_MAX, TITLE_MAX, VENUE_MAX


class AreaOut(BaseModel):
    id: int
    code: str
    name_en: str
    name_ru: str


class AreaList(BaseModel):
    items: list[AreaOut]


class ActivityOut(BaseModel):
    id: int
    action_plan_id: int
    title_en: str
    title_ru: str
    activity_type: ActivityType
    planned_start: date
    planned_end: date
    venue: str
    host_state_id: int | None
    responsible_state_id: int
    reported: bool = Field(description="Whether its implementation is reported (it can no longer change).")


class PlanOut(BaseModel):
    id: int
    status: PaperStatus
    period_start: date | None
    period_end: date | None
    activities: list[ActivityOut]


class ReportOut(BaseModel):
    id: int
    area_id: int
    year: int
    status: ReportStatus
    due_at: datetime
    submitted_at: datetime | None


class AreaDetail(AreaOut):
    plans: list[PlanOut] = Field(description="The area's action plans, the latest first, with their activities.")
    reports: list[ReportOut] = Field(description="The area's annual reports, the latest year first.")
    proposed_year: int | None = Field(description="A year an approved plan covers with no report yet.")


class ReportLineOut(BaseModel):
    activity_id: int
    state: str = Field(description="Where the activity stands in the report.")
    activity_report_id: int | None
    held_on: date | None
    participant_count: int | None
    outcome_en: str | None
    outcome_ru: str | None


class ReportDetail(ReportOut):
    summary_en: str
    summary_ru: str
    lines: list[ReportLineOut]


class ActivityIn(BaseModel):
    """A planned activity, as the activity form plans one."""

    model_config = ConfigDict(extra="forbid")

    title_en: Text = Field(default="", max_length=TITLE_MAX)
    title_ru: Text = Field(default="", max_length=TITLE_MAX)
    activity_type: ActivityType | None = None
    planned_start: date | None = None
    planned_end: date | None = None
    venue: Text = Field(default="", max_length=VENUE_MAX)
    host_state_id: Id | None = None
    responsible_state_id: Id | None = Field(default=None, description="A member state.")


class ReportOpenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(default=None, ge=1992, le=2100,
                             description="A year an approved action plan of the area covers.")


class SummaryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary_en: Text = Field(default="", max_length=SUMMARY_MAX)
    summary_ru: Text = Field(default="", max_length=SUMMARY_MAX)


class AttachmentOut(BaseModel):
    id: int
    activity_report_id: int
    filename: str = Field(description="The name it is shown and downloaded under.")
    content_type: str
    size: int
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    uploaded_at: datetime
    download_url: str


class AttachmentList(BaseModel):
    items: list[AttachmentOut]


class ActivityReportOut(BaseModel):
    """What happened at one activity, as its annual report records it."""

    id: int
    activity_id: int
    annual_report_id: int
    held_on: date
    held_until: date | None
    venue: str
    participating_states: list[int] = Field(description="The ids of the member states that took part.")
    participant_count: int
    outcome_en: str
    outcome_ru: str
    updated_at: datetime
    attachments: list[AttachmentOut]


class ActivityReportIn(BaseModel):
    """What happened at one activity, as the activity report form records it."""

    model_config = ConfigDict(extra="forbid")

    held_on: date | None = Field(default=None, description="Its first day: in the report's year and the plan's period.")
    held_until: date | None = Field(default=None, description="Its last day (blank for one day).")
    venue: Text = Field(default="", max_length=VENUE_MAX)
    participating_states: list[Id] = Field(default_factory=list, max_length=200,
                                           description="The ids of the states that took part: members that day.")
    participant_count: StrictInt | None = Field(default=None,
                                                description="A whole number from 0 up (0 if not known).")
    outcome_en: Text = Field(default="", max_length=OUTCOME_MAX)
    outcome_ru: Text = Field(default="", max_length=OUTCOME_MAX)


def _without_default(schema: dict[str, Any]) -> None:
    """A file part is sent or not: the document names no default for it."""
    schema.pop("default", None)


class AttachmentIn(BaseModel):
    """A file to attach (multipart/form-data): PDF, DOCX, XLSX, PPTX, ODT, ODS, RTF, TXT, PNG or JPEG."""

    # Not required: without one the service asks for it in the page's words (English and Russian).
    file: Annotated[UploadFile | None, WithJsonSchema({"type": "string", "format": "binary"})] = Field(
        default=None, json_schema_extra=_without_default)
