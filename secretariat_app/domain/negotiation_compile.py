"""The compilation text, without a database: the current wording of each paragraph, and
where proposals are open, the alternatives in square brackets, each attributed to the
delegations that proposed and supported it, with objections noted; reservations marked,
and a paragraph agreed with reservations marked "agreed ad referendum".

`compile_text` is a pure function of the text (paragraphs and proposals) and the
delegations' current positions, in one language; `render_paragraph` writes a compiled
paragraph as the lines of the document (the DOCX, the PDF and the revision's diff use it).
Proposals that make the paragraph read the same are one alternative, with every
proposer named.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from secretariat_app.domain.negotiation import (
    ADD_AFTER,
    DELETE,
    OBJECT,
    RESERVE,
    TITLE,
    Paragraph,
    Proposal,
    Text,
    added_label,
    applied,
    labels,
)


@dataclass(frozen=True)
class Alternative:
    """One bracketed alternative: the paragraph as it would read (blank when it would be deleted)."""

    proposal_ids: tuple[int, ...]
    kind: str
    wording: str
    proposers: tuple[str, ...]
    supporters: tuple[str, ...]
    objectors: tuple[str, ...]
    awaiting_translation: bool  # worded in the other language until the Secretariat translates it


@dataclass(frozen=True)
class CompiledParagraph:
    label: str
    kind: str
    wording: str  # the current wording (of a proposed new paragraph: its proposed wording)
    paragraph_id: int | None  # None for a proposed new paragraph
    alternatives: tuple[Alternative, ...] = ()
    reserved_by: tuple[str, ...] = ()
    objected_by: tuple[str, ...] = ()
    proposed: bool = False  # a new paragraph some delegation proposes: bracketed as a whole

    @property
    def bracketed(self) -> bool:
        return self.proposed or bool(self.alternatives)

    @property
    def ad_referendum(self) -> bool:
        """Agreed, but subject to confirmation by a capital."""
        return not self.bracketed and not self.objected_by and bool(self.reserved_by)


def _union(*groups: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in groups:
        seen.update(dict.fromkeys(group))
    return tuple(seen)


def _alternatives(paragraph: Paragraph, proposals: list[Proposal], language: str) -> tuple[Alternative, ...]:
    """The open amendments of a paragraph, those that make it read the same taken together, in the
    order they were first proposed."""
    grouped: dict[tuple[str, str], list[tuple[Proposal, bool]]] = {}
    for proposal in proposals:
        words, pending = proposal.in_language(language)
        base = paragraph.text(proposal.language if pending else language)
        wording = applied(base, proposal.kind, words)
        grouped.setdefault((proposal.kind, wording), []).append((proposal, pending))
    result = []
    for (kind, wording), members in grouped.items():
        proposers = _union(*((p.delegation,) for p, _ in members))
        supporters = tuple(d for d in _union(*(p.supporters for p, _ in members)) if d not in proposers)
        objectors = tuple(d for d in _union(*(p.objectors for p, _ in members)) if d not in proposers)
        result.append(Alternative(tuple(p.id for p, _ in members), kind, wording, proposers, supporters,
                                  objectors, any(pending for _, pending in members)))
    return tuple(result)


def _positions(positions: Mapping[str, str], which: str) -> tuple[str, ...]:
    return tuple(sorted(d for d, position in positions.items() if position == which))


def compile_text(text: Text, positions: Mapping[int, Mapping[str, str]] | None = None,
                 language: str = "en") -> tuple[CompiledParagraph, ...]:
    """The compilation text in `language`. `positions` maps a paragraph to each delegation's current
    position on it. Deleted paragraphs are left out; a new paragraph proposed after one follows it."""
    positions = positions or {}
    numbers = labels(text.paragraphs, language)
    result: list[CompiledParagraph] = []
    last_label = ""
    for paragraph in text.paragraphs:
        open_here = text.open_proposals(paragraph.id)
        if not paragraph.deleted:
            last_label = numbers[paragraph.id]
            stated = positions.get(paragraph.id, {})
            amendments = [p for p in open_here if p.kind != ADD_AFTER]
            result.append(CompiledParagraph(
                last_label, paragraph.kind, paragraph.text(language), paragraph.id,
                _alternatives(paragraph, amendments, language),
                _positions(stated, RESERVE), _positions(stated, OBJECT),
            ))
        additions = _alternatives(paragraph, [p for p in open_here if p.kind == ADD_AFTER], language)
        for n, addition in enumerate(additions, start=1):
            result.append(CompiledParagraph(added_label(last_label, n), paragraph.kind, addition.wording, None,
                                            (addition,), proposed=True))
    return tuple(result)


# Writing it out ---------------------------------------------------------------------------------

WORDS = {
    "en": {"alt": "Alt. %d", "delete": "Delete", "proposed": "proposed by %s", "supported": "supported by %s",
           "objected": "objected to by %s", "reserved": "Reservation: %s", "objection": "Objection: %s",
           "ad_ref": "agreed ad referendum", "pending": "translation pending", "new": "New paragraph",
           "count": "%d delegation(s)"},
    "ru": {"alt": "Вариант %d", "delete": "Исключить", "proposed": "предложение: %s", "supported": "при поддержке: %s",
           "objected": "возражает: %s", "reserved": "Оговорка: %s", "objection": "Возражение: %s",
           "ad_ref": "согласовано ad referendum", "pending": "перевод ожидается", "new": "Новый пункт",
           "count": "делегаций: %d"},
}


def attribution(alternative: Alternative, language: str = "en") -> str:
    """Who proposed, supported and objected to an alternative: "proposed by A, B; supported by C"."""
    words = WORDS.get(language, WORDS["en"])
    parts = [words["proposed"] % ", ".join(alternative.proposers)]
    if alternative.supporters:
        parts.append(words["supported"] % ", ".join(alternative.supporters))
    if alternative.objectors:
        parts.append(words["objected"] % ", ".join(alternative.objectors))
    if alternative.awaiting_translation:
        parts.append(words["pending"])
    return "; ".join(parts)


def _who(names: tuple[str, ...], words: Mapping[str, str], name_positions: bool) -> str:
    return ", ".join(names) if name_positions else words["count"] % len(names)


@dataclass(frozen=True)
class Line:
    """One line of a compiled paragraph: `text`, `bracketed` (in square brackets), `note` (an
    attribution or a mark, set apart), each ready to print."""

    text: str
    bracketed: bool = False
    note: str = ""


def render_paragraph(paragraph: CompiledParagraph, language: str = "en", name_positions: bool = True) -> list[Line]:
    """The lines of a compiled paragraph: its wording (in brackets when alternatives are open), each
    alternative in brackets with its attribution, then its reservations and objections. With
    `name_positions` off, positions are given as counts of delegations."""
    words = WORDS.get(language, WORDS["en"])
    if paragraph.proposed:
        (addition,) = paragraph.alternatives
        return [Line(addition.wording, True, attribution(addition, language))]
    lines = [Line(paragraph.wording, paragraph.bracketed, words["ad_ref"] if paragraph.ad_referendum else "")]
    for n, alternative in enumerate(paragraph.alternatives, start=1):
        head = words["delete"] if alternative.kind == DELETE else words["alt"] % n
        text = head if alternative.kind == DELETE else f"{head}: {alternative.wording}"
        lines.append(Line(text, True, attribution(alternative, language)))
    if paragraph.reserved_by:
        lines.append(Line("", note=words["reserved"] % _who(paragraph.reserved_by, words, name_positions)))
    if paragraph.objected_by:
        lines.append(Line("", note=words["objection"] % _who(paragraph.objected_by, words, name_positions)))
    return lines


def as_plain_text(paragraph: CompiledParagraph, language: str = "en", name_positions: bool = True) -> str:
    """A compiled paragraph as one string, brackets and attributions inline (the diff's unit)."""
    pieces = []
    for line in render_paragraph(paragraph, language, name_positions):
        piece = f"[{line.text}]" if line.bracketed else line.text
        if line.note:
            piece = f"{piece} ({line.note})" if piece else f"({line.note})"
        pieces.append(piece)
    label = "" if paragraph.kind == TITLE else paragraph.label
    return " ".join(p for p in ([label] if label else []) + pieces if p)


def is_clean(compiled: tuple[CompiledParagraph, ...]) -> bool:
    """No brackets anywhere in the compiled text."""
    return not any(paragraph.bracketed for paragraph in compiled)
