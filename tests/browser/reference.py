"""What the journeys take from the reference data the live server loaded."""
from __future__ import annotations

from sqlalchemy import select

from secretariat_app.accounts.models.people import Delegation
from secretariat_app.accounts.models.states import Membership, MembershipStatus, State
from secretariat_app.extensions import db


def delegation_of(status: MembershipStatus) -> Delegation:
    """The delegation of a state that has had this status for good, the first by code."""
    return db.session.scalar(
        select(Delegation).join(State).join(Membership, Membership.state_id == State.id)
        .where(Membership.status == status, Membership.valid_to.is_(None)).order_by(State.code).limit(1))
