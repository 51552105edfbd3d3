"""Delegations: one per state or organisation that holds (or held) a status in CICA.

create_delegation checks the rules (RuleViolations, nothing written), then
writes the delegation and its audit entry in one transaction and commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.accounts.models.states import Membership, MembershipStatus, State
from secretariat_app.audit import services as audit
from secretariat_app.core.localisation import by_name
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db

DELEGATION_FIELDS = ("state_id",)


@dataclass(frozen=True)
class DelegationRow:
    """One line of the delegations list."""

    delegation: Delegation
    status: MembershipStatus | None
    user_count: int


def delegation_of(state: State) -> Delegation | None:
    """The state's delegation, or None."""
    return db.session.scalar(select(Delegation).where(Delegation.state_id == state.id))


def add_delegation(actor: User | None, state: State) -> Delegation:
    """Add a delegation for `state` and its audit entry to the current
    transaction, without checks and without committing (the caller does)."""
    delegation = Delegation(state_id=state.id)
    db.session.add(delegation)
    db.session.flush()
    audit.record(actor, "delegation.create", "delegation", delegation.id, None,
                 audit.snapshot(delegation, DELEGATION_FIELDS))
    return delegation


def _already_exists() -> Violation:
    return Violation("state", N_("This state already has a delegation."))


def create_delegation(actor: User | None, state: State) -> Delegation:
    """Create the delegation of `state` and commit. Raises RuleViolations,
    writing nothing, when the state has one already or has never held a status."""
    violations: list[Violation] = []
    if delegation_of(state) is not None:
        violations.append(_already_exists())
    has_membership = db.session.scalar(select(Membership.id).where(Membership.state_id == state.id).limit(1))
    if has_membership is None:
        violations.append(Violation("state", N_("Give the state a membership status before its delegation.")))
    if violations:
        raise RuleViolations(violations)
    try:
        delegation = add_delegation(actor, state)
        db.session.commit()
    except IntegrityError:  # created concurrently: the unique state_id refused the second
        db.session.rollback()
        raise RuleViolations([_already_exists()]) from None
    return delegation


def states_without_delegation(language: str = "en") -> list[State]:
    """States with at least one membership and no delegation, by name in `language`."""
    with_delegation = select(Delegation.state_id)
    with_membership = select(Membership.state_id)
    return by_name(db.session.scalars(
        select(State)
        .where(State.id.in_(with_membership), State.id.not_in(with_delegation))
    ), language)


def user_counts() -> dict[int, int]:
    """Number of user accounts (active or not) per delegation id."""
    rows = db.session.execute(
        select(User.delegation_id, func.count(User.id))
        .where(User.delegation_id.is_not(None))
        .group_by(User.delegation_id)
    )
    return {delegation_id: count for delegation_id, count in rows if delegation_id is not None}  # none is


def delegations_overview(day: date, language: str = "en") -> list[DelegationRow]:
    """Every delegation with its state's status on `day` and its number of users,
    by the state's name in `language`."""
    delegations = by_name(db.session.scalars(
        select(Delegation)
        .options(selectinload(Delegation.state).selectinload(State.memberships))
    ), language)
    counts = user_counts()
    return [DelegationRow(d, d.status_on(day), counts.get(d.id, 0)) for d in delegations]
