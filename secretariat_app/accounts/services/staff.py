"""The staff register: appointing Secretariat staff under the Rules of Procedure, and listing them."""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.models.staff import Position, StaffAppointment
from secretariat_app.accounts.models.states import (
    Body,
    State,
    StateKind,
)
from secretariat_app.audit import services as audit
from secretariat_app.decisions.models import Chairmanship
from secretariat_app.decisions.services.chair import chair_on
from secretariat_app.domain.periods import Period
from secretariat_app.domain.terms import (
    AppointmentFacts,
    ChairFacts,
    check_appointment,
    default_end,
)
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db

STAFF_FIELDS = (
    "person_name", "position", "post_title", "nationality_id", "seconding_state_id",
    "starts_on", "ends_on", "appointing_body_id", "decision_reference",
)
POSITION_ORDER = list(Position)  # the register lists the Executive Director first


@dataclass
class StaffData:
    """What a user submits for one appointment."""

    person_name: str
    position: Position
    nationality_id: int
    starts_on: date
    ends_on: date | None = None  # blank: open-ended, or three years for the Deputy
    seconding_state_id: int | None = None
    appointing_body_id: int | None = None
    post_title: str = ""
    decision_reference: str = ""


@dataclass
class StaffRegister:
    """The register as seen on one day: who holds a post, who will, who did."""

    day: date
    current: list[StaffAppointment] = field(default_factory=list)
    upcoming: list[StaffAppointment] = field(default_factory=list)
    past: list[StaffAppointment] = field(default_factory=list)


def _is_member(state: State | None, day: date) -> bool:
    return state is not None and state.is_member_on(day)


def _state(state_id: int | None, field_name: str, violations: list[Violation]) -> State | None:
    """The state with this id (only states, not organisations); notes a violation if unknown."""
    if state_id is None:
        return None
    state = db.session.get(State, state_id)
    if state is None or state.kind != StateKind.STATE:
        violations.append(Violation(field_name, N_("Unknown state.")))
        return None
    return state


def _lock_post(position: Position) -> None:
    """Serialise appointments to one post on PostgreSQL, so two saves cannot both pass the overlap check."""
    if db.session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"staff_appointment:{position.value}".encode())
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _same_post_terms(position: Position, exclude_id: int | None) -> list[Period]:
    query = select(StaffAppointment.starts_on, StaffAppointment.ends_on).where(
        StaffAppointment.position == position
    )
    if exclude_id is not None:
        query = query.where(StaffAppointment.id != exclude_id)
    return [Period(starts_on, ends_on) for starts_on, ends_on in db.session.execute(query)]


def _chair_facts(data: StaffData, chair: Chairmanship | None) -> ChairFacts | None:
    """The chairmanship an Executive Director is appointed under (None for other posts, or no chair recorded)."""
    if data.position != Position.EXECUTIVE_DIRECTOR or chair is None:
        return None
    return ChairFacts(state_name=chair.state.name_en, ends_on=chair.ends_on,
                      appointee_is_national=data.nationality_id == chair.state_id)


def _check(data: StaffData, appointment: StaffAppointment | None,
           chair: Chairmanship | None = None) -> list[Violation]:
    """Every rule `data` breaks, with the facts resolved from the database on the start date."""
    violations: list[Violation] = []
    if not data.person_name.strip():
        violations.append(Violation("person_name", N_("Give the person's name.")))
    if data.appointing_body_id is not None and db.session.get(Body, data.appointing_body_id) is None:
        violations.append(Violation("appointing_body", N_("Unknown body.")))
    if data.nationality_id is None:
        violations.append(Violation("nationality", N_("Choose the person's nationality.")))
    nationality = _state(data.nationality_id, "nationality", violations)
    seconding = _state(data.seconding_state_id, "seconding_state", violations)
    if violations:
        return violations  # the facts below would be about states that do not exist
    facts = AppointmentFacts(
        position=data.position.value,
        term=Period(data.starts_on, data.ends_on),
        nationality_is_member=_is_member(nationality, data.starts_on),
        seconding_state_given=seconding is not None,
        seconding_state_is_member=_is_member(seconding, data.starts_on),
        chair=_chair_facts(data, chair),
    )
    others = _same_post_terms(data.position, appointment.id if appointment else None)
    return check_appointment(facts, others)


def _apply(appointment: StaffAppointment, data: StaffData) -> None:
    appointment.person_name = data.person_name.strip()
    appointment.position = data.position
    appointment.post_title = data.post_title.strip()
    appointment.nationality_id = data.nationality_id
    appointment.seconding_state_id = data.seconding_state_id
    appointment.starts_on = data.starts_on
    appointment.ends_on = data.ends_on
    appointment.appointing_body_id = data.appointing_body_id
    appointment.decision_reference = data.decision_reference.strip()


def save_appointment(actor: User | None, appointment: StaffAppointment | None, data: StaffData) -> StaffAppointment:
    """Create (appointment None) or update an appointment if the rules allow it; one transaction, audited.

    An Executive Director appointed while the ledger records a chair must be a
    national of the chairing state and leave by the end of its chairmanship.
    Raises RuleViolations, with nothing written, when the rules refuse the data."""
    if data.ends_on is None:
        data = replace(data, ends_on=default_end(data.position.value, data.starts_on))
    chair = chair_on(data.starts_on) if data.position == Position.EXECUTIVE_DIRECTOR else None
    _lock_post(data.position)
    violations = _check(data, appointment, chair)
    if violations:
        db.session.rollback()  # releases the lock; nothing was written
        raise RuleViolations(violations)
    if appointment is None:
        appointment = StaffAppointment()
        _apply(appointment, data)
        db.session.add(appointment)
        db.session.flush()
        audit.record(actor, "staff.create", "staff_appointment", appointment.id,
                     None, audit.snapshot(appointment, STAFF_FIELDS))
    else:
        with audit.tracking_changes(actor, "staff.update", "staff_appointment", appointment, STAFF_FIELDS):
            _apply(appointment, data)
    db.session.commit()
    return appointment


def staff_register(day: date) -> StaffRegister:
    """All appointments, split into those current on `day`, those still to begin, and past ones."""
    appointments = db.session.scalars(
        select(StaffAppointment).options(
            selectinload(StaffAppointment.nationality),
            selectinload(StaffAppointment.seconding_state),
            selectinload(StaffAppointment.appointing_body),
        )
    ).all()
    register = StaffRegister(day=day)
    for appointment in appointments:
        if appointment.starts_on > day:
            register.upcoming.append(appointment)
        elif appointment.ends_on is not None and appointment.ends_on < day:
            register.past.append(appointment)
        else:
            register.current.append(appointment)
    by_post = lambda a: (POSITION_ORDER.index(a.position), a.person_name.casefold())  # noqa: E731
    register.current.sort(key=by_post)
    register.upcoming.sort(key=lambda a: (a.starts_on, *by_post(a)))
    register.past.sort(key=lambda a: (a.ends_on, a.starts_on), reverse=True)
    return register
