"""Who may read the succession to the chairmanship, and which candidatures.

The Secretariat records every step and reads everything. A delegate of a state
that is a member today reads the succession page: the term in force, the next
term and its state, and the candidatures circulated to their delegation (when
the Chair informed the members). Observers take no part in choosing the Chair:
the page is refused to them. One definition per question, for a row and as SQL."""
from __future__ import annotations

from sqlalchemy import select, true
from sqlalchemy.sql.elements import ColumnElement

from secretariat_app.core.forum_time import forum_today
from secretariat_app.decisions.succession.models import CandidatureRecipient, ChairCandidature
from secretariat_app.permissions.roles import is_delegate, is_secretariat


def may_manage_succession(user, obj=None) -> bool:
    return is_secretariat(user)


def may_read_succession(user, obj=None) -> bool:
    """The Secretariat, and the delegates of a member state (today, in the forum's time zone)."""
    if is_secretariat(user):
        return True
    return is_delegate(user) and user.delegation is not None and user.delegation.is_member_on(forum_today())


def may_read_candidature(user, candidature: ChairCandidature) -> bool:
    """A candidature as the reader sees it: all for the Secretariat, the ones circulated
    to the reader's delegation for a delegate who may read the succession."""
    if is_secretariat(user):
        return True
    return may_read_succession(user) and any(r.delegation_id == user.delegation_id for r in candidature.recipients)


def candidature_condition(user) -> ColumnElement[bool]:
    """may_read_candidature as SQL over ChairCandidature."""
    if is_secretariat(user):
        return true()
    if not may_read_succession(user):
        return ChairCandidature.id.is_(None)  # nothing
    circulated = select(CandidatureRecipient.candidature_id).where(
        CandidatureRecipient.delegation_id == user.delegation_id)
    return ChairCandidature.id.in_(circulated)
