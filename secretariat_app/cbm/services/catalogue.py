"""The Catalogue of CBMs: its dimensions and priority areas (reference data
that officers extend), the states appointed by the SOC to coordinate or
co-coordinate an area, and the users who act as coordinators for them.

Every write checks the rules first (RuleViolations, nothing written), then
changes the rows and their audit entry in one transaction and commits."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from secretariat_app.accounts.models.people import Delegation, Role, User, UserRole
from secretariat_app.accounts.models.states import (
    Body,
    State,
    StateKind,
)
from secretariat_app.accounts.services.reference_data import DATA_DIR, read_csv
from secretariat_app.audit import services as audit
from secretariat_app.audit.models import AuditEntry
from secretariat_app.cbm.models import (
    CbmArea,
    CbmCoordinator,
    CbmCoordinatorUser,
    CbmDimension,
    CoordinatorRole,
)
from secretariat_app.core.forum_time import forum_today
from secretariat_app.core.loading import LoadReport, upsert
from secretariat_app.core.localisation import by_name, local_date, reader_language
from secretariat_app.decisions.models import Decision, DecisionStatus
from secretariat_app.domain.periods import Period
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db
from secretariat_app.permissions import coordinated_area_ids

CATALOGUE_FILE = "cbm_catalogue.csv"
AREA_FIELDS = ("dimension_id", "code", "name_en", "name_ru", "position")
COORDINATOR_FIELDS = ("area_id", "state_id", "role", "term_start", "term_end", "decision_id")
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,39}$")
NAME_MAX = 200
APPOINTING_BODY = "SOC"


def _refuse(violations: list[Violation]) -> None:
    if violations:
        db.session.rollback()
        raise RuleViolations(violations)


# Loading the catalogue ----------------------------------------------------------------------

def _officer_edited_area_ids() -> set[int]:
    """Areas whose names an officer changed: the shipped file does not undo their corrections."""
    rows = db.session.scalars(select(AuditEntry.object_id).where(
        AuditEntry.object_type == "cbm_area", AuditEntry.action == "cbm_area.update"))
    return {int(value) for value in rows if value.isdigit()}


def _load_dimensions(rows: list[dict[str, str]], report: LoadReport) -> dict[str, CbmDimension]:
    dimensions = {d.code: d for d in db.session.scalars(select(CbmDimension))}
    for row in rows:
        values = {"name_en": row["name_en"], "name_ru": row["name_ru"], "position": int(row["position"]),
                  "review_order": int(row["review_order"])}
        dimension = dimensions.get(row["code"])
        if dimension is None:
            dimension = dimensions[row["code"]] = CbmDimension(code=row["code"], **values)
            db.session.add(dimension)
            report.count("created", "cbm dimensions")
        else:
            upsert(dimension, values, report, "cbm dimensions")
    db.session.flush()
    return dimensions


def _load_areas(rows: list[dict[str, str]], dimensions: dict[str, CbmDimension], report: LoadReport) -> None:
    areas = {a.code: a for a in db.session.scalars(select(CbmArea))}
    edited = _officer_edited_area_ids()
    for row in rows:
        values = {"dimension_id": dimensions[row["dimension"]].id, "name_en": row["name_en"],
                  "name_ru": row["name_ru"], "position": int(row["position"])}
        area = areas.get(row["code"])
        if area is None:
            db.session.add(CbmArea(code=row["code"], **values))
            report.count("created", "cbm areas")
        else:
            if area.id in edited:
                values = {k: v for k, v in values.items() if k not in ("name_en", "name_ru")}
            upsert(area, values, report, "cbm areas")


def load_catalogue(data_dir: Path = DATA_DIR) -> LoadReport:
    """Upsert the dimensions and areas of cbm_catalogue.csv (keyed on their codes) and
    commit: a second load changes nothing, areas officers added stay, and names an
    officer corrected are kept. All of it lands, or none."""
    rows = read_csv(CATALOGUE_FILE, data_dir)
    with audit.recorded_load("cbm_catalogue.load", "cbm_catalogue", "all") as report:
        dimensions = _load_dimensions([r for r in rows if r["kind"] == "dimension"], report)
        _load_areas([r for r in rows if r["kind"] == "area"], dimensions, report)
    return report


# Areas ------------------------------------------------------------------------------------------

@dataclass
class AreaData:
    dimension_id: int | None
    code: str
    name_en: str
    name_ru: str


def _check_names(name_en: str, name_ru: str) -> list[Violation]:
    violations = []
    for field, value in (("name_en", name_en), ("name_ru", name_ru)):
        if not value:
            violations.append(Violation(field, N_("Give the name in English and in Russian.")))
        elif len(value) > NAME_MAX:
            violations.append(Violation(field, N_("Use at most %(n)d characters."), {"n": NAME_MAX}))
    return violations


def _code_taken() -> Violation:
    return Violation("code", N_("Another priority area already has this code."))


def add_area(actor: User | None, data: AreaData) -> CbmArea:
    """Add a priority area to a dimension, at the end of its list, and commit.
    Raises RuleViolations (unknown dimension, bad or taken code, a name missing), writing nothing."""
    code = (data.code or "").strip().lower()
    name_en, name_ru = (data.name_en or "").strip(), (data.name_ru or "").strip()
    violations = []
    dimension = db.session.get(CbmDimension, data.dimension_id) if data.dimension_id is not None else None
    if dimension is None:
        violations.append(Violation("dimension_id", N_("Choose the dimension of the area.")))
    if not CODE_RE.match(code):
        violations.append(Violation("code", N_("Give a code of 2 to 40 small Latin letters, digits, hyphens or "
                                               "underscores (e.g. energy_security).")))
    elif db.session.scalar(select(CbmArea.id).where(CbmArea.code == code)) is not None:
        violations.append(_code_taken())
    violations += _check_names(name_en, name_ru)
    _refuse(violations)
    assert dimension is not None  # refused above otherwise
    last = db.session.scalar(select(func.max(CbmArea.position)).where(CbmArea.dimension_id == dimension.id))
    area = CbmArea(dimension_id=dimension.id, code=code, name_en=name_en, name_ru=name_ru,
                   position=(last or 0) + 1, created_by_id=getattr(actor, "id", None))
    db.session.add(area)
    try:
        db.session.flush()
    except IntegrityError:  # the same code saved at the same moment by someone else
        db.session.rollback()
        raise RuleViolations([_code_taken()]) from None
    audit.record(actor, "cbm_area.create", "cbm_area", area.id, None, audit.snapshot(area, AREA_FIELDS))
    db.session.commit()
    return area


def rename_area(actor: User | None, area: CbmArea, name_en: str, name_ru: str) -> CbmArea:
    """Change the English and Russian names of an area and commit (audited when they changed)."""
    name_en, name_ru = (name_en or "").strip(), (name_ru or "").strip()
    _refuse(_check_names(name_en, name_ru))
    with audit.tracking_changes(actor, "cbm_area.update", "cbm_area", area, AREA_FIELDS):
        area.name_en, area.name_ru = name_en, name_ru
    db.session.commit()
    return area


# Coordinating states ------------------------------------------------------------------------------

@dataclass
class AppointmentData:
    state_id: int | None
    role: CoordinatorRole | None
    term_start: date | None
    term_end: date | None = None  # blank: until the SOC decides otherwise
    decision_id: int | None = None


def appointing_decisions():
    """SELECT of the adopted decisions of the SOC, the newest first: those that may
    appoint coordinators or approve papers."""
    return (select(Decision).join(Body, Body.id == Decision.body_id)
            .where(Body.code == APPOINTING_BODY, Decision.status == DecisionStatus.ADOPTED)
            .order_by(Decision.adopted_on.desc(), Decision.id.desc()))


def check_soc_decision(decision_id: int | None, field: str = "decision_id") -> list[Violation]:
    """An adopted decision of the SOC is required (appointments, approvals)."""
    if decision_id is None:
        return [Violation(field, N_("Choose the adopted SOC decision."))]
    decision = db.session.get(Decision, decision_id)
    if decision is None:
        return [Violation(field, N_("Unknown decision."))]
    if decision.body.code != APPOINTING_BODY:
        return [Violation(field, N_("%(ref)s is a decision of the %(body)s; only the SOC appoints coordinators "
                                    "and approves concept papers and action plans."),
                          {"ref": decision.reference, "body": decision.body.code})]
    if decision.status != DecisionStatus.ADOPTED:
        return [Violation(field, N_("%(ref)s has not been adopted (it is %(status)s)."),
                          {"ref": decision.reference, "status": decision.status.value})]
    return []


def _other_terms(area_id: int, state_id: int) -> list[CbmCoordinator]:
    return list(db.session.scalars(select(CbmCoordinator).where(
        CbmCoordinator.area_id == area_id, CbmCoordinator.state_id == state_id)))


def _check_appointment(area: CbmArea, data: AppointmentData) -> list[Violation]:
    violations = []
    state = db.session.get(State, data.state_id) if data.state_id is not None else None
    if state is None or state.kind != StateKind.STATE:
        violations.append(Violation("state_id", N_("Choose the coordinating state.")))
    if not isinstance(data.role, CoordinatorRole):
        violations.append(Violation("role", N_("Choose coordinator or co-coordinator.")))
    if data.term_start is None:
        violations.append(Violation("term_start", N_("The start of the term is required.")))
    elif data.term_end is not None and data.term_end < data.term_start:
        violations.append(Violation("term_end", N_("The term cannot end before it starts.")))
    violations += check_soc_decision(data.decision_id)
    if violations:
        return violations
    assert state is not None and data.term_start is not None  # refused above otherwise
    if not state.is_member_on(data.term_start):
        violations.append(Violation("state_id", N_("%(state)s is not a member state of CICA on %(day)s: only "
                                                   "member states coordinate priority areas."),
                                    {"state": state.name(reader_language()), "day": local_date(data.term_start)}))
    term = Period(data.term_start, data.term_end)
    for other in _other_terms(area.id, state.id):
        if term.overlaps(Period(other.term_start, other.term_end)):
            violations.append(Violation("term_start", N_("%(state)s already coordinates this area from %(start)s "
                                                         "to %(end)s: end that term first, or start after it."),
                                        {"state": state.name(reader_language()),
                                         "start": local_date(other.term_start),
                                         "end": local_date(other.term_end) if other.term_end else "—"}))
            break
    return violations


def appoint(actor: User | None, area: CbmArea, data: AppointmentData) -> CbmCoordinator:
    """Record the state the SOC appointed to coordinate (or co-coordinate) `area`
    for a term, and commit. Raises RuleViolations (no adopted SOC decision, not a
    member on the term's start, a term of the same state overlapping, an end
    before the start), writing nothing."""
    db.session.refresh(area, with_for_update=True)  # one appointment in an area at a time (PostgreSQL)
    _refuse(_check_appointment(area, data))
    row = CbmCoordinator(area_id=area.id, state_id=data.state_id, role=data.role, term_start=data.term_start,
                         term_end=data.term_end, decision_id=data.decision_id)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "cbm_coordinator.create", "cbm_coordinator", row.id, None,
                 audit.snapshot(row, COORDINATOR_FIELDS))
    db.session.commit()
    return row


def end_term(actor: User | None, coordinator: CbmCoordinator, term_end: date | None) -> CbmCoordinator:
    """End (or end earlier) a coordinator's term on `term_end`, the last day it
    covers, and commit. A term is not extended this way: the SOC appoints again."""
    violations = []
    if term_end is None:
        violations.append(Violation("term_end", N_("Give the last day of the term.")))
    elif term_end < coordinator.term_start:
        violations.append(Violation("term_end", N_("The term cannot end before it starts (%(day)s)."),
                                    {"day": local_date(coordinator.term_start)}))
    elif coordinator.term_end is not None and term_end > coordinator.term_end:
        violations.append(Violation("term_end", N_("This term already ends on %(day)s; a longer term needs a new "
                                                   "appointment by the SOC."),
                                    {"day": local_date(coordinator.term_end)}))
    _refuse(violations)
    with audit.tracking_changes(actor, "cbm_coordinator.end", "cbm_coordinator", coordinator, COORDINATOR_FIELDS):
        coordinator.term_end = term_end
    db.session.commit()
    return coordinator


def current_coordinators(area_id: int, day: date | None = None, language: str = "en") -> list[CbmCoordinator]:
    """The states coordinating `area_id` on `day` (today): coordinators first, then co-coordinators,
    each by name in `language`."""
    return current_coordinators_by_area(day, [area_id], language).get(area_id, [])


def current_coordinators_by_area(day: date | None = None, area_ids: list[int] | None = None,
                                 language: str = "en") -> dict[int, list[CbmCoordinator]]:
    """Every area's coordinating states on `day` (today), with their state and decision loaded:
    coordinators first, then co-coordinators, each by name in `language`."""
    day = day or forum_today()
    query = (select(CbmCoordinator)
             .where(CbmCoordinator.term_start <= day,
                    or_(CbmCoordinator.term_end.is_(None), CbmCoordinator.term_end >= day))
             .options(selectinload(CbmCoordinator.state), selectinload(CbmCoordinator.decision)))
    if area_ids is not None:
        query = query.where(CbmCoordinator.area_id.in_(area_ids))
    found: dict[int, list[CbmCoordinator]] = defaultdict(list)
    for row in db.session.scalars(query):
        found[row.area_id].append(row)
    order = {CoordinatorRole.COORDINATOR: 0, CoordinatorRole.CO_COORDINATOR: 1}
    return {k: sorted(by_name(v, language, of=lambda c: c.state), key=lambda c: order[c.role])
            for k, v in found.items()}


def catalogue() -> list[CbmDimension]:
    """The dimensions in their order, each with its areas."""
    return list(db.session.scalars(select(CbmDimension).order_by(CbmDimension.position, CbmDimension.id)
                                   .options(selectinload(CbmDimension.areas))))


def areas_of_user(user, day: date | None = None) -> list[CbmArea]:
    """The areas `user` acts for as coordinator on `day` (today)."""
    ids = coordinated_area_ids(user, day)
    if not ids:
        return []
    return list(db.session.scalars(select(CbmArea).where(CbmArea.id.in_(ids)).order_by(CbmArea.name_en, CbmArea.id)))


# Coordinator users ---------------------------------------------------------------------------------

ROLE_FIELDS = ("roles",)


def eligible_users(area: CbmArea, day: date | None = None) -> list[User]:
    """Active users of the delegations coordinating `area` on `day` who are not assigned to it yet."""
    state_ids = {c.state_id for c in current_coordinators(area.id, day)}
    if not state_ids:
        return []
    assigned = select(CbmCoordinatorUser.user_id).where(CbmCoordinatorUser.area_id == area.id)
    return list(db.session.scalars(
        select(User).join(Delegation, Delegation.id == User.delegation_id)
        .where(Delegation.state_id.in_(state_ids), User.active.is_(True), User.id.not_in(assigned))
        .order_by(User.name)))


def assign_coordinator_user(actor: User | None, area: CbmArea, user_id: int | None,
                            day: date | None = None) -> CbmCoordinatorUser:
    """Let a user of a delegation coordinating `area` today act as its coordinator,
    giving them the coordinator role if they lack it, and commit (both audited)."""
    day = day or forum_today()
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        _refuse([Violation("user_id", N_("Choose an active user."))])
    assert user is not None  # refused above otherwise
    coordinating = {c.state_id for c in current_coordinators(area.id, day)}
    if user.delegation is None or user.delegation.state_id not in coordinating:
        _refuse([Violation("user_id", N_("%(name)s does not belong to the delegation of a state coordinating this "
                                         "area today."), {"name": user.name})])
    taken = db.session.scalar(select(CbmCoordinatorUser.id).where(
        CbmCoordinatorUser.area_id == area.id, CbmCoordinatorUser.user_id == user.id))
    if taken is not None:
        _refuse([Violation("user_id", N_("%(name)s is a coordinator of this area already."), {"name": user.name})])
    if not user.has_role(Role.COORDINATOR):
        with audit.tracking_changes(actor, "user.update", "user", user, ROLE_FIELDS):
            user.role_rows.append(UserRole(role=Role.COORDINATOR))
    assignment = CbmCoordinatorUser(area_id=area.id, user_id=user.id, granted_by_id=getattr(actor, "id", None))
    db.session.add(assignment)
    try:
        db.session.flush()
    except IntegrityError:  # assigned at the same moment by someone else
        db.session.rollback()
        raise RuleViolations([Violation("user_id", N_("%(name)s is a coordinator of this area already."),
                                        {"name": user.name})]) from None
    audit.record(actor, "cbm_coordinator_user.create", "cbm_coordinator_user", assignment.id, None,
                 {"area_id": area.id, "area": area.code, "user_id": user.id, "user": user.email})
    db.session.commit()
    return assignment


def revoke_coordinator_user(actor: User | None, assignment: CbmCoordinatorUser) -> None:
    """Stop a user acting as coordinator of an area and commit; with their last area
    they lose the coordinator role (and keep the delegate role)."""
    user, area = assignment.user, assignment.area
    audit.record(actor, "cbm_coordinator_user.delete", "cbm_coordinator_user", assignment.id,
                 {"area_id": area.id, "area": area.code, "user_id": user.id, "user": user.email}, None)
    db.session.delete(assignment)
    db.session.flush()
    others = db.session.scalar(select(func.count(CbmCoordinatorUser.id)).where(CbmCoordinatorUser.user_id == user.id))
    if not others and user.has_role(Role.COORDINATOR):
        with audit.tracking_changes(actor, "user.update", "user", user, ROLE_FIELDS):
            user.role_rows = [row for row in user.role_rows if row.role != Role.COORDINATOR]
            if not user.role_rows:  # still a member of the delegation
                user.role_rows.append(UserRole(role=Role.DELEGATE))
    db.session.commit()


def coordinator_users(area: CbmArea, day: date | None = None) -> list[tuple[CbmCoordinatorUser, bool]]:
    """The users assigned to `area`, each with whether the assignment is in force on `day`
    (their delegation's state coordinates the area then)."""
    coordinating = {c.state_id for c in current_coordinators(area.id, day)}
    rows = db.session.scalars(select(CbmCoordinatorUser).where(CbmCoordinatorUser.area_id == area.id)
                              .options(selectinload(CbmCoordinatorUser.user)))
    result = []
    for row in rows:
        delegation = row.user.delegation
        result.append((row, delegation is not None and delegation.state_id in coordinating))
    return sorted(result, key=lambda pair: (pair[0].user.name, pair[0].id))
