"""Negotiated texts as the API shows them and what a delegation or the chair sends:
a proposal, a support or objection, a position, the chair's acceptance or drop."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from secretariat_app.api.schemas.values import Id, Text
from secretariat_app.domain.negotiation_rules import JUSTIFICATION_MAX, REASON_MAX, WORDING_MAX
from secretariat_app.negotiations.models import (
    ChairDecisionKind,
    PartKind,
    PositionKind,
    ProposalKind,
    ProposalStatus,
    StanceKind,
    TextStatus,
)


class NegotiationOut(BaseModel):
    id: int
    document_id: int
    symbol: str
    title_en: str
    title_ru: str
    status: TextStatus
    deadline: date | None = Field(description="Proposals until the end of this forum day; none: no deadline.")
    positions_by_name: bool = Field(description="Whether delegates see the others' positions by name (else counts).")


class NegotiationList(BaseModel):
    items: list[NegotiationOut]


class RevisionOut(BaseModel):
    number: int = Field(description="0: the draft; N: its /Rev.N.")
    document_id: int
    symbol: str
    created_at: datetime


class WordingOut(BaseModel):
    target: str = Field(description="The words replaced, or after which to insert.")
    text: str


class ProposalOut(BaseModel):
    id: int
    paragraph_id: int
    delegation_id: int
    delegation: str = Field(description="The proposing delegation, in English.")
    kind: ProposalKind
    language: str = Field(description="The language it was made in: en or ru.")
    en: WordingOut | None = Field(description="In English; none while its translation is pending.")
    ru: WordingOut | None = Field(description="In Russian; none while its translation is pending.")
    justification: str
    status: ProposalStatus
    translation_pending: bool
    supporters: list[str] = Field(description="The delegations whose latest stance is a support, in English.")
    objectors: list[str] = Field(description="The delegations whose latest stance is an objection, in English.")
    proposed_at: datetime


class PositionsOut(BaseModel):
    mine: PositionKind | None = Field(description="The reader's delegation's position (none for the Secretariat).")
    by_name: dict[str, list[str]] | None = Field(
        description="Each position with the delegations stating it, in English, where names are shown.")
    counts: dict[str, int] = Field(description="How many delegations (other than the reader's) state each position.")


class ParagraphOut(BaseModel):
    id: int
    position: int
    kind: PartKind
    label: str = Field(description="The paragraph's label in the compiled text (English).")
    wording_en: str
    wording_ru: str
    deleted: bool
    positions: PositionsOut
    proposals: list[ProposalOut]


class NegotiationDetail(NegotiationOut):
    revision: RevisionOut | None = Field(description="The current revision: the latest the reader may read.")
    paragraphs: list[ParagraphOut]


class ProposalIn(BaseModel):
    """An amendment to one paragraph, in the language it is made in (the Secretariat translates it)."""

    model_config = ConfigDict(extra="forbid")

    kind: ProposalKind
    language: Literal["en", "ru"]
    target: Text = Field(default="", max_length=WORDING_MAX,
                         description="The words replaced, or after which to insert.")
    text: Text = Field(default="", max_length=WORDING_MAX, description="The proposed wording.")
    justification: Text = Field(default="", max_length=JUSTIFICATION_MAX)


class StanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stance: Literal["support", "object"]


class StanceOut(BaseModel):
    proposal_id: int
    delegation_id: int
    stance: StanceKind
    stated_at: datetime


class PositionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    position: PositionKind


class PositionOut(BaseModel):
    paragraph_id: int
    delegation_id: int
    position: PositionKind
    stated_at: datetime


class ChairDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["accept", "drop"]
    reason: Text = Field(default="", max_length=REASON_MAX, description="Why (recorded).")


class MergeIn(BaseModel):
    """The chair's merge of open proposals of one paragraph into new wording, as the negotiation's page
    merges them."""

    model_config = ConfigDict(extra="forbid")

    proposal_ids: list[Id] = Field(min_length=1, max_length=100, description="The open proposals merged.")
    wording_en: Text = Field(default="", max_length=WORDING_MAX, description="The merged wording in English.")
    wording_ru: Text = Field(default="", max_length=WORDING_MAX, description="The merged wording in Russian.")
    reason: Text = Field(default="", max_length=REASON_MAX, description="Why (recorded).")


class ChairDecisionOut(BaseModel):
    id: int
    paragraph_id: int
    decision: ChairDecisionKind
    reason: str
    decided_at: datetime
    closed: dict[str, str] = Field(description="Each proposal the decision closed, with its status now.")
