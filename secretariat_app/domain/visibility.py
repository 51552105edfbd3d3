"""Who may read a document, and to whom it may go: the rule as a table of plain data.

READING says, for each kind of reader, which statuses they read at all and,
for each level, how a document of that level must have reached them:

- the Secretariat reads everything, drafts included, whatever the circulation;
- anyone else (a delegate, a coordinator, an account of no delegation) reads a
  document once it has been circulated, and only if it was circulated to them:
  to their delegation (GENERAL and LIMITED), or to them by name (RESTRICTED).
  A superseded or withdrawn document stays readable by those it reached: the
  archive keeps it. A draft is the Secretariat's alone.

RECEIVING says to whom each level may be circulated: GENERAL to any
delegation, LIMITED to member delegations only, RESTRICTED to named persons
only. So an observer's delegation never receives a LIMITED document, and its
delegates never read one: READING lets them read a LIMITED document only
through a circulation to their delegation, which RECEIVING forbids. (A
delegation keeps what it received while a member: reading looks at the
circulation, not at today's membership.)

`may_read` and `may_receive` below answer from the tables, in Python.
permissions/documents.py derives the same answer in SQL from the same tables
(which rows may this reader read) and is the module every door goes through;
its tests hold the two forms to the same answers over every combination."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

GENERAL, LIMITED, RESTRICTED = "general", "limited", "restricted"
LEVELS = (GENERAL, LIMITED, RESTRICTED)  # the widest readership first
DRAFT, CIRCULATED, SUPERSEDED, WITHDRAWN = "draft", "circulated", "superseded", "withdrawn"
STATUSES = (DRAFT, CIRCULATED, SUPERSEDED, WITHDRAWN)

# Kinds of reader.
SECRETARIAT = "secretariat"
RECIPIENT = "recipient"  # anyone else: reads what reached them

# How a document must have reached a reader for them to read it.
ALWAYS = "always"  # whatever its circulation
DELEGATION = "delegation"  # circulated to the reader's delegation
NAMED = "named"  # circulated to the reader by name
WAYS = (ALWAYS, DELEGATION, NAMED)


@dataclass(frozen=True)
class ReadingRule:
    """What one kind of reader reads: the statuses they read at all, and for
    each level the way a document must have reached them."""

    statuses: frozenset[str]
    reached: Mapping[str, str]  # level -> one of WAYS

    def levels_reached(self, way: str) -> frozenset[str]:
        """The levels this kind of reader reads when a document reached them by `way`."""
        return frozenset(level for level, how in self.reached.items() if how == way)

    @property
    def ways(self) -> tuple[str, ...]:
        """The ways that open a document to this kind of reader, in WAYS order."""
        return tuple(way for way in WAYS if way in self.reached.values())


READING: Mapping[str, ReadingRule] = MappingProxyType({
    SECRETARIAT: ReadingRule(frozenset(STATUSES), MappingProxyType({level: ALWAYS for level in LEVELS})),
    RECIPIENT: ReadingRule(frozenset(STATUSES) - {DRAFT},
                           MappingProxyType({GENERAL: DELEGATION, LIMITED: DELEGATION, RESTRICTED: NAMED})),
})

# To whom a level may be circulated.
ANY_DELEGATION, MEMBER_DELEGATIONS, NAMED_PERSONS = "any delegation", "member delegations", "named persons"
RECEIVING: Mapping[str, str] = MappingProxyType({
    GENERAL: ANY_DELEGATION,
    LIMITED: MEMBER_DELEGATIONS,
    RESTRICTED: NAMED_PERSONS,
})


@dataclass(frozen=True)
class Reader:
    user_id: int
    delegation_id: int | None
    is_secretariat: bool

    @property
    def kind(self) -> str:
        return SECRETARIAT if self.is_secretariat else RECIPIENT

    @property
    def rule(self) -> ReadingRule:
        return READING[self.kind]


@dataclass(frozen=True)
class DocumentFacts:
    status: str
    level: str
    circulated_to: frozenset[int]  # delegation ids
    named: frozenset[int] = frozenset()  # user ids (RESTRICTED)


def reached(reader: Reader, document: DocumentFacts, way: str) -> bool:
    """Whether `document` reached `reader` by `way`."""
    if way == ALWAYS:
        return True
    if way == DELEGATION:
        return reader.delegation_id is not None and reader.delegation_id in document.circulated_to
    if way == NAMED:
        return reader.user_id in document.named
    raise ValueError(f"unknown way {way!r}")


def may_read(reader: Reader, document: DocumentFacts) -> bool:
    rule = reader.rule
    way = rule.reached.get(document.level)
    return document.status in rule.statuses and way is not None and reached(reader, document, way)


def may_receive(level: str, delegation_is_member: bool, named: bool) -> bool:
    """To whom a level may be circulated (RECEIVING): GENERAL to anyone, LIMITED
    to member delegations, RESTRICTED to named persons only."""
    receivers = RECEIVING.get(level)
    if receivers == ANY_DELEGATION:
        return True
    if receivers == MEMBER_DELEGATIONS:
        return delegation_is_member
    return receivers == NAMED_PERSONS and named
