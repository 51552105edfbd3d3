"""What changed from one revision of a negotiated text to the next, paragraph by paragraph,
word by word (difflib), without a database.

A revision is kept as its compiled paragraphs, each as one plain string keyed by the
paragraph it came from (negotiation_compile.as_plain_text); a proposed new paragraph is
keyed by its proposal. Paragraphs are matched by key, so a renumbered paragraph is
compared with itself, not with the one that took its number.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

SAME, ADDED, REMOVED = "same", "added", "removed"
_TOKENS = re.compile(r"\S+")


@dataclass(frozen=True)
class Piece:
    change: str  # SAME, ADDED or REMOVED
    text: str


@dataclass(frozen=True)
class ParagraphDiff:
    key: str
    label: str
    pieces: tuple[Piece, ...]

    @property
    def changed(self) -> bool:
        return any(piece.change != SAME for piece in self.pieces)


def word_diff(before: str, after: str) -> tuple[Piece, ...]:
    """The words of `after` against `before`: runs kept, removed and added, in reading order."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece(SAME, " ".join(old[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(Piece(REMOVED, " ".join(old[a1:a2])))
        if b2 > b1:
            pieces.append(Piece(ADDED, " ".join(new[b1:b2])))
    return tuple(pieces)


def revision_diff(before: Sequence[tuple[str, str, str]], after: Sequence[tuple[str, str, str]]) -> list[ParagraphDiff]:
    """Each paragraph of `after` (key, label, text) against the same key in `before`, in `after`'s
    order; a paragraph only in `before` follows the paragraph it followed there, all removed."""
    earlier = {key: text for key, _, text in before}
    later_keys = {key for key, _, _ in after}
    result: list[ParagraphDiff] = []
    gone_after: dict[str | None, list[ParagraphDiff]] = {}
    previous: str | None = None
    for key, label, text in before:
        if key not in later_keys:
            gone_after.setdefault(previous, []).append(ParagraphDiff(key, label, (Piece(REMOVED, text),)))
        else:
            previous = key
    result += gone_after.get(None, [])
    for key, label, text in after:
        pieces = word_diff(earlier[key], text) if key in earlier else (Piece(ADDED, text),)
        result.append(ParagraphDiff(key, label, pieces))
        result += gone_after.get(key, [])
    return result
