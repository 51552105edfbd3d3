"""Who may read a document and to whom a level may go, as plain data."""
from __future__ import annotations

import pytest

from secretariat_app.domain.visibility import (
    DRAFT,
    GENERAL,
    LIMITED,
    RESTRICTED,
    DocumentFacts,
    Reader,
    may_read,
    may_receive,
)

OFFICER = Reader(user_id=1, delegation_id=None, is_secretariat=True)
ALICE = Reader(user_id=2, delegation_id=10, is_secretariat=False)  # delegation 10
BOB = Reader(user_id=3, delegation_id=10, is_secretariat=False)  # the same delegation
CAROL = Reader(user_id=4, delegation_id=20, is_secretariat=False)  # another delegation
NOBODY = Reader(user_id=5, delegation_id=None, is_secretariat=False)  # no delegation


def facts(level: str, status: str = "circulated", to=(10,), named=()) -> DocumentFacts:
    return DocumentFacts(status=status, level=level, circulated_to=frozenset(to), named=frozenset(named))


@pytest.mark.parametrize("level", [GENERAL, LIMITED, RESTRICTED])
@pytest.mark.parametrize("status", [DRAFT, "circulated", "superseded", "withdrawn"])
def test_the_secretariat_reads_everything(level, status):
    assert may_read(OFFICER, facts(level, status, to=(), named=()))


@pytest.mark.parametrize("level", [GENERAL, LIMITED, RESTRICTED])
def test_nobody_else_reads_a_draft(level):
    assert not may_read(ALICE, facts(level, DRAFT, to=(10,), named=(2,)))


@pytest.mark.parametrize("level", [GENERAL, LIMITED])
@pytest.mark.parametrize("status", ["circulated", "superseded", "withdrawn"])
def test_general_and_limited_reach_the_delegations_circulated_to(level, status):
    document = facts(level, status, to=(10,))
    assert may_read(ALICE, document) and may_read(BOB, document)
    assert not may_read(CAROL, document) and not may_read(NOBODY, document)


def test_restricted_reaches_named_persons_only():
    document = facts(RESTRICTED, to=(10,), named=(2,))
    assert may_read(ALICE, document)
    assert not may_read(BOB, document)  # the same delegation, not named
    assert not may_read(CAROL, document) and not may_read(NOBODY, document)


@pytest.mark.parametrize("level,member,named,allowed", [
    (GENERAL, True, False, True),
    (GENERAL, False, False, True),
    (LIMITED, True, False, True),
    (LIMITED, False, False, False),  # an observer's delegation
    (RESTRICTED, True, False, False),  # a whole delegation, even a member's
    (RESTRICTED, False, True, True),  # a named person, whatever their delegation
    (RESTRICTED, True, True, True),
])
def test_who_may_receive_each_level(level, member, named, allowed):
    assert may_receive(level, member, named) is allowed
