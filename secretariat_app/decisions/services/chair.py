"""The chairmanship ledger: who chairs CICA on a given day, recording terms, and
the problems the ledger shows (gaps, overlaps, a successor not yet decided, an
Executive Director still in office after the chair changed).

Every write checks the rules first (RuleViolations, nothing written), then
changes the row and its audit entry in one transaction and commits."""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select, text
from sqlalchemy.orm import selectinload

from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.models.staff import Position, StaffAppointment
from secretariat_app.accounts.models.states import State, StateKind
from secretariat_app.audit import services as audit
from secretariat_app.decisions.models import Chairmanship, Decision
from secretariat_app.domain.chair_ledger import (
    ChairTerm,
    DirectorTerm,
    DirectorWarning,
    check_chairmanship,
    director_overstays,
    ledger_gaps,
    ledger_overlaps,
    successor_missing,
)
from secretariat_app.domain.periods import Period
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting

CHAIR_FIELDS = ("state_id", "starts_on", "ends_on", "year_precision", "basis", "basis_ru",
                "basis_decision_id", "basis_meeting_id")


def chair_on(day: date) -> Chairmanship | None:
    """The chairmanship in force on `day`, if the ledger has one."""
    return db.session.scalar(
        select(Chairmanship)
        .where(Chairmanship.starts_on <= day, or_(Chairmanship.ends_on.is_(None), Chairmanship.ends_on >= day))
        .order_by(Chairmanship.starts_on.desc())
        .limit(1)
    )


@dataclass
class ChairmanshipData:
    """What a user submits for one term of the chairmanship."""

    state_id: int | None
    starts_on: date | None
    ends_on: date | None = None  # blank: open-ended (only the latest term)
    year_precision: bool = False  # the page shows years only; the dates stay exact for the checks
    basis: str = ""
    basis_ru: str = ""
    basis_decision_id: int | None = None
    basis_meeting_id: int | None = None


# Writing --------------------------------------------------------------------

def _lock_ledger() -> None:
    """Serialise writes to the ledger on PostgreSQL, so two saves cannot both pass the overlap check."""
    if db.session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(b"chairmanship_ledger")
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _other_terms(exclude_id: int | None) -> list[Period]:
    query = select(Chairmanship.starts_on, Chairmanship.ends_on)
    if exclude_id is not None:
        query = query.where(Chairmanship.id != exclude_id)
    return [Period(start, end) for start, end in db.session.execute(query)]


def _check(data: ChairmanshipData, exclude_id: int | None) -> list[Violation]:
    violations: list[Violation] = []
    state = db.session.get(State, data.state_id) if data.state_id is not None else None
    if state is None or state.kind != StateKind.STATE:
        violations.append(Violation("state", N_("Choose the chairing state.")))
    if data.starts_on is None:
        violations.append(Violation("starts_on", N_("The start date is required.")))
    if data.basis_decision_id is not None and db.session.get(Decision, data.basis_decision_id) is None:
        violations.append(Violation("basis_decision", N_("Unknown decision.")))
    if data.basis_meeting_id is not None and db.session.get(Meeting, data.basis_meeting_id) is None:
        violations.append(Violation("basis_meeting", N_("Unknown meeting.")))
    if violations:
        return violations
    assert state is not None and data.starts_on is not None  # refused above otherwise
    is_member = state.is_member_on(data.starts_on)
    return check_chairmanship(Period(data.starts_on, data.ends_on), _other_terms(exclude_id),
                              state_is_member=is_member)


def _apply(chairmanship: Chairmanship, data: ChairmanshipData) -> None:
    assert data.state_id is not None and data.starts_on is not None  # _check refuses data without them
    chairmanship.state_id = data.state_id
    chairmanship.starts_on = data.starts_on
    chairmanship.ends_on = data.ends_on
    chairmanship.year_precision = bool(data.year_precision)
    chairmanship.basis = (data.basis or "").strip()
    chairmanship.basis_ru = (data.basis_ru or "").strip()
    chairmanship.basis_decision_id = data.basis_decision_id
    chairmanship.basis_meeting_id = data.basis_meeting_id


def add_chairmanship(actor: User | None, data: ChairmanshipData) -> Chairmanship:
    """Add a term and its audit entry to the caller's transaction (the caller commits).
    Raises RuleViolations (end before start, overlap, open-ended before another
    term, not a member) after rolling back, writing nothing."""
    _lock_ledger()
    violations = _check(data, None)
    if violations:
        db.session.rollback()  # releases the lock; nothing was written
        raise RuleViolations(violations)
    chairmanship = Chairmanship()
    _apply(chairmanship, data)
    db.session.add(chairmanship)
    db.session.flush()
    audit.record(actor, "chairmanship.create", "chairmanship", chairmanship.id, None,
                 audit.snapshot(chairmanship, CHAIR_FIELDS))
    return chairmanship


def change_chairmanship(actor: User | None, chairmanship: Chairmanship, data: ChairmanshipData) -> Chairmanship:
    """Change a term in the caller's transaction (audited when something changed; the
    caller commits). Raises RuleViolations after rolling back when the rules refuse it."""
    _lock_ledger()
    violations = _check(data, chairmanship.id)
    if violations:
        db.session.rollback()
        raise RuleViolations(violations)
    with audit.tracking_changes(actor, "chairmanship.update", "chairmanship", chairmanship, CHAIR_FIELDS):
        _apply(chairmanship, data)
    return chairmanship


def data_of(chairmanship: Chairmanship) -> ChairmanshipData:
    """A term as the form would submit it unchanged."""
    return ChairmanshipData(
        state_id=chairmanship.state_id, starts_on=chairmanship.starts_on, ends_on=chairmanship.ends_on,
        year_precision=chairmanship.year_precision, basis=chairmanship.basis, basis_ru=chairmanship.basis_ru,
        basis_decision_id=chairmanship.basis_decision_id, basis_meeting_id=chairmanship.basis_meeting_id)


def create_chairmanship(actor: User | None, data: ChairmanshipData) -> Chairmanship:
    """Record a term in the ledger and commit. Raises RuleViolations, writing nothing."""
    chairmanship = add_chairmanship(actor, data)
    db.session.commit()
    return chairmanship


def update_chairmanship(actor: User | None, chairmanship: Chairmanship, data: ChairmanshipData) -> Chairmanship:
    """Change a term and commit (audited when something changed). Raises
    RuleViolations, writing nothing, when the rules refuse the change."""
    change_chairmanship(actor, chairmanship, data)
    db.session.commit()
    return chairmanship


# Reading --------------------------------------------------------------------

@dataclass
class Ledger:
    """The ledger in date order and what is wrong with it on `today`."""

    today: date
    rows: list[Chairmanship] = field(default_factory=list)
    gaps: list[Period] = field(default_factory=list)
    overlaps: list[tuple[ChairTerm, ChairTerm]] = field(default_factory=list)
    successor_missing: ChairTerm | None = None
    director_warnings: list[DirectorWarning] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        """Exactly one chair on each day from 2002 on."""
        return not self.gaps and not self.overlaps


def _term(row: Chairmanship) -> ChairTerm:
    return ChairTerm(row.id, row.state_id, row.state.name_en, Period(row.starts_on, row.ends_on))


def director_warnings(rows: list[Chairmanship] | None = None) -> list[DirectorWarning]:
    """'The chair changed on D but the Executive Director appointed under the
    previous chair is still in office', for every such Executive Director."""
    if rows is None:
        rows = list(db.session.scalars(select(Chairmanship).options(selectinload(Chairmanship.state))))
    directors = db.session.execute(
        select(StaffAppointment.id, StaffAppointment.person_name, StaffAppointment.starts_on, StaffAppointment.ends_on)
        .where(StaffAppointment.position == Position.EXECUTIVE_DIRECTOR)
    )
    return director_overstays(
        [_term(row) for row in rows],
        [DirectorTerm(key, person, Period(start, end)) for key, person, start, end in directors],
    )


def ledger(today: date) -> Ledger:
    """Every term, oldest first, with the gaps since 2002, the overlaps, a
    successor not yet decided and the Executive Director warnings."""
    rows = list(db.session.scalars(
        select(Chairmanship)
        .options(selectinload(Chairmanship.state), selectinload(Chairmanship.basis_decision),
                 selectinload(Chairmanship.basis_meeting))
        .order_by(Chairmanship.starts_on, Chairmanship.id)
    ))
    terms = [_term(row) for row in rows]
    return Ledger(
        today=today,
        rows=rows,
        gaps=ledger_gaps([t.period for t in terms], until=today),
        overlaps=ledger_overlaps(terms),
        successor_missing=successor_missing(terms, today),
        director_warnings=director_warnings(rows),
    )
