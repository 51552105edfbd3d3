"""A negotiated text in a browser, every page checked at 1280 and 390 px with axe: a member
delegate proposes an amendment to OP1 in their language and reserves on OP2; the officer
translates the proposal, accepts it with the reason, compiles Rev.1 and reads its changes.
In English with the pointer, and in Russian with the keyboard alone."""
from __future__ import annotations

import io
import uuid

import pytest
from sqlalchemy import select

from secretariat_app.accounts.models.states import MembershipStatus
from secretariat_app.core.forum_time import forum_today
from secretariat_app.documents.models import DistributionLevel, DocumentType, Originator
from secretariat_app.documents.services.circulation import Audience, CirculationData, circulate
from secretariat_app.documents.services.documents import DocumentData, create_document
from secretariat_app.documents.services.versions import UploadData, upload
from secretariat_app.extensions import db
from secretariat_app.negotiations.models import TextProposal
from secretariat_app.negotiations.services import texts
from tests.browser.driver import RUNS, expect
from tests.browser.reference import delegation_of
from tests.documents_helpers import body
from tests.documents_setup import PDF
from tests.factories import delegate, officer
from tests.negotiation_setup import DRAFT_EN, DRAFT_RU

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WORDS = {"en": ("agree", "decide"), "ru": ("договорились", "решили")}
OTHER = {"en": "ru", "ru": "en"}


def negotiation(member, staff, token: str):
    document = create_document(staff, DocumentData(
        doc_type=DocumentType.DRAFT_DECISION, originator=Originator.SECRETARIAT, level=DistributionLevel.LIMITED,
        title_en=f"Statement on dialogue ({token})", title_ru=f"Заявление о диалоге ({token})",
        body_id=body("SOC").id, year=forum_today().year))
    upload(staff, document, UploadData("en", io.BytesIO(PDF + token.encode())))
    circulate(staff, document, CirculationData(Audience.DELEGATIONS, delegation_ids=[member.id]))
    return texts.start(staff, document, DRAFT_EN, DRAFT_RU, None)


@pytest.mark.parametrize("language,keyboard", RUNS)
def test_a_proposal_is_made_translated_accepted_and_compiled(browse, app_context, language, keyboard):
    token = uuid.uuid4().hex[:6]
    member = delegation_of(MembershipStatus.MEMBER)
    staff = officer(language=language)
    text = negotiation(member, staff, token)
    symbol = text.document.symbol
    op1, op2 = (p.id for p in sorted(text.paragraphs, key=lambda p: p.position)[2:4])
    label = "OP1" if language == "en" else "ОП1"
    target, words = WORDS[language]

    d = browse.open(language, keyboard)
    d.log_in(delegate(member, language=language))
    d.click(d.link("Negotiations"))
    d.click(d.page.get_by_role("link", name=symbol, exact=True))
    d.click(d.page.get_by_role("link", name=f"{d.t('Propose an amendment')} ({label})"))
    d.fill(d.field("Words replaced, or words after which to insert (blank: the whole wording, or at the end)"),
           target)
    d.fill(d.field("Proposed wording"), words)
    d.fill(d.field("Justification (short)"), "Clearer.")
    d.click(d.button("Propose"))
    expect(d.page.get_by_role("status")).to_have_text(d.t("The proposal has been recorded."))
    d.choose(d.page.locator(f"#position-{op2}"), d.t("reserve"))
    d.click(d.page.locator(f"#p{op2}").get_by_role("button", name=d.exact("State")))
    expect(d.page.get_by_role("status")).to_have_text(d.t("Your delegation's position has been recorded."))

    proposal = db.session.scalar(select(TextProposal).where(TextProposal.text_id == text.id))
    o = browse.open(language, keyboard)
    o.log_in(staff)
    o.click(o.link("Negotiations"))
    o.click(o.page.get_by_role("link", name=symbol, exact=True))
    o.click(o.page.locator(f"#p{op1}").get_by_role("link", name=o.t("Translate"), exact=False))
    other_target, other_words = WORDS[OTHER[language]]
    o.fill(o.field("Words replaced, or words after which to insert, in the translation"), other_target)
    o.fill(o.field("Translated wording"), other_words)
    o.click(o.button("Record the translation"))
    expect(o.page.get_by_role("status")).to_have_text(o.t("The translation has been recorded."))
    o.fill(o.page.locator(f"#reason-{proposal.id}"), "Consensus in the SWG.")
    o.click(o.page.locator(f"#p{op1}").get_by_role("button", name=o.exact("Accept")))
    expect(o.page.get_by_role("status")).to_have_text(o.t("The chair's decision has been recorded."))
    expect(o.page.locator(f"#p{op1} .wording")).to_contain_text(words)
    o.click(o.button("Compile the next revision"))
    expect(o.page.get_by_role("status")).to_have_text(
        o.t("%(symbol)s has been compiled with its English and Russian versions: circulate it now.",
            symbol=f"{symbol}/Rev.1"))
    o.goto(f"/negotiations/{text.id}/revisions/1")
    expect(o.page.locator("ins").first).to_be_visible()
    browse.finish()
