"""The decisions register: recording decisions, and the silence procedure (circulate
a draft, record objections, close the procedures whose deadline has passed).
Every write checks the rules first (RuleViolations, nothing written), then
changes the records and their audit entries in one transaction and commits."""
from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.accounts.models.states import Body
from secretariat_app.audit import services as audit
from secretariat_app.core.columns import utcnow
from secretariat_app.core.forum_time import forum_day_of, forum_today, forum_zone
from secretariat_app.core.localisation import reader_language
from secretariat_app.decisions.models import (
    Decision,
    DecisionStatus,
    Procedure,
    SilenceObjection,
)
from secretariat_app.decisions.services import silence_circulation
from secretariat_app.domain import silence
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db
from secretariat_app.meetings.models import DatePrecision, Meeting

DECISION_FIELDS = (
    "reference", "body_id", "meeting_id", "procedure", "status", "title_en", "title_ru", "text_en",
    "text_ru", "adopted_on", "silence_circulated_on", "silence_deadline", "justifies_body_id", "justifies_year",
)
OBJECTION_FIELDS = ("decision_id", "delegation_id", "lodged_on", "text")


@dataclass
class DecisionData:
    """What a user submits for one decision."""

    body_id: int | None
    procedure: Procedure
    title_en: str
    title_ru: str
    reference: str = ""  # blank: the next free <BODY>/<YEAR>/DEC/<n>
    text_en: str = ""
    text_ru: str = ""
    meeting_id: int | None = None
    adopted_on: date | None = None  # meeting decisions only
    justifies_body_id: int | None = None
    justifies_year: int | None = None


@dataclass
class ObjectionData:
    delegation_id: int | None
    lodged_on: date | None
    text: str


# References -------------------------------------------------------------------

def proposed_reference(body: Body, year: int) -> str:
    """The next free reference of `body` for `year`, e.g. SOC/2024/DEC/4."""
    prefix = silence.reference_prefix(body.code, year)
    taken = db.session.scalars(select(Decision.reference).where(Decision.reference.startswith(prefix)))
    return silence.next_reference(body.code, year, taken)


def _reference_taken(reference: str, decision: Decision | None) -> bool:
    clash = db.session.scalar(select(Decision.id).where(Decision.reference == reference))
    return clash is not None and (decision is None or clash != decision.id)


# Recording a decision ---------------------------------------------------------

def meeting_days(meeting: Meeting) -> tuple[date, date]:
    """The first and last day of a meeting where it was held (the whole month when only the month is known)."""
    try:
        zone = ZoneInfo(meeting.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    first, last = meeting.starts_at.astimezone(zone).date(), meeting.ends_at.astimezone(zone).date()
    if meeting.date_precision == DatePrecision.MONTH:
        first = first.replace(day=1)
        last = last.replace(day=calendar.monthrange(last.year, last.month)[1])
    return first, last


def _check(data: DecisionData, decision: Decision | None, today: date) -> tuple[list[Violation], str]:
    """Every rule `data` breaks, and the reference it will be saved under."""
    body = db.session.get(Body, data.body_id) if data.body_id is not None else None
    meeting = db.session.get(Meeting, data.meeting_id) if data.meeting_id is not None else None
    justifies = db.session.get(Body, data.justifies_body_id) if data.justifies_body_id is not None else None
    violations: list[Violation] = []
    if body is None:
        violations.append(Violation("body", N_("Choose the body.")))
    if data.meeting_id is not None and meeting is None:
        violations.append(Violation("meeting", N_("Unknown meeting.")))
    if data.justifies_body_id is not None and justifies is None:
        violations.append(Violation("justifies_body", N_("Unknown body.")))
    if violations:
        return violations, data.reference
    assert body is not None  # refused above otherwise
    reference = data.reference.strip()
    if not reference:
        reference = proposed_reference(body, (data.adopted_on or today).year)
    facts = silence.DecisionFacts(
        procedure=data.procedure.value,
        current_status=decision.status.value if decision else None,
        current_procedure=decision.procedure.value if decision else None,
        reference=reference,
        reference_taken=_reference_taken(reference, decision),
        title_en=data.title_en.strip(),
        title_ru=data.title_ru.strip(),
        adopted_on=data.adopted_on,
        today=today,
        meeting_given=meeting is not None,
        meeting_of_body=meeting is not None and meeting.body_id == body.id,
        meeting_dates=meeting_days(meeting) if meeting is not None and data.procedure == Procedure.MEETING else None,
        justifies_body_given=justifies is not None,
        justifies_year=data.justifies_year,
    )
    return silence.check_decision(facts), reference


def _apply(decision: Decision, data: DecisionData, reference: str) -> None:
    current = (decision.procedure.value if decision.procedure else None,
               decision.status.value if decision.status else None)
    decision.status = DecisionStatus(silence.status_after_save(data.procedure.value, *current, data.adopted_on))
    if data.procedure == Procedure.MEETING or current[0] != Procedure.SILENCE.value:
        decision.silence_circulated_on = decision.silence_deadline = None
    if data.procedure == Procedure.MEETING or decision.status != DecisionStatus.ADOPTED:
        decision.adopted_on = data.adopted_on
    decision.reference = reference
    assert data.body_id is not None  # _check refuses data without it
    decision.body_id = data.body_id
    decision.meeting_id = data.meeting_id
    decision.procedure = data.procedure
    decision.title_en, decision.title_ru = data.title_en.strip(), data.title_ru.strip()
    decision.text_en, decision.text_ru = data.text_en.strip(), data.text_ru.strip()
    decision.justifies_body_id, decision.justifies_year = data.justifies_body_id, data.justifies_year


def _flush_or_reference_clash(reference: str) -> None:
    """Flush; a concurrent save of the same reference becomes a rule violation."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise RuleViolations([Violation("reference", N_("Another decision already has the reference %(ref)s."),
                                        {"ref": reference})]) from None


def create_decision(actor: User | None, data: DecisionData, today: date | None = None) -> Decision:
    """Record a decision and commit: adopted when a meeting decision has its date,
    otherwise a draft. Raises RuleViolations, writing nothing."""
    today = today or forum_today()
    violations, reference = _check(data, None, today)
    if violations:
        raise RuleViolations(violations)
    decision = Decision(procedure=None, status=None)
    _apply(decision, data, reference)
    db.session.add(decision)
    _flush_or_reference_clash(reference)
    audit.record(actor, "decision.create", "decision", decision.id, None, audit.snapshot(decision, DECISION_FIELDS))
    db.session.commit()
    return decision


def update_decision(actor: User | None, decision: Decision, data: DecisionData, today: date | None = None) -> Decision:
    """Change a decision and commit (audited when something changed). Once a draft
    has been circulated its procedure stays silence. Raises RuleViolations, writing nothing."""
    today = today or forum_today()
    violations, reference = _check(data, decision, today)
    if violations:
        raise RuleViolations(violations)
    with audit.tracking_changes(actor, "decision.update", "decision", decision, DECISION_FIELDS):
        _apply(decision, data, reference)
        _flush_or_reference_clash(reference)
    db.session.commit()
    return decision


# The silence procedure ----------------------------------------------------------

def circulate(actor: User | None, decision: Decision, deadline: date | None = None,
              today: date | None = None, observer_ids: Iterable[int] = (),
              now: datetime | None = None) -> Decision:
    """Circulate a draft for silence today, with `deadline` (two weeks by default), and commit:
    to every member delegation of the day, and to the observers chosen (for information),
    with a notice to each of their people (silence_circulation). Once only: the row is
    locked, and a second circulation is refused. Raises RuleViolations, writing nothing."""
    today = today or forum_today()
    now = now or utcnow()
    deadline = deadline or silence.default_deadline(today)
    db.session.refresh(decision, with_for_update=True)  # one circulation, whoever clicks twice (PostgreSQL)
    violations = silence.check_circulation(decision.status.value, decision.procedure.value, today, deadline)
    observers: list[Delegation] = []
    if not violations:
        observers, violations = silence_circulation.chosen_observers(observer_ids, today)
    if violations:
        db.session.rollback()
        raise RuleViolations(violations)
    with audit.tracking_changes(actor, "decision.circulate", "decision", decision, DECISION_FIELDS):
        decision.silence_circulated_on, decision.silence_deadline = today, deadline
        decision.status = DecisionStatus.UNDER_SILENCE
    members = silence_circulation.member_delegations(today)
    silence_circulation.record_circulation(actor, decision, members, observers, now)
    db.session.commit()
    return decision


def apply_outcome(decision: Decision, today: date) -> None:
    """Set the status (and adoption day) the silence rules give the procedure on `today`."""
    assert decision.silence_deadline is not None  # under silence: set when it was circulated
    outcome = silence.silence_outcome(decision.silence_deadline, [o.lodged_on for o in decision.objections], today)
    decision.status = DecisionStatus(outcome.status)
    decision.adopted_on = outcome.adopted_on


def record_objection(actor: User | None, decision: Decision, data: ObjectionData,
                     today: date | None = None) -> SilenceObjection:
    """Record a member's written objection, which stops the procedure, and commit.

    Refused (RuleViolations, nothing written) when the decision is not under
    silence, the delegation is not a member's on the day, or the day is after
    the deadline, before circulation or in the future."""
    today = today or forum_today()
    db.session.refresh(decision, with_for_update=True)  # one writer at a time (PostgreSQL)
    delegation = db.session.get(Delegation, data.delegation_id) if data.delegation_id is not None else None
    violations: list[Violation] = []
    if delegation is None:
        violations.append(Violation("delegation", N_("Choose the delegation.")))
    if data.lodged_on is None:
        violations.append(Violation("lodged_on", N_("Give the date of the objection.")))
    if not violations:
        assert delegation is not None and data.lodged_on is not None  # refused above otherwise
        violations = silence.check_objection(silence.ObjectionFacts(
            status=decision.status.value,
            circulated_on=decision.silence_circulated_on,
            deadline=decision.silence_deadline,
            lodged_on=data.lodged_on,
            today=today,
            delegation_name=delegation.name(reader_language()),
            is_member=delegation.is_member_on(data.lodged_on),
            already_objected=any(o.delegation_id == delegation.id for o in decision.objections),
            text=data.text or "",
        ))
    if violations:
        db.session.rollback()
        raise RuleViolations(violations)
    assert delegation is not None and data.lodged_on is not None  # refused above otherwise
    objection = SilenceObjection(delegation_id=delegation.id, lodged_on=data.lodged_on,
                                 text=data.text.strip(), recorded_by_id=getattr(actor, "id", None))
    with audit.tracking_changes(actor, "decision.silence_broken", "decision", decision, DECISION_FIELDS):
        decision.objections.append(objection)
        apply_outcome(decision, today)
    audit.record(actor, "silence_objection.create", "silence_objection", objection.id, None,
                 audit.snapshot(objection, OBJECTION_FIELDS))
    db.session.commit()
    return objection


def close_silence_procedures(today: date | None = None) -> list[int]:
    """Close every procedure whose deadline has passed: adopted the day after the
    deadline, or stopped by an objection. Returns the ids closed; running it
    again closes nothing more."""
    today = today or forum_today()
    due = db.session.scalars(
        select(Decision)
        .where(Decision.status == DecisionStatus.UNDER_SILENCE, Decision.silence_deadline < today)
        .options(selectinload(Decision.objections))
        .order_by(Decision.id)
        .with_for_update(skip_locked=True)
    ).all()
    for decision in due:
        with audit.tracking_changes(None, "decision.silence_closed", "decision", decision, DECISION_FIELDS):
            apply_outcome(decision, today)
    db.session.commit()
    return [decision.id for decision in due]


# Reading --------------------------------------------------------------------------

@dataclass
class DecisionFilter:
    body_id: int | None = None
    year: int | None = None
    status: DecisionStatus | None = None


def _in_year(year: int):
    """A decision's year: of its adoption, else of its circulation, else of its entry."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    undated = and_(Decision.adopted_on.is_(None), Decision.silence_circulated_on.is_(None))
    zone = forum_zone()  # an entry's year is the forum's: 1 January begins at midnight in Astana
    return or_(
        Decision.adopted_on.between(first, last),
        and_(Decision.adopted_on.is_(None), Decision.silence_circulated_on.between(first, last)),
        and_(undated, Decision.created_at >= datetime(year, 1, 1, tzinfo=zone),
             Decision.created_at < datetime(year + 1, 1, 1, tzinfo=zone)),
    )


def register_query(filters: DecisionFilter, adopted_only: bool = False):
    """SELECT of the decisions matching `filters`, latest first (drafts on top)."""
    query = select(Decision).options(selectinload(Decision.body))
    if adopted_only:
        query = query.where(Decision.status == DecisionStatus.ADOPTED)
    if filters.body_id is not None:
        query = query.where(Decision.body_id == filters.body_id)
    if filters.status is not None:
        query = query.where(Decision.status == filters.status)
    if filters.year is not None:
        query = query.where(_in_year(filters.year))
    when = func.coalesce(Decision.adopted_on, Decision.silence_circulated_on)
    return query.order_by(when.is_(None).desc(), when.desc(), Decision.id.desc())


def register_years() -> list[int]:
    """The years the register's decisions fall in, latest first."""
    years = set()
    for adopted_on, circulated_on, created_at in db.session.execute(
        select(Decision.adopted_on, Decision.silence_circulated_on, Decision.created_at)
    ):
        years.add((adopted_on or circulated_on or forum_day_of(created_at)).year)
    return sorted(years, reverse=True)
