"""States and organisations and their memberships of CICA: creating and
editing them, and asking who held which status on a given day.

Every write checks the rules first (RuleViolations, nothing written), then
changes the records and their audit entries in one transaction and commits."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.models.states import (
    Membership,
    MembershipStatus,
    State,
    StateKind,
)
from secretariat_app.accounts.services.delegations import add_delegation, delegation_of
from secretariat_app.audit import services as audit
from secretariat_app.core.localisation import by_name
from secretariat_app.domain.membership import check_membership_period
from secretariat_app.domain.periods import Period
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db

STATE_FIELDS = ("code", "iso2", "kind", "name_en", "name_ru")
MEMBERSHIP_FIELDS = ("state_id", "status", "valid_from", "valid_to", "note")
CODE_RE = re.compile(r"[A-Z]{2,8}")
ISO2_RE = re.compile(r"[A-Z]{2}")
NAME_MAX = 120
NOTE_MAX = 300


@dataclass
class StateData:
    code: str
    name_en: str
    name_ru: str
    kind: StateKind = StateKind.STATE
    iso2: str | None = None


@dataclass
class MembershipData:
    status: MembershipStatus
    valid_from: date
    valid_to: date | None = None
    note: str = ""


# States -------------------------------------------------------------------

def state_by_code(code: str) -> State | None:
    """The state with this code (case-insensitive), or None."""
    return db.session.scalar(select(State).where(State.code == code.strip().upper()))


def _normalised(data: StateData) -> StateData:
    return StateData(
        code=data.code.strip().upper(),
        name_en=data.name_en.strip(),
        name_ru=data.name_ru.strip(),
        kind=data.kind,
        iso2=(data.iso2 or "").strip().upper() or None,
    )


def _check_state(data: StateData, state: State | None) -> list[Violation]:
    violations: list[Violation] = []
    if not CODE_RE.fullmatch(data.code):
        violations.append(Violation("code", N_("The code is 2 to 8 capital Latin letters, e.g. KAZ.")))
    else:
        clash = db.session.scalar(select(State.id).where(State.code == data.code))
        if clash is not None and (state is None or clash != state.id):
            violations.append(Violation("code", N_("Another state already uses the code %(code)s."),
                                        {"code": data.code}))
    if data.iso2 is not None and not ISO2_RE.fullmatch(data.iso2):
        violations.append(Violation("iso2", N_("The ISO code is two Latin letters, or blank.")))
    if not isinstance(data.kind, StateKind):
        violations.append(Violation("kind", N_("Choose a state or an international organisation.")))
    for name in ("name_en", "name_ru"):
        value = getattr(data, name)
        if not value:
            violations.append(Violation(name, N_("The name is required.")))
        elif len(value) > NAME_MAX:
            violations.append(Violation(name, N_("Use at most %(n)d characters."), {"n": NAME_MAX}))
    return violations


def _flush_or_code_clash(code: str) -> None:
    """Flush; a concurrent insert of the same code becomes a rule violation."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise RuleViolations([Violation("code", N_("Another state already uses the code %(code)s."),
                                        {"code": code})]) from None


def create_state(actor: User | None, data: StateData) -> State:
    """Create a state or organisation (no membership yet) and commit.

    Raises RuleViolations, writing nothing, when a rule refuses the data."""
    data = _normalised(data)
    violations = _check_state(data, None)
    if violations:
        raise RuleViolations(violations)
    state = State(code=data.code, iso2=data.iso2, kind=data.kind, name_en=data.name_en, name_ru=data.name_ru)
    db.session.add(state)
    _flush_or_code_clash(data.code)
    audit.record(actor, "state.create", "state", state.id, None, audit.snapshot(state, STATE_FIELDS))
    db.session.commit()
    return state


def update_state(actor: User | None, state: State, data: StateData) -> State:
    """Change a state's code, ISO code, kind and names and commit (audited
    only when something changed). Raises RuleViolations, writing nothing."""
    data = _normalised(data)
    violations = _check_state(data, state)
    if violations:
        raise RuleViolations(violations)
    with audit.tracking_changes(actor, "state.update", "state", state, STATE_FIELDS):
        state.code, state.iso2, state.kind = data.code, data.iso2, data.kind
        state.name_en, state.name_ru = data.name_en, data.name_ru
        _flush_or_code_clash(data.code)
    db.session.commit()
    return state


# Memberships --------------------------------------------------------------

def _other_periods(state_id: int, exclude_id: int | None) -> list[Period]:
    """The state's other membership periods, read under a lock of the state's
    row (PostgreSQL), so two concurrent writes cannot both pass the overlap check."""
    db.session.execute(select(State.id).where(State.id == state_id).with_for_update())
    query = select(Membership.valid_from, Membership.valid_to).where(Membership.state_id == state_id)
    if exclude_id is not None:
        query = query.where(Membership.id != exclude_id)
    return [Period(start, end) for start, end in db.session.execute(query)]


def _check_membership(data: MembershipData, state_id: int, exclude_id: int | None) -> list[Violation]:
    violations: list[Violation] = []
    if not isinstance(data.status, MembershipStatus):
        violations.append(Violation("status", N_("Choose member, observer or partner.")))
    if len(data.note or "") > NOTE_MAX:
        violations.append(Violation("note", N_("Use at most %(n)d characters."), {"n": NOTE_MAX}))
    if data.valid_from is None:
        violations.append(Violation("valid_from", N_("The start date is required.")))
        return violations
    period = Period(data.valid_from, data.valid_to)
    return violations + check_membership_period(period, _other_periods(state_id, exclude_id))


def add_membership(actor: User | None, state: State, data: MembershipData) -> Membership:
    """Give `state` a status for a period and commit; its delegation is created
    with its first membership. Raises RuleViolations (end before start,
    overlap with another period of the same state), writing nothing."""
    violations = _check_membership(data, state.id, None)
    if violations:
        db.session.rollback()
        raise RuleViolations(violations)
    membership = Membership(state_id=state.id, status=data.status, valid_from=data.valid_from,
                            valid_to=data.valid_to, note=(data.note or "").strip())
    db.session.add(membership)
    db.session.flush()
    audit.record(actor, "membership.create", "membership", membership.id, None,
                 audit.snapshot(membership, MEMBERSHIP_FIELDS))
    if delegation_of(state) is None:
        add_delegation(actor, state)
    db.session.commit()
    db.session.refresh(state)
    return membership


def update_membership(actor: User | None, membership: Membership, data: MembershipData) -> Membership:
    """Change a membership's status, dates and note and commit (audited when
    something changed). Raises RuleViolations, writing nothing."""
    violations = _check_membership(data, membership.state_id, membership.id)
    if violations:
        db.session.rollback()
        raise RuleViolations(violations)
    with audit.tracking_changes(actor, "membership.update", "membership", membership, MEMBERSHIP_FIELDS):
        membership.status, membership.valid_from, membership.valid_to = data.status, data.valid_from, data.valid_to
        membership.note = (data.note or "").strip()
    db.session.commit()
    return membership


# Who held which status ----------------------------------------------------

def statuses_on(day: date, language: str = "en") -> dict[MembershipStatus, list[State]]:
    """For each status, the states holding it on `day`, by name in `language`."""
    rows = db.session.execute(
        select(Membership.status, State)
        .join(State, Membership.state_id == State.id)
        .where(Membership.covers(day))
    )
    result: dict[MembershipStatus, list[State]] = {status: [] for status in MembershipStatus}
    for status, state in rows:
        result[status].append(state)
    return {status: by_name(states, language) for status, states in result.items()}


def states_without_status_on(day: date, language: str = "en") -> list[State]:
    """States and organisations known to the system that held no status on `day`, by name in `language`."""
    holding = (
        select(Membership.state_id)
        .where(Membership.covers(day))
    )
    return by_name(db.session.scalars(select(State).where(State.id.not_in(holding))), language)


def state_with_history(code: str) -> State | None:
    """The state with its memberships loaded, or None."""
    return db.session.scalar(
        select(State).where(State.code == code.strip().upper()).options(selectinload(State.memberships))
    )
