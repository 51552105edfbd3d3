"""Who may see a decision, break its silence and read a written objection.

- The Secretariat sees every decision; anyone logged in reads adopted ones.
- A draft under silence (or stopped by an objection) is seen by the delegates of
  the delegations it was circulated to (`SilenceCirculation`): every member
  delegation of the day it was circulated, and the observers the Secretariat
  chose to circulate it to, for information. Nobody else sees it (404).
- Breaking silence is for a member's delegation only: a delegate (or coordinator)
  whose delegation it was circulated to as a member and whose state is a member
  today. Whether the deadline has passed is not an access rule: the page says so.
- A written objection (its text and file) is read by the Secretariat, by the
  delegation that lodged it, and by the member delegations the draft went to.

Each rule is one definition in two shapes where a list needs it: `may_read_decision`
for one row and `decision_condition` as SQL for a list (the dashboard's "needs you")."""
from __future__ import annotations

from sqlalchemy import and_, exists, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from secretariat_app.core.forum_time import forum_today
from secretariat_app.decisions.models import (
    Decision,
    DecisionStatus,
    Procedure,
    SilenceCirculation,
    SilenceObjection,
)
from secretariat_app.permissions.roles import is_delegate, is_secretariat

PUBLIC_STATUSES = frozenset({DecisionStatus.ADOPTED})  # read by anyone logged in
CIRCULATED_STATUSES = frozenset({DecisionStatus.UNDER_SILENCE, DecisionStatus.STOPPED})  # read by those reached


def _sorted(statuses: frozenset[DecisionStatus]) -> list[DecisionStatus]:
    return sorted(statuses, key=lambda status: status.value)


def circulation_of(user, decision: Decision) -> SilenceCirculation | None:
    """The row that took `decision` to the user's delegation, if any."""
    if not is_delegate(user):
        return None
    return next((row for row in decision.circulations if row.delegation_id == user.delegation_id), None)


def may_read_decision(user, decision: Decision) -> bool:
    if is_secretariat(user) or decision.status in PUBLIC_STATUSES:
        return True
    return decision.status in CIRCULATED_STATUSES and circulation_of(user, decision) is not None


def decision_condition(user, decision=Decision) -> ColumnElement[bool]:
    """may_read_decision as SQL: the decisions `user` may read."""
    if is_secretariat(user):
        return true()
    public = decision.status.in_(_sorted(PUBLIC_STATUSES))
    if not is_delegate(user):
        return public
    reached = exists(select(SilenceCirculation.id).where(SilenceCirculation.decision_id == decision.id,
                                                         SilenceCirculation.delegation_id == user.delegation_id))
    return or_(public, and_(decision.status.in_(_sorted(CIRCULATED_STATUSES)), reached))


def may_break_silence(user, decision: Decision) -> bool:
    """A member delegation the draft went to. Also once adopted: a late objection is then
    refused by the service with the deadline, not by a bare 403."""
    if decision.procedure != Procedure.SILENCE or decision.status == DecisionStatus.DRAFT:
        return False
    row = circulation_of(user, decision)
    return row is not None and row.as_member and user.delegation.is_member_on(forum_today())


def may_read_objection(user, objection: SilenceObjection) -> bool:
    if is_secretariat(user):
        return True
    if not is_delegate(user):
        return False
    if objection.delegation_id == user.delegation_id:
        return True
    row = circulation_of(user, objection.decision)
    return row is not None and row.as_member
