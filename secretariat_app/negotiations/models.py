"""Negotiated texts: a draft of the clearing house negotiated paragraph by paragraph,
the member delegations' proposals, their supports and objections, their positions,
the chair's decisions and the compiled revisions.

Nothing here is ever deleted: a withdrawn, dropped, merged or lapsed proposal keeps
its row with its status; a deleted paragraph is marked deleted; a stance or a
position stated again is a new row (the latest of a delegation counts).
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.core.columns import UTCDateTime, enum_column, utcnow
from secretariat_app.decisions.models import Decision
from secretariat_app.documents.models import Document
from secretariat_app.domain import negotiation as rules
from secretariat_app.domain import negotiation_rules
from secretariat_app.extensions import Model


class TextStatus(enum.Enum):
    NEGOTIATING = negotiation_rules.NEGOTIATING
    SUBMITTED = negotiation_rules.SUBMITTED  # a decision was created from it: closed


class PartKind(enum.Enum):
    TITLE = rules.TITLE
    PREAMBULAR = rules.PREAMBULAR
    OPERATIVE = rules.OPERATIVE


class ProposalKind(enum.Enum):
    REPLACE = rules.REPLACE
    INSERT = rules.INSERT
    DELETE = rules.DELETE
    ADD_AFTER = rules.ADD_AFTER


class ProposalStatus(enum.Enum):
    OPEN = rules.OPEN
    ACCEPTED = rules.ACCEPTED
    DROPPED = rules.DROPPED
    MERGED = rules.MERGED
    LAPSED = rules.LAPSED
    WITHDRAWN = rules.WITHDRAWN


class TranslationStatus(enum.Enum):
    PENDING = "pending"
    DONE = "done"


class StanceKind(enum.Enum):
    SUPPORT = rules.SUPPORT
    OBJECT = rules.OPPOSE


class PositionKind(enum.Enum):
    AGREE = rules.AGREE
    RESERVE = rules.RESERVE
    OBJECT = rules.OBJECT


class ChairDecisionKind(enum.Enum):
    ACCEPT = negotiation_rules.ACCEPT
    DROP = negotiation_rules.DROP
    MERGE = negotiation_rules.MERGE


class NegotiatedText(Model):
    """The negotiation of one draft document (its base symbol; the revisions are its /Rev.N)."""

    __tablename__ = "negotiated_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), unique=True)
    status: Mapped[TextStatus] = mapped_column(enum_column(TextStatus, "negotiated_text_status"),
                                               default=TextStatus.NEGOTIATING)
    deadline: Mapped[date | None] = mapped_column(Date)  # proposals until the end of this forum day
    # Others' positions: by name to delegates too (True), or as counts (False; the Secretariat always sees names).
    positions_by_name: Mapped[bool] = mapped_column(default=False)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[Document] = relationship()
    decision: Mapped[Decision | None] = relationship()
    paragraphs: Mapped[list[TextParagraph]] = relationship(
        back_populates="text", order_by="TextParagraph.position")
    proposals: Mapped[list[TextProposal]] = relationship(back_populates="text", order_by="TextProposal.id")
    revisions: Mapped[list[TextRevision]] = relationship(back_populates="text", order_by="TextRevision.number")


class TextParagraph(Model):
    __tablename__ = "text_paragraph"
    __table_args__ = (Index("ix_text_paragraph_text_id_position", "text_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text_id: Mapped[int] = mapped_column(ForeignKey("negotiated_text.id"))
    position: Mapped[int] = mapped_column(Integer)  # order in the text; renumbered when a paragraph is added
    kind: Mapped[PartKind] = mapped_column(enum_column(PartKind, "text_part_kind"))
    wording_en: Mapped[str] = mapped_column(Text, default="")
    wording_ru: Mapped[str] = mapped_column(Text, default="")
    deleted: Mapped[bool] = mapped_column(default=False)
    # The paragraph an accepted "add a new paragraph after" put it after (the proposal's chair decision says which).
    added_after_id: Mapped[int | None] = mapped_column(ForeignKey("text_paragraph.id"))

    text: Mapped[NegotiatedText] = relationship(back_populates="paragraphs")

    def wording(self, language: str) -> str:
        return self.wording_ru if language == "ru" else self.wording_en


class TextProposal(Model):
    """An amendment a member delegation proposed to one paragraph, in one language; the
    Secretariat's translation into the other is recorded beside it."""

    __tablename__ = "text_proposal"
    __table_args__ = (Index("ix_text_proposal_text_id_status", "text_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text_id: Mapped[int] = mapped_column(ForeignKey("negotiated_text.id"))
    paragraph_id: Mapped[int] = mapped_column(ForeignKey("text_paragraph.id"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"), index=True)
    kind: Mapped[ProposalKind] = mapped_column(enum_column(ProposalKind, "text_proposal_kind"))
    language: Mapped[str] = mapped_column(String(2))
    target_en: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    target_ru: Mapped[str] = mapped_column(Text, default="")
    text_ru: Mapped[str] = mapped_column(Text, default="")
    justification: Mapped[str] = mapped_column(Text, default="")
    translation: Mapped[TranslationStatus] = mapped_column(
        enum_column(TranslationStatus, "text_translation_status"), default=TranslationStatus.PENDING)
    status: Mapped[ProposalStatus] = mapped_column(enum_column(ProposalStatus, "text_proposal_status"),
                                                   default=ProposalStatus.OPEN)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    translated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    translated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The chair's decision that closed it (accepted, dropped, merged, or lapsed by it); withdrawn: none.
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("chair_decision.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    text: Mapped[NegotiatedText] = relationship(back_populates="proposals")
    paragraph: Mapped[TextParagraph] = relationship(foreign_keys=[paragraph_id])
    delegation: Mapped[Delegation] = relationship()
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    stances: Mapped[list[ProposalStance]] = relationship(back_populates="proposal", order_by="ProposalStance.id")
    closed_by: Mapped[ChairDecision | None] = relationship(foreign_keys=[closed_by_id])

    def target(self, language: str) -> str:
        return self.target_ru if language == "ru" else self.target_en

    def words(self, language: str) -> str:
        return self.text_ru if language == "ru" else self.text_en


class ProposalStance(Model):
    """A delegation's support of, or objection to, another delegation's proposal (the latest counts)."""

    __tablename__ = "proposal_stance"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("text_proposal.id"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"))
    stance: Mapped[StanceKind] = mapped_column(enum_column(StanceKind, "proposal_stance_kind"))
    stated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    stated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[TextProposal] = relationship(back_populates="stances")
    delegation: Mapped[Delegation] = relationship()


class ParagraphPosition(Model):
    """A delegation's position on a paragraph: agree, reserve (awaiting instructions), object (the latest counts)."""

    __tablename__ = "paragraph_position"

    id: Mapped[int] = mapped_column(primary_key=True)
    paragraph_id: Mapped[int] = mapped_column(ForeignKey("text_paragraph.id"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"))
    position: Mapped[PositionKind] = mapped_column(enum_column(PositionKind, "paragraph_position_kind"))
    stated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    stated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    paragraph: Mapped[TextParagraph] = relationship()
    delegation: Mapped[Delegation] = relationship()


class ChairDecision(Model):
    """The chair's decision on proposals of one paragraph, recorded by the Secretariat with who and why."""

    __tablename__ = "chair_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    text_id: Mapped[int] = mapped_column(ForeignKey("negotiated_text.id"), index=True)
    paragraph_id: Mapped[int] = mapped_column(ForeignKey("text_paragraph.id"))
    decision: Mapped[ChairDecisionKind] = mapped_column(enum_column(ChairDecisionKind, "chair_decision_kind"))
    reason: Mapped[str] = mapped_column(Text, default="")
    wording_en: Mapped[str] = mapped_column(Text, default="")  # a merge's new wording
    wording_ru: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decided_by: Mapped[User | None] = relationship()


class TextRevision(Model):
    """A compiled state of the text as circulated: number 0 is the draft, N its /Rev.N. The compilation
    is kept as it was (each language's paragraphs as plain rows) so that the next revision's diff reads it."""

    __tablename__ = "text_revision"
    __table_args__ = (UniqueConstraint("text_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text_id: Mapped[int] = mapped_column(ForeignKey("negotiated_text.id"))
    number: Mapped[int] = mapped_column(Integer)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), unique=True)
    compiled: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"en": [[key, label, text], …], "ru": […]}
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    text: Mapped[NegotiatedText] = relationship(back_populates="revisions")
    document: Mapped[Document] = relationship()
