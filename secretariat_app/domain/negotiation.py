"""A negotiated text, without a database: its paragraphs, the amendments the
member delegations propose, and what the chair decides on them.

- A text is made of numbered parts: the title, preambular paragraphs (PP1…)
  and operative paragraphs (OP1…), each worded in English and Russian.
- An amendment (a proposal) is made to one paragraph, in one language: replace
  words (or the whole wording), insert words after given words (or at the
  end), delete the paragraph, or add a new paragraph after it. The
  Secretariat records its translation into the other working language.
- The chair accepts a proposal (it becomes the paragraph's wording), drops
  it, or merges alternatives into new wording. A proposal that no longer fits
  the wording the chair's decision left (its words are gone, or its paragraph
  was deleted) lapses: competing alternatives fall away with the one chosen.
  So an open proposal always applies to the current wording.
- Nothing is deleted: a withdrawn, dropped, merged or lapsed proposal stays,
  with its status; a deleted paragraph stays, marked deleted.

Statuses and kinds are plain strings (the values of negotiations.models' enums).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

LANGUAGES = ("en", "ru")

# Parts of a text
TITLE, PREAMBULAR, OPERATIVE = "title", "preambular", "operative"
PART_KINDS = (TITLE, PREAMBULAR, OPERATIVE)

# Kinds of amendment
REPLACE, INSERT, DELETE, ADD_AFTER = "replace", "insert", "delete", "add_after"
PROPOSAL_KINDS = (REPLACE, INSERT, DELETE, ADD_AFTER)
NEEDS_WORDING = (REPLACE, INSERT, ADD_AFTER)  # DELETE carries no words

# Where a proposal stands
OPEN, ACCEPTED, DROPPED, MERGED, LAPSED, WITHDRAWN = "open", "accepted", "dropped", "merged", "lapsed", "withdrawn"
PROPOSAL_STATUSES = (OPEN, ACCEPTED, DROPPED, MERGED, LAPSED, WITHDRAWN)

# A delegation's stance on another's proposal, and its position on a paragraph
SUPPORT, OPPOSE = "support", "object"
AGREE, RESERVE, OBJECT = "agree", "reserve", "object"
POSITIONS = (AGREE, RESERVE, OBJECT)

_SPACES = re.compile(r"\s+")


def tidy(wording: str) -> str:
    """Wording as it is kept: single spaces, no space before a comma, full stop, semicolon or colon."""
    return re.sub(r"\s+([,.;:])", r"\1", _SPACES.sub(" ", wording or "")).strip()


@dataclass(frozen=True)
class Paragraph:
    """One part of the text, worded in each language (`wording[lang]`)."""

    id: int
    kind: str
    wording: Mapping[str, str]
    deleted: bool = False
    added_after: int | None = None  # the paragraph an accepted ADD_AFTER put it after

    def text(self, language: str) -> str:
        return self.wording.get(language, "")


@dataclass(frozen=True)
class Wording:
    """A proposal's words in one language: `target`, the words replaced (REPLACE) or the
    words after which to insert (INSERT), blank for the whole paragraph or its end;
    `text`, the new words (blank for DELETE)."""

    target: str = ""
    text: str = ""


@dataclass(frozen=True)
class Proposal:
    id: int
    paragraph_id: int
    kind: str
    delegation: str  # the proposing delegation, as the compiled text names it
    language: str  # the language it was made in
    wording: Mapping[str, Wording]  # the original, and the Secretariat's translation once done
    status: str = OPEN
    supporters: tuple[str, ...] = ()
    objectors: tuple[str, ...] = ()
    justification: str = ""

    @property
    def translated(self) -> bool:
        return all(language in self.wording for language in LANGUAGES)

    def in_language(self, language: str) -> tuple[Wording, bool]:
        """The words to show in `language`, and whether they are the original awaiting translation."""
        if language in self.wording:
            return self.wording[language], False
        return self.wording[self.language], True


@dataclass(frozen=True)
class Text:
    """The paragraphs in their order, and every proposal ever made to them."""

    paragraphs: tuple[Paragraph, ...]
    proposals: tuple[Proposal, ...] = ()

    def paragraph(self, paragraph_id: int) -> Paragraph:
        for paragraph in self.paragraphs:
            if paragraph.id == paragraph_id:
                return paragraph
        raise KeyError(paragraph_id)

    def proposal(self, proposal_id: int) -> Proposal:
        for proposal in self.proposals:
            if proposal.id == proposal_id:
                return proposal
        raise KeyError(proposal_id)

    def open_proposals(self, paragraph_id: int | None = None) -> list[Proposal]:
        return [p for p in self.proposals
                if p.status == OPEN and (paragraph_id is None or p.paragraph_id == paragraph_id)]


# Numbering ------------------------------------------------------------------------------

PART_LABELS = {
    "en": {TITLE: "Title", PREAMBULAR: "PP", OPERATIVE: "OP"},
    "ru": {TITLE: "Название", PREAMBULAR: "ПП", OPERATIVE: "ОП"},
}
LATIN_ORDINALS = ("bis", "ter", "quater", "quinquies", "sexies", "septies", "octies", "novies", "decies")


def labels(paragraphs: Iterable[Paragraph], language: str = "en") -> dict[int, str]:
    """Each paragraph's label ("PP2", "OP1", "Title"), numbered within its kind; deleted paragraphs
    keep no number (they are shown as deleted under their former place, unnumbered)."""
    words = PART_LABELS.get(language, PART_LABELS["en"])
    counts = {PREAMBULAR: 0, OPERATIVE: 0}
    result: dict[int, str] = {}
    for paragraph in paragraphs:
        if paragraph.kind == TITLE:
            result[paragraph.id] = words[TITLE]
        elif paragraph.deleted:
            result[paragraph.id] = ""
        else:
            counts[paragraph.kind] += 1
            result[paragraph.id] = f"{words[paragraph.kind]}{counts[paragraph.kind]}"
    return result


def added_label(anchor_label: str, n: int) -> str:
    """The label of the `n`-th (from 1) new paragraph proposed after `anchor_label`: "OP2 bis", "OP2 ter"…"""
    suffix = LATIN_ORDINALS[n - 1] if n <= len(LATIN_ORDINALS) else f"({n + 1})"
    return f"{anchor_label} {suffix}".strip()


# Applying a proposal ----------------------------------------------------------------------

def applies(paragraph: Paragraph, proposal: Proposal, language: str) -> bool:
    """Whether the proposal's words in `language` fit the paragraph's current wording."""
    if paragraph.deleted:
        return proposal.kind == ADD_AFTER
    words, _ = proposal.in_language(language)
    if proposal.kind in (REPLACE, INSERT) and words.target:
        return words.target in paragraph.text(language)
    return True


def applied(wording: str, kind: str, words: Wording) -> str:
    """The paragraph's wording once the amendment is made (ADD_AFTER: the new paragraph's wording;
    DELETE: nothing). The words replaced or followed are their first occurrence."""
    if kind == REPLACE:
        if not words.target:
            return tidy(words.text)
        return tidy(wording.replace(words.target, words.text, 1))
    if kind == INSERT:
        if not words.target:
            return tidy(f"{wording} {words.text}")
        at = wording.find(words.target)
        if at < 0:
            return tidy(wording)
        end = at + len(words.target)
        return tidy(f"{wording[:end]} {words.text} {wording[end:]}")
    if kind == ADD_AFTER:
        return tidy(words.text)
    return ""


def fits_everywhere(paragraph: Paragraph, proposal: Proposal) -> bool:
    """Whether the proposal applies in every language it is worded in."""
    return all(applies(paragraph, proposal, language) for language in proposal.wording)


# The chair's decisions --------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """The text after a decision, and the proposals that lapsed because of it."""

    text: Text
    lapsed: tuple[int, ...] = field(default_factory=tuple)


def _with_status(text: Text, statuses: Mapping[int, str]) -> tuple[Proposal, ...]:
    return tuple(replace(p, status=statuses[p.id]) if p.id in statuses else p for p in text.proposals)


def _lapse_misfits(text: Text, paragraph_id: int) -> Outcome:
    """Open proposals of the paragraph that no longer fit its wording lapse."""
    paragraph = text.paragraph(paragraph_id)
    lapsed = tuple(p.id for p in text.open_proposals(paragraph_id) if not fits_everywhere(paragraph, p))
    if not lapsed:
        return Outcome(text)
    return Outcome(replace(text, proposals=_with_status(text, dict.fromkeys(lapsed, LAPSED))), lapsed)


def _reworded(text: Text, paragraph_id: int, wording: Mapping[str, str] | None, deleted: bool = False) -> Text:
    paragraphs = tuple(
        replace(p, wording=dict(wording) if wording is not None else p.wording, deleted=deleted or p.deleted)
        if p.id == paragraph_id else p
        for p in text.paragraphs
    )
    return replace(text, paragraphs=paragraphs)


def accept(text: Text, proposal_id: int, new_paragraph_id: int | None = None) -> Outcome:
    """The text once the chair accepts an open, translated proposal: its wording becomes the
    paragraph's (ADD_AFTER: a new paragraph `new_paragraph_id`, of the same kind, after it;
    DELETE: the paragraph is marked deleted). Proposals that no longer fit lapse.
    The caller checks the rules first (negotiation_rules.check_chair_decision)."""
    proposal = text.proposal(proposal_id)
    paragraph = text.paragraph(proposal.paragraph_id)
    accepted = replace(text, proposals=_with_status(text, {proposal_id: ACCEPTED}))
    if proposal.kind == ADD_AFTER:
        if new_paragraph_id is None:
            raise ValueError("a new paragraph needs its id")
        new = Paragraph(new_paragraph_id, paragraph.kind,
                        {lang: applied("", ADD_AFTER, w) for lang, w in proposal.wording.items()},
                        added_after=paragraph.id)
        at = accepted.paragraphs.index(paragraph) + 1
        # After the anchor and the paragraphs already added after it: in the order accepted.
        while at < len(accepted.paragraphs) and accepted.paragraphs[at].added_after == paragraph.id:
            at += 1
        return Outcome(replace(accepted, paragraphs=accepted.paragraphs[:at] + (new,) + accepted.paragraphs[at:]))
    if proposal.kind == DELETE:
        return _lapse_misfits(_reworded(accepted, paragraph.id, None, deleted=True), paragraph.id)
    wording = {lang: applied(paragraph.text(lang), proposal.kind, w) for lang, w in proposal.wording.items()}
    return _lapse_misfits(_reworded(accepted, paragraph.id, wording), paragraph.id)


def drop(text: Text, proposal_id: int) -> Outcome:
    """The text once the chair drops a proposal: the wording is unchanged."""
    return Outcome(replace(text, proposals=_with_status(text, {proposal_id: DROPPED})))


def withdraw(text: Text, proposal_id: int) -> Outcome:
    """The text once the proposing delegation withdraws its proposal."""
    return Outcome(replace(text, proposals=_with_status(text, {proposal_id: WITHDRAWN})))


def merge(text: Text, paragraph_id: int, proposal_ids: Iterable[int], wording: Mapping[str, str]) -> Outcome:
    """The text once the chair merges alternatives into new wording of the paragraph: the merged
    proposals are marked merged, and the other open ones that no longer fit lapse."""
    reworded = _reworded(text, paragraph_id, {lang: tidy(w) for lang, w in wording.items()})
    merged = replace(reworded, proposals=_with_status(reworded, dict.fromkeys(proposal_ids, MERGED)))
    return _lapse_misfits(merged, paragraph_id)


# When a text may be adopted -----------------------------------------------------------------

@dataclass(frozen=True)
class Adoptability:
    bracketed: tuple[int, ...]  # paragraphs with open proposals
    objected: tuple[int, ...]  # paragraphs on which a delegation's current position is "object"
    untranslated: tuple[int, ...]  # paragraphs missing a working language

    @property
    def adoptable(self) -> bool:
        return not (self.bracketed or self.objected or self.untranslated)


def adoptability(text: Text, positions: Mapping[int, Mapping[str, str]]) -> Adoptability:
    """Whether the text may be adopted: no brackets left (no open proposal), no current position
    "object", every remaining paragraph worded in both languages. `positions` maps a paragraph
    to each delegation's current position on it. Reservations do not stop it: such a paragraph
    is agreed ad referendum."""
    live = [p for p in text.paragraphs if not p.deleted]
    bracketed = tuple(p.id for p in live if text.open_proposals(p.id))
    objected = tuple(p.id for p in live if OBJECT in positions.get(p.id, {}).values())
    untranslated = tuple(p.id for p in live if not all(p.text(lang).strip() for lang in LANGUAGES))
    return Adoptability(bracketed, objected, untranslated)
