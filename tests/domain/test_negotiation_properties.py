"""Properties of negotiated texts on generated drafts and proposals.

- Compiling a text with no proposals gives the draft, clean.
- Accepting every proposal of one paragraph in turn (each still open when its turn
  comes) never leaves brackets in that paragraph; whatever the chair decides, every
  proposal left open still fits the wording.
- Every open proposal is attributed in the compilation, to its delegation.
- An observer's action is always refused, whoever acts for it and whatever it does.
"""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from secretariat_app.domain.negotiation import (
    ADD_AFTER,
    DELETE,
    INSERT,
    LANGUAGES,
    OPEN,
    OPERATIVE,
    POSITIONS,
    PREAMBULAR,
    PROPOSAL_KINDS,
    REPLACE,
    TITLE,
    Paragraph,
    Proposal,
    Text,
    Wording,
    accept,
    drop,
    fits_everywhere,
    merge,
    tidy,
)
from secretariat_app.domain.negotiation_compile import compile_text
from secretariat_app.domain.negotiation_rules import (
    NEGOTIATING,
    Actor,
    ProposalFacts,
    check_participant,
    check_position,
    check_proposal,
    check_stance,
    check_withdrawal,
)

SETTINGS = settings(max_examples=150, deadline=None, database=None)
WORDS = ("states", "agree", "decide", "to", "hold", "regular", "consultations", "on", "security", "the")
DELEGATIONS = ("Kazakhstan", "Russia", "China", "India", "Iran", "Türkiye")

wording = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)


@st.composite
def drafts(draw) -> Text:
    kinds = [TITLE] + draw(st.lists(st.sampled_from((PREAMBULAR, OPERATIVE)), min_size=1, max_size=5))
    kinds = [TITLE] + sorted(kinds[1:], key=(PREAMBULAR, OPERATIVE).index)
    return Text(tuple(Paragraph(i, kind, {"en": draw(wording), "ru": draw(wording)})
                      for i, kind in enumerate(kinds, start=1)))


@st.composite
def words_in(draw, paragraph_text: str, kind: str) -> Wording:
    if kind == DELETE:
        return Wording()
    tokens = paragraph_text.split()
    target = ""
    if kind in (REPLACE, INSERT) and draw(st.booleans()):
        start = draw(st.integers(0, len(tokens) - 1))
        end = draw(st.integers(start + 1, len(tokens)))
        target = " ".join(tokens[start:end])
    return Wording(target, draw(wording))


@st.composite
def texts_with_proposals(draw, max_proposals: int = 8) -> Text:
    text = draw(drafts())
    proposals = []
    for pid in range(100, 100 + draw(st.integers(0, max_proposals))):
        paragraph = draw(st.sampled_from(text.paragraphs))
        kinds = (REPLACE, INSERT) if paragraph.kind == TITLE else PROPOSAL_KINDS
        kind = draw(st.sampled_from(kinds))
        proposals.append(Proposal(
            pid, paragraph.id, kind, draw(st.sampled_from(DELEGATIONS)), "en",
            {lang: draw(words_in(paragraph.text(lang), kind)) for lang in LANGUAGES},
            supporters=tuple(draw(st.lists(st.sampled_from(DELEGATIONS), max_size=3, unique=True))),
        ))
    return Text(text.paragraphs, tuple(proposals))


@SETTINGS
@given(drafts())
def test_no_proposals_compile_to_the_draft(text):
    for language in LANGUAGES:
        compiled = compile_text(text, language=language)
        assert [c.wording for c in compiled] == [p.text(language) for p in text.paragraphs]
        assert [c.paragraph_id for c in compiled] == [p.id for p in text.paragraphs]
        assert not any(c.bracketed for c in compiled)


@SETTINGS
@given(texts_with_proposals(), st.data())
def test_accepting_every_proposal_of_a_paragraph_in_turn_leaves_no_brackets_there(text, data):
    paragraph_id = data.draw(st.sampled_from([p.id for p in text.paragraphs]))
    next_id = 1000
    for proposal in [p for p in text.proposals if p.paragraph_id == paragraph_id]:
        if text.proposal(proposal.id).status != OPEN:
            continue  # lapsed by an earlier acceptance
        assert fits_everywhere(text.paragraph(paragraph_id), text.proposal(proposal.id))
        text = accept(text, proposal.id, new_paragraph_id=next_id).text
        next_id += 1
    assert not text.open_proposals(paragraph_id)
    for language in LANGUAGES:
        compiled = [c for c in compile_text(text, language=language) if c.paragraph_id == paragraph_id]
        assert not any(c.bracketed for c in compiled)
        following = [c for c in compile_text(text, language=language) if c.proposed
                     and c.alternatives[0].proposal_ids[0] in {p.id for p in text.proposals
                                                               if p.paragraph_id == paragraph_id}]
        assert following == []


@SETTINGS
@given(texts_with_proposals(), st.lists(st.tuples(st.sampled_from(("accept", "drop", "merge")), st.integers(0, 20)),
                                        max_size=6), wording)
def test_whatever_the_chair_decides_open_proposals_still_fit(text, decisions, merged):
    next_id = 1000
    for decision, pick in decisions:
        open_ = text.open_proposals()
        if not open_:
            break
        proposal = open_[pick % len(open_)]
        if decision == "accept":
            text = accept(text, proposal.id, new_paragraph_id=next_id).text
            next_id += 1
        elif decision == "drop":
            text = drop(text, proposal.id).text
        elif proposal.kind != ADD_AFTER and not text.paragraph(proposal.paragraph_id).deleted:
            text = merge(text, proposal.paragraph_id, (proposal.id,), {"en": merged, "ru": merged}).text
    for proposal in text.open_proposals():
        assert fits_everywhere(text.paragraph(proposal.paragraph_id), proposal)
    assert all(tidy(p.text("en")) == p.text("en") for p in text.paragraphs if p.id >= 1000)


@SETTINGS
@given(texts_with_proposals())
def test_every_open_proposal_is_attributed_to_its_delegation(text):
    for language in LANGUAGES:
        attributed = {pid: alternative.proposers for c in compile_text(text, language=language)
                      for alternative in c.alternatives for pid in alternative.proposal_ids}
        assert set(attributed) == {p.id for p in text.open_proposals()}
        for proposal in text.open_proposals():
            assert proposal.delegation in attributed[proposal.id]


actors = st.builds(Actor, is_secretariat=st.booleans(), delegation=st.sampled_from(("Japan", "Indonesia", "UN")),
                   delegation_is_member=st.just(False), own_delegation=st.booleans())


@SETTINGS
@given(actors, texts_with_proposals(max_proposals=3), st.sampled_from(PROPOSAL_KINDS), st.sampled_from(POSITIONS),
       st.integers(-5, 5), st.data())
def test_an_observer_is_always_refused(actor, text, kind, position, days, data):
    today = date(2026, 12, 6)
    deadline = today + timedelta(days=days)
    paragraph = data.draw(st.sampled_from(text.paragraphs))
    assert check_participant(actor, NEGOTIATING)
    facts = ProposalFacts(kind, "en", "", data.draw(wording), "", paragraph, False)
    assert check_proposal(actor, NEGOTIATING, deadline, today, facts)
    assert check_position(actor, NEGOTIATING, paragraph, position)
    for proposal in text.proposals:
        assert check_stance(actor, NEGOTIATING, deadline, today, proposal)
        own = Proposal(proposal.id, proposal.paragraph_id, proposal.kind, actor.delegation or "", "en",
                       proposal.wording)
        assert check_withdrawal(actor, NEGOTIATING, own)
