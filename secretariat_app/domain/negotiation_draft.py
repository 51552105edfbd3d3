"""Reading a draft as the Secretariat types or pastes it, without a database.

Paragraphs are separated by a blank line. The first is the title; each other one
starts with its kind, "PP" (preambular) or "OP" (operative), in Latin or Cyrillic
letters ("ПП", "ОП"), optionally numbered and followed by a full stop, a colon or
a dash ("OP1. The Member States…"). The English and the Russian drafts must have
the same parts in the same order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from secretariat_app.domain.negotiation import OPERATIVE, PREAMBULAR, TITLE, tidy
from secretariat_app.domain.violations import N_, Violation

PARAGRAPHS_MAX = 200
_MARK = re.compile(r"^\s*(PP|OP|ПП|ОП)\s*\d*\s*[.:\-–—)]?\s*", re.IGNORECASE)
_KINDS = {"pp": PREAMBULAR, "пп": PREAMBULAR, "op": OPERATIVE, "оп": OPERATIVE}
_BLANK_LINE = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class DraftPart:
    kind: str
    en: str
    ru: str


def _parts(draft: str) -> list[tuple[str, str]] | None:
    """The draft's (kind, wording) in order, or None when a paragraph after the title has no kind."""
    blocks = [b.strip() for b in _BLANK_LINE.split((draft or "").replace("\r\n", "\n")) if b.strip()]
    if not blocks:
        return []
    parts = [(TITLE, tidy(blocks[0]))]
    for block in blocks[1:]:
        mark = _MARK.match(block)
        if mark is None:
            return None
        parts.append((_KINDS[mark.group(1).lower()], tidy(block[mark.end():])))
    return parts


def parse_draft(en: str, ru: str) -> tuple[list[DraftPart], list[Violation]]:
    """The draft's parts in both languages, or what is wrong with it."""
    parsed = {"en": _parts(en), "ru": _parts(ru)}
    violations = []
    for language, parts in parsed.items():
        if parts is None:
            violations.append(Violation(f"draft_{language}", N_(
                "Start each paragraph after the title with PP or OP, and separate paragraphs by a blank line.")))
        elif len(parts) < 2:
            violations.append(Violation(f"draft_{language}", N_("Give the title and at least one paragraph.")))
        elif len(parts) > PARAGRAPHS_MAX:
            violations.append(Violation(f"draft_{language}", N_("Use at most %(n)d paragraphs."),
                                        {"n": PARAGRAPHS_MAX}))
        elif any(not wording for _, wording in parts):
            violations.append(Violation(f"draft_{language}", N_("A paragraph has no words.")))
    if violations:
        return [], violations
    en_parts, ru_parts = parsed["en"] or [], parsed["ru"] or []
    if [kind for kind, _ in en_parts] != [kind for kind, _ in ru_parts]:
        return [], [Violation("draft_ru", N_("The Russian draft must have the same paragraphs, in the same order, "
                                             "as the English one."))]
    if [kind for kind, _ in en_parts][1:] != sorted((k for k, _ in en_parts[1:]), key=(PREAMBULAR, OPERATIVE).index):
        return [], [Violation("draft_en", N_("Preambular paragraphs come before operative ones."))]
    return [DraftPart(kind, e, r) for (kind, e), (_, r) in zip(en_parts, ru_parts, strict=True)], []
