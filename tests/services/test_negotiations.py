"""Negotiated texts against the database: a draft of three operative paragraphs, competing
proposals of two member delegations on one, an objection to a deletion, an observer that
tries to take part; Rev.1 compiled with its DOCX and PDF and circulated; the chair's
decisions; adoption through silence, linked both ways; every act audited, nothing deleted."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.core.storage import file_store
from secretariat_app.decisions.models import DecisionStatus, Procedure
from secretariat_app.documents.models import DocumentStatus
from secretariat_app.documents.services.circulation import Audience, CirculationData
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.negotiations.models import (
    ChairDecision,
    NegotiatedText,
    ParagraphPosition,
    ProposalStance,
    ProposalStatus,
    TextParagraph,
    TextProposal,
    TextRevision,
    TextStatus,
    TranslationStatus,
)
from secretariat_app.negotiations.services import adoption, chair, proposals, revisions, texts
from secretariat_app.negotiations.services.proposals import ProposalData
from secretariat_app.notices.models import Notification, NotificationKind
from tests.documents_setup import make_document
from tests.forum_day import SUITE_DAY
from tests.negotiation_setup import DRAFT_EN, start_negotiation

pytestmark = pytest.mark.usefixtures("steady_forum_day")

def rows() -> dict[str, int]:
    db.session.rollback()
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m))
            for m in (TextProposal, ProposalStance, ParagraphPosition, ChairDecision, TextRevision, AuditEntry)}


def refused(call, *args, **kwargs) -> list[str]:
    before = rows()
    with pytest.raises(RuleViolations) as caught:
        call(*args, **kwargs)
    assert rows() == before
    return [v.field for v in caught.value.violations]


@pytest.fixture
def negotiation(world) -> NegotiatedText:
    return start_negotiation(world)


def paragraph(text: NegotiatedText, label_index: int) -> TextParagraph:
    return sorted(text.paragraphs, key=lambda p: p.position)[label_index]


def decided(proposal) -> set[int]:
    return set(db.session.scalars(select(Notification.recipient_id).where(
        Notification.kind == NotificationKind.PROPOSAL_DECIDED, Notification.subject_id == proposal.id)))


def test_the_deadline_reminder_goes_to_the_member_delegations_reached(world, negotiation):
    reminded = set(db.session.scalars(select(Notification.recipient_id).where(
        Notification.kind == NotificationKind.PROPOSAL_DEADLINE, Notification.subject_id == negotiation.id)))
    assert reminded == {world.a1.id, world.a2.id, world.b1.id}


def test_the_draft_becomes_paragraphs_and_revision_zero(negotiation):
    labels = [(c.label, c.wording) for c in texts.compiled(negotiation, "ru")]
    assert labels[0] == ("Название", "Заявление о диалоге")
    assert labels[2:] == [("ОП1", "Государства-члены договорились провести консультации."),
                          ("ОП2", "Они приветствуют доклад Секретариата."),
                          ("ОП3", "Они благодарят принимающую сторону.")]
    assert [r.number for r in negotiation.revisions] == [0]
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.object_type == "negotiated_text")) == \
        "negotiation.start"


def test_a_draft_whose_languages_differ_is_refused(world):
    document = make_document(world, year=SUITE_DAY.year)
    with pytest.raises(RuleViolations) as caught:
        texts.start(world.officer, document, DRAFT_EN, "Заявление\n\nОП1. Одно.", None)
    assert [v.field for v in caught.value.violations] == ["draft_ru"]
    assert db.session.scalar(select(func.count(NegotiatedText.id))) == 0


def test_the_scripted_negotiation_from_draft_to_silence(world, negotiation, app):
    op2, op3 = paragraph(negotiation, 3), paragraph(negotiation, 4)
    # Competing proposals by two member delegations on OP2; a deletion of OP3.
    kaz = proposals.propose(world.a1, negotiation, world.member_a,
                            ProposalData(op2.id, "replace", "en", "welcome", "take note of", "Plainer."))
    bor = proposals.propose(world.b1, negotiation, world.member_b,
                            ProposalData(op2.id, "replace", "ru", "приветствуют", "одобряют"))
    deletion = proposals.propose(world.b1, negotiation, world.member_b, ProposalData(op3.id, "delete", "en"))
    assert deletion.translation == TranslationStatus.DONE  # no words to translate
    proposals.state_stance(world.a1, deletion, world.member_a, "object")
    proposals.state_stance(world.b1, kaz, world.member_b, "support")
    proposals.state_position(world.a1, op3, world.member_a, "reserve")
    # The observer tries each act: refused, nothing written.
    assert refused(proposals.propose, world.obs1, negotiation, world.observer,
                   ProposalData(op2.id, "delete", "en")) == ["delegation"]
    assert refused(proposals.state_stance, world.obs1, kaz, world.observer, "support") == ["delegation"]
    assert refused(proposals.state_position, world.obs1, op2, world.observer, "object") == ["delegation"]
    # A delegate may not act for another delegation; the deletion is not one's own to withdraw.
    assert refused(proposals.propose, world.a1, negotiation, world.member_b,
                   ProposalData(op2.id, "delete", "en")) == ["delegation"]
    assert refused(proposals.withdraw, world.a1, deletion) == ["delegation"]

    en = texts.compiled(negotiation, "en")
    op2_en = en[3]
    assert [a.proposers for a in op2_en.alternatives] == [("Aland",), ("Borduria",)]
    assert op2_en.alternatives[0].supporters == ("Borduria",)
    assert op2_en.alternatives[1].awaiting_translation  # Borduria's proposal is in Russian until translated
    assert en[4].alternatives[0].objectors == ("Aland",) and en[4].reserved_by == ("Aland",)

    # Rev.1: a draft revision with the compilation in both languages, as DOCX and PDF; circulated like any document.
    rev1 = revisions.compile_revision(world.officer, negotiation)
    assert rev1.document.symbol.endswith("/Rev.1") and rev1.number == 1
    assert sorted((v.language, v.file.extension) for v in rev1.document.versions) == [
        ("en", "docx"), ("en", "pdf"), ("ru", "docx"), ("ru", "pdf")]
    docx_en = next(v for v in rev1.document.versions if v.language == "en" and v.file.extension == "docx")
    body = _docx_text(docx_en)
    assert "[Alt. 1: They take note of the report of the Secretariat.]" in body
    assert "proposed by Aland; supported by Borduria" in body
    assert "[Delete] (proposed by Borduria; objected to by Aland)" in body
    # Others' positions are counts to delegates (the negotiation's setting): so in what is circulated to them.
    assert "OP3." in body and "Reservation: 1 delegation(s)" in body and "Reservation: Aland" not in body
    revisions.circulate_revision(world.officer, rev1, CirculationData(Audience.MEMBERS))
    db.session.refresh(rev1.document)
    assert rev1.document.status == DocumentStatus.CIRCULATED
    assert db.session.get(type(rev1.document), negotiation.document_id).status == DocumentStatus.SUPERSEDED
    told = set(db.session.scalars(select(Notification.recipient_id).where(
        Notification.kind == NotificationKind.DOCUMENT_CIRCULATED, Notification.subject_id == rev1.document_id)))
    assert world.obs1.id not in told and world.a1.id in told

    # The chair: Borduria's proposal needs its translation before it can be accepted; Aland's then lapses.
    assert refused(chair.decide, world.officer, negotiation, "accept", [bor.id], "consensus") == ["proposal_ids"]
    proposals.translate(world.officer, bor, "welcome", "endorse")
    assert bor.translation == TranslationStatus.DONE
    chair.decide(world.officer, negotiation, "accept", [bor.id], "Consensus in the SWG.")
    db.session.refresh(op2)
    assert (op2.wording_en, op2.wording_ru) == ("They endorse the report of the Secretariat.",
                                                "Они одобряют доклад Секретариата.")
    db.session.refresh(kaz)
    assert kaz.status == ProposalStatus.LAPSED and kaz.closed_by is not None
    # The chair's decisions are told to the proposing delegations' active people.
    assert decided(bor) == {world.b1.id} and decided(kaz) == {world.a1.id, world.a2.id}
    assert refused(chair.decide, world.officer, negotiation, "drop", [deletion.id], " ") == ["reason"]
    chair.decide(world.officer, negotiation, "drop", [deletion.id], "Aland objects.")
    assert texts.adoptable_violations(negotiation, True) == []  # Aland's reservation: agreed ad referendum
    assert texts.compiled(negotiation, "en")[4].ad_referendum

    # Adoption is refused until the final wording is circulated as a revision.
    data = adoption.AdoptionData(Procedure.SILENCE, silence_deadline=SUITE_DAY + timedelta(days=14))
    assert refused(adoption.submit, world.officer, negotiation, data) == ["text"]
    rev2 = revisions.compile_revision(world.officer, negotiation)
    diff = {d.label: d for d in revisions.diff(rev2, "en")}
    assert diff["OP2"].changed and not diff["OP1"].changed
    revisions.circulate_revision(world.officer, rev2, CirculationData(Audience.MEMBERS))
    decision = adoption.submit(world.officer, negotiation, data)
    assert decision.status == DecisionStatus.UNDER_SILENCE
    assert decision.text_en.startswith(rev2.document.symbol)
    assert "OP2 They endorse the report of the Secretariat." in decision.text_en
    assert adoption.text_of_decision(decision).id == negotiation.id
    db.session.refresh(negotiation)
    assert negotiation.status == TextStatus.SUBMITTED and negotiation.decision_id == decision.id
    # The text is closed; nothing was deleted.
    assert refused(proposals.state_position, world.b1, op2, world.member_b, "agree") == ["text"]
    assert db.session.scalar(select(func.count(TextProposal.id))) == 3
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("negotiation.%"))))
    assert actions == {"negotiation.start", "negotiation.propose", "negotiation.object", "negotiation.support",
                       "negotiation.position", "negotiation.compile", "negotiation.translate", "negotiation.accept",
                       "negotiation.drop", "negotiation.submit"}


def _docx_text(version) -> str:
    """The DOCX's paragraphs as plain text, one after the other."""
    with zipfile.ZipFile(io.BytesIO(file_store().path_for(version.file_sha256).read_bytes())) as archive:
        xml = archive.read("word/document.xml").decode()
    return " ".join("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in xml.split("</w:p>"))


def test_deadline_withdrawal_and_a_new_paragraph(world, negotiation):
    op1 = paragraph(negotiation, 2)
    added = proposals.propose(world.a1, negotiation, world.member_a,
                              ProposalData(op1.id, "add_after", "en", text="They meet every year."))
    compiled = texts.compiled(negotiation, "en")
    assert [c.label for c in compiled][2:5] == ["OP1", "OP1 bis", "OP2"]
    proposals.translate(world.officer, added, "", "Они встречаются ежегодно.")
    chair.decide(world.officer, negotiation, "accept", [added.id], "Agreed.")
    db.session.refresh(negotiation)
    assert [c.label for c in texts.compiled(negotiation, "ru")][2:6] == ["ОП1", "ОП2", "ОП3", "ОП4"]
    assert texts.compiled(negotiation, "ru")[3].wording == "Они встречаются ежегодно."
    mine = proposals.propose(world.a1, negotiation, world.member_a, ProposalData(op1.id, "delete", "en"))
    proposals.withdraw(world.a1, mine)
    assert db.session.get(TextProposal, mine.id).status == ProposalStatus.WITHDRAWN
    texts.update_settings(world.officer, negotiation, SUITE_DAY, False)
    with pytest.raises(RuleViolations) as caught:
        proposals.propose(world.a1, negotiation, world.member_a, ProposalData(op1.id, "delete", "en"),
                          today=SUITE_DAY + timedelta(days=1))
    assert [v.field for v in caught.value.violations] == ["deadline"]
