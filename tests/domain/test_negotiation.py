"""Negotiated texts without a database: amendments, the chair's decisions, the compilation
with brackets and attributions, who may take part and until when, adoption, the diff."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from secretariat_app.domain.negotiation import (
    ACCEPTED,
    ADD_AFTER,
    AGREE,
    DELETE,
    DROPPED,
    INSERT,
    LAPSED,
    MERGED,
    OBJECT,
    OPEN,
    OPERATIVE,
    PREAMBULAR,
    REPLACE,
    RESERVE,
    TITLE,
    WITHDRAWN,
    Paragraph,
    Proposal,
    Text,
    Wording,
    accept,
    adoptability,
    drop,
    labels,
    merge,
    withdraw,
)
from secretariat_app.domain.negotiation_compile import as_plain_text, compile_text, is_clean, render_paragraph
from secretariat_app.domain.negotiation_diff import ADDED, REMOVED, SAME, revision_diff, word_diff
from secretariat_app.domain.negotiation_rules import (
    ACCEPT,
    DROP,
    MERGE,
    NEGOTIATING,
    SUBMITTED,
    Actor,
    ChairDecision,
    ProposalFacts,
    check_adoption,
    check_chair_decision,
    check_position,
    check_proposal,
    check_stance,
    check_translation,
    check_withdrawal,
)


def para(pid, kind, en, ru=None, **kw):
    return Paragraph(pid, kind, {"en": en, "ru": ru if ru is not None else f"RU {en}"}, **kw)


DRAFT = Text((
    para(1, TITLE, "Astana statement"),
    para(2, PREAMBULAR, "Recalling the Almaty Act,"),
    para(3, OPERATIVE, "The Member States agree to hold consultations.",
         "Государства-члены договорились провести консультации."),
    para(4, OPERATIVE, "They welcome the report."),
    para(5, OPERATIVE, "They thank the host."),
))


def prop(pid, paragraph, kind, delegation, target="", text="", ru=None, **kw):
    wording = {"en": Wording(target, text)}
    if ru is not None:
        wording["ru"] = Wording(*ru)
    return Proposal(pid, paragraph, kind, delegation, "en", wording, **kw)


def with_proposals(*proposals):
    return replace(DRAFT, proposals=tuple(proposals))


# Numbering and the draft ------------------------------------------------------------------

def test_paragraphs_are_numbered_within_their_kind():
    assert labels(DRAFT.paragraphs) == {1: "Title", 2: "PP1", 3: "OP1", 4: "OP2", 5: "OP3"}
    assert labels(DRAFT.paragraphs, "ru")[4] == "ОП2"


def test_a_text_without_proposals_compiles_to_the_draft():
    compiled = compile_text(DRAFT)
    assert [(c.label, c.wording) for c in compiled] == [
        ("Title", "Astana statement"), ("PP1", "Recalling the Almaty Act,"),
        ("OP1", "The Member States agree to hold consultations."), ("OP2", "They welcome the report."),
        ("OP3", "They thank the host."),
    ]
    assert is_clean(compiled)


# The compilation ----------------------------------------------------------------------------

def test_competing_proposals_are_bracketed_with_their_proposers_and_supporters():
    text = with_proposals(
        prop(10, 3, REPLACE, "Kazakhstan", "agree", "decide", supporters=("China",)),
        prop(11, 3, REPLACE, "Russia", "agree", "decide", supporters=("China", "India")),
        prop(12, 3, DELETE, "India", objectors=("Russia",)),
    )
    op1 = compile_text(text)[2]
    assert op1.bracketed
    first, deletion = op1.alternatives
    assert first.wording == "The Member States decide to hold consultations."
    assert (first.proposers, first.supporters) == (("Kazakhstan", "Russia"), ("China", "India"))
    assert (deletion.kind, deletion.proposers, deletion.objectors) == (DELETE, ("India",), ("Russia",))
    assert as_plain_text(op1) == (
        "OP1 [The Member States agree to hold consultations.] "
        "[Alt. 1: The Member States decide to hold consultations.] "
        "(proposed by Kazakhstan, Russia; supported by China, India) "
        "[Delete] (proposed by India; objected to by Russia)"
    )


def test_a_proposed_new_paragraph_follows_its_anchor_as_bis():
    text = with_proposals(prop(10, 3, ADD_AFTER, "Iran", text="They meet yearly."),
                          prop(11, 3, ADD_AFTER, "Iraq", text="They report."))
    compiled = compile_text(text)
    assert [c.label for c in compiled] == ["Title", "PP1", "OP1", "OP1 bis", "OP1 ter", "OP2", "OP3"]
    assert compiled[3].proposed and compiled[3].bracketed
    assert as_plain_text(compiled[3]) == "OP1 bis [They meet yearly.] (proposed by Iran)"


def test_an_insertion_goes_after_its_words_or_at_the_end():
    text = with_proposals(prop(10, 4, INSERT, "Mongolia", "welcome", "warmly"),
                          prop(11, 5, INSERT, "Qatar", "", "of the meeting"))
    compiled = compile_text(text)
    assert compiled[3].alternatives[0].wording == "They welcome warmly the report."
    assert compiled[4].alternatives[0].wording == "They thank the host. of the meeting"


def test_reservations_and_objections_are_marked_and_ad_referendum_when_only_reserved():
    positions = {4: {"Russia": RESERVE, "China": AGREE}, 5: {"India": OBJECT, "Russia": RESERVE}}
    compiled = compile_text(DRAFT, positions)
    op2, op3 = compiled[3], compiled[4]
    assert op2.ad_referendum and op2.reserved_by == ("Russia",)
    assert not op3.ad_referendum and op3.objected_by == ("India",)
    assert as_plain_text(op2) == "OP2 They welcome the report. (agreed ad referendum) (Reservation: Russia)"
    assert [line.note for line in render_paragraph(op3, name_positions=False)][1:] == [
        "Reservation: 1 delegation(s)", "Objection: 1 delegation(s)"]


def test_the_russian_compilation_shows_a_pending_translation_in_the_original():
    text = with_proposals(prop(10, 3, REPLACE, "Kazakhstan", "agree", "decide"),
                          prop(11, 4, REPLACE, "Russia", "welcome", "note",
                               ru=("приветствуют", "принимают к сведению")))
    compiled = compile_text(replace(text, paragraphs=(*text.paragraphs[:3],
                                                        para(4, OPERATIVE, "They welcome the report.",
                                                             "Они приветствуют доклад."), text.paragraphs[4])),
                            language="ru")
    assert compiled[2].alternatives[0].awaiting_translation
    assert compiled[2].alternatives[0].wording == "The Member States decide to hold consultations."
    assert compiled[3].alternatives[0].wording == "Они принимают к сведению доклад."
    assert "перевод ожидается" in as_plain_text(compiled[2], "ru")


def test_closed_proposals_leave_no_brackets():
    text = with_proposals(*(prop(10 + i, 3, REPLACE, "Kazakhstan", "agree", "decide", status=s)
                            for i, s in enumerate((ACCEPTED, DROPPED, MERGED, LAPSED, WITHDRAWN))))
    assert is_clean(compile_text(text))


# The chair's decisions -------------------------------------------------------------------

def test_accepting_a_replacement_rewords_and_lapses_what_no_longer_fits():
    text = with_proposals(
        prop(10, 3, REPLACE, "Kazakhstan", "agree", "decide", ru=("договорились", "решили")),
        prop(11, 3, REPLACE, "India", "agree to hold", "will hold"),
        prop(12, 3, INSERT, "China", "consultations", "annually"),
    )
    outcome = accept(text, 10)
    assert outcome.text.paragraph(3).wording == {
        "en": "The Member States decide to hold consultations.",
        "ru": "Государства-члены решили провести консультации."}
    assert outcome.lapsed == (11,)
    assert [p.status for p in outcome.text.proposals] == [ACCEPTED, LAPSED, OPEN]


def test_accepting_a_deletion_marks_the_paragraph_deleted_and_renumbers():
    text = with_proposals(prop(10, 4, DELETE, "India", ru=("", "")), prop(11, 4, ADD_AFTER, "Iran", text="X."))
    outcome = accept(text, 10)
    assert outcome.text.paragraph(4).deleted
    assert [c.label for c in compile_text(outcome.text)] == ["Title", "PP1", "OP1", "OP1 bis", "OP2"]
    assert outcome.lapsed == ()


def test_accepting_new_paragraphs_puts_them_after_the_anchor_in_the_order_accepted():
    text = with_proposals(prop(10, 3, ADD_AFTER, "Iran", text="A.", ru=("", "А.")),
                          prop(11, 3, ADD_AFTER, "Iraq", text="B.", ru=("", "Б.")))
    text = accept(accept(text, 10, new_paragraph_id=100).text, 11, new_paragraph_id=101).text
    assert [p.id for p in text.paragraphs] == [1, 2, 3, 100, 101, 4, 5]
    assert text.paragraph(101).wording == {"en": "B.", "ru": "Б."}
    assert labels(text.paragraphs)[101] == "OP3"


def test_drop_withdraw_and_merge():
    text = with_proposals(prop(10, 3, REPLACE, "Kazakhstan", "agree", "decide"),
                          prop(11, 3, REPLACE, "India", "agree", "resolve"),
                          prop(12, 3, INSERT, "China", "hold", "regular"),
                          prop(13, 4, DELETE, "Iran"))
    assert drop(text, 13).text.proposal(13).status == DROPPED
    assert withdraw(text, 13).text.proposal(13).status == WITHDRAWN
    outcome = merge(text, 3, (10, 11), {"en": "The Member States  decide and resolve to hold consultations.",
                                        "ru": "Решили."})
    assert outcome.text.paragraph(3).text("en") == "The Member States decide and resolve to hold consultations."
    assert [p.status for p in outcome.text.proposals] == [MERGED, MERGED, OPEN, OPEN]



# Adoption ------------------------------------------------------------------------------------

def test_a_text_is_adoptable_without_brackets_objections_or_missing_languages():
    assert adoptability(DRAFT, {}).adoptable
    assert adoptability(DRAFT, {4: {"Russia": RESERVE}}).adoptable  # ad referendum
    assert adoptability(DRAFT, {4: {"India": OBJECT}}).objected == (4,)
    assert adoptability(with_proposals(prop(10, 3, DELETE, "India")), {}).bracketed == (3,)
    untranslated = replace(DRAFT, paragraphs=(*DRAFT.paragraphs, para(6, OPERATIVE, "New.", "")))
    assert adoptability(untranslated, {}).untranslated == (6,)
    assert [v.message for v in check_adoption(True, NEGOTIATING, untranslated, {4: {"India": OBJECT}})] == [
        "Paragraphs a delegation objects to: %(n)d.", "Paragraphs lacking their English or Russian wording: %(n)d."]
    assert check_adoption(True, NEGOTIATING, DRAFT, {}) == []
    assert check_adoption(False, NEGOTIATING, DRAFT, {}) != []
    assert check_adoption(True, SUBMITTED, DRAFT, {}) != []


# Who may take part, until when ----------------------------------------------------------------

MEMBER = Actor(is_secretariat=False, delegation="Kazakhstan", delegation_is_member=True, own_delegation=True)
OBSERVER = Actor(is_secretariat=False, delegation="Japan", delegation_is_member=False, own_delegation=True)
OFFICER_FOR_MEMBER = Actor(is_secretariat=True, delegation="Kazakhstan", delegation_is_member=True,
                           own_delegation=False)
DEADLINE = date(2026, 12, 10)


def facts(**kw):
    base = dict(kind=REPLACE, language="en", target="agree", text="decide", justification="",
                paragraph=DRAFT.paragraph(3), same_already_open=False)
    return ProposalFacts(**{**base, **kw})


def fields(violations):
    return [v.field for v in violations]


def test_a_member_delegation_proposes_until_the_end_of_the_deadline_day():
    assert check_proposal(MEMBER, NEGOTIATING, DEADLINE, DEADLINE, facts()) == []
    assert check_proposal(OFFICER_FOR_MEMBER, NEGOTIATING, DEADLINE, date(2026, 12, 1), facts()) == []
    assert fields(check_proposal(MEMBER, NEGOTIATING, DEADLINE, date(2026, 12, 11), facts())) == ["deadline"]


def test_an_observer_or_another_delegation_is_refused():
    assert fields(check_proposal(OBSERVER, NEGOTIATING, DEADLINE, DEADLINE, facts())) == ["delegation"]
    stranger = replace(MEMBER, own_delegation=False)
    assert fields(check_proposal(stranger, NEGOTIATING, DEADLINE, DEADLINE, facts())) == ["delegation"]
    assert fields(check_proposal(MEMBER, SUBMITTED, None, DEADLINE, facts())) == ["text"]


@pytest.mark.parametrize("changes,field", [
    (dict(target="disagree"), "target"),
    (dict(kind=REPLACE, text=" "), "text"),
    (dict(kind=DELETE, target="", text="x"), "text"),
    (dict(kind=ADD_AFTER, target="agree"), "target"),
    (dict(kind="rewrite"), "kind"),
    (dict(language="fr"), "language"),
    (dict(same_already_open=True), "text"),
    (dict(kind=DELETE, target="", text="", paragraph=DRAFT.paragraph(1)), "kind"),
    (dict(paragraph=replace(DRAFT.paragraph(3), deleted=True)), "paragraph"),
    (dict(justification="x" * 1001), "justification"),
])
def test_a_malformed_proposal_is_refused(changes, field):
    assert field in fields(check_proposal(MEMBER, NEGOTIATING, None, DEADLINE, facts(**changes)))


def test_stances_positions_and_withdrawals():
    own = prop(10, 3, DELETE, "Kazakhstan")
    other = prop(11, 3, DELETE, "India")
    assert check_stance(MEMBER, NEGOTIATING, DEADLINE, DEADLINE, other) == []
    assert fields(check_stance(MEMBER, NEGOTIATING, DEADLINE, DEADLINE, own)) == ["proposal"]
    assert fields(check_stance(MEMBER, NEGOTIATING, DEADLINE, DEADLINE, replace(other, status=DROPPED))) == ["proposal"]
    assert fields(check_stance(MEMBER, NEGOTIATING, DEADLINE, date(2026, 12, 11), other)) == ["deadline"]
    # A position needs no deadline.
    assert check_position(MEMBER, NEGOTIATING, DRAFT.paragraph(3), RESERVE) == []
    assert fields(check_position(MEMBER, NEGOTIATING, DRAFT.paragraph(3), "abstain")) == ["position"]
    assert check_withdrawal(MEMBER, NEGOTIATING, own) == []
    assert fields(check_withdrawal(MEMBER, NEGOTIATING, other)) == ["proposal"]


def test_the_chair_decides_through_the_secretariat_with_a_reason():
    text = with_proposals(prop(10, 3, REPLACE, "Kazakhstan", "agree", "decide", ru=("договорились", "решили")),
                          prop(11, 3, REPLACE, "India", "agree", "resolve"),
                          prop(12, 4, ADD_AFTER, "Iran", text="X."))
    assert check_chair_decision(True, NEGOTIATING, text, ChairDecision(ACCEPT, (10,), "consensus", {})) == []
    assert fields(check_chair_decision(False, NEGOTIATING, text, ChairDecision(ACCEPT, (10,), "x", {}))) == ["decision"]
    untranslated = ChairDecision(ACCEPT, (11,), "x", {})
    assert fields(check_chair_decision(True, NEGOTIATING, text, untranslated)) == ["proposal_ids"]
    assert fields(check_chair_decision(True, NEGOTIATING, text, ChairDecision(DROP, (11,), " ", {}))) == ["reason"]
    unknown = ChairDecision(DROP, (99,), "x", {})
    assert fields(check_chair_decision(True, NEGOTIATING, text, unknown)) == ["proposal_ids"]
    merge_ = ChairDecision(MERGE, (10, 11), "compromise", {"en": "They decide.", "ru": ""})
    assert fields(check_chair_decision(True, NEGOTIATING, text, merge_)) == ["wording_ru"]
    across = ChairDecision(MERGE, (10, 12), "x", {"en": "a", "ru": "б"})
    assert "proposal_ids" in fields(check_chair_decision(True, NEGOTIATING, text, across))


def test_the_secretariat_translates_a_proposal_into_the_other_language():
    proposal = prop(10, 3, REPLACE, "Kazakhstan", "agree", "decide")
    assert check_translation(True, NEGOTIATING, DRAFT, proposal, "ru", "договорились", "решили") == []
    assert fields(check_translation(True, NEGOTIATING, DRAFT, proposal, "ru", "нет таких слов", "x")) == ["target"]
    assert fields(check_translation(True, NEGOTIATING, DRAFT, proposal, "en", "agree", "x")) == ["language"]
    assert fields(check_translation(False, NEGOTIATING, DRAFT, proposal, "ru", "", "x")) == ["proposal"]


# The diff of revisions ---------------------------------------------------------------------

def test_word_diff_marks_removed_and_added_words():
    pieces = word_diff("They agree to hold consultations.", "They decide to hold consultations.")
    assert [(p.change, p.text) for p in pieces] == [
        (SAME, "They"), (REMOVED, "agree"), (ADDED, "decide"), (SAME, "to hold consultations.")]


def test_revision_diff_matches_paragraphs_by_key_not_number():
    before = [("1", "OP1", "A b."), ("2", "OP2", "Gone."), ("3", "OP3", "C d.")]
    after = [("1", "OP1", "A b."), ("3", "OP2", "C e."), ("p9", "OP2 bis", "New.")]
    diff = revision_diff(before, after)
    assert [(d.key, d.changed) for d in diff] == [("1", False), ("2", True), ("3", True), ("p9", True)]
    assert diff[1].pieces[0].change == REMOVED
    assert [(p.change, p.text) for p in diff[2].pieces] == [(SAME, "C"), (REMOVED, "d."), (ADDED, "e.")]
