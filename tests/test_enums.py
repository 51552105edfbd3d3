"""The enumerations that hash by identity (core/columns.IdentityEnum): a member
is equal to itself only, so dicts and sets of members, and members that came
back from a pickle (a Celery task's arguments), behave as with Enum's own hash."""
from __future__ import annotations

import pickle

import pytest

from secretariat_app.accounts.models.people import Role
from secretariat_app.core.columns import IdentityEnum
from secretariat_app.documents.models import DistributionLevel, DocumentStatus, DocumentType

KINDS = (DocumentType, DistributionLevel, DocumentStatus, Role)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.__name__)
def test_members_hash_by_identity_and_equal_only_themselves(kind):
    assert issubclass(kind, IdentityEnum)
    members = list(kind)
    table = {member: member.value for member in members}
    for member in members:
        assert hash(member) == object.__hash__(member)
        assert table[member] == member.value and kind(member.value) is member
        back = pickle.loads(pickle.dumps(member))
        assert back is member and back in table and back in set(members)
        assert member != member.value and member.value not in table  # equal to itself only, as before
    assert len(set(members)) == len(members)
