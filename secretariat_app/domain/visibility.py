"""Who may read a document, as a function of plain data.

The Secretariat reads everything. Anyone else reads a document only once it
has been circulated, and only if it was circulated to them: to their
delegation (GENERAL and LIMITED), or to them by name (RESTRICTED). A
superseded or withdrawn document stays readable by those it reached: the
archive keeps it. A draft is the Secretariat's alone."""
from __future__ import annotations

from dataclasses import dataclass

GENERAL, LIMITED, RESTRICTED = "general", "limited", "restricted"
DRAFT = "draft"


@dataclass(frozen=True)
class Reader:
    user_id: int
    delegation_id: int | None
    is_secretariat: bool


@dataclass(frozen=True)
class DocumentFacts:
    status: str
    level: str
    circulated_to: frozenset[int]  # delegation ids
    named: frozenset[int] = frozenset()  # user ids (RESTRICTED)


def may_read(reader: Reader, document: DocumentFacts) -> bool:
    if reader.is_secretariat:
        return True
    if document.status == DRAFT:
        return False
    if document.level == RESTRICTED:
        return reader.user_id in document.named
    return reader.delegation_id is not None and reader.delegation_id in document.circulated_to


def may_receive(level: str, delegation_is_member: bool, named: bool) -> bool:
    """To whom a level may be circulated: GENERAL to anyone, LIMITED to member
    delegations, RESTRICTED to named persons only."""
    if level == GENERAL:
        return True
    if level == LIMITED:
        return delegation_is_member
    return named
