"""Succession to the chairmanship, one function per step an officer records on
the Chair's behalf: a candidature (and its withdrawal), informing the members,
the SOC's recommendation, the MFA's or Summit's decision. Each checks the
rules of `domain/succession.py` first (RuleViolations, nothing written), then
writes its rows, its audit entry and its notices in one transaction and commits.
What a decision writes in the ledger when it takes effect is `effect.py`."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.accounts.models.states import State
from secretariat_app.audit import services as audit
from secretariat_app.core.columns import utcnow
from secretariat_app.core.forum_time import forum_today
from secretariat_app.decisions.models import Chairmanship, Decision
from secretariat_app.decisions.services.chair import chair_on
from secretariat_app.decisions.succession.effect import lock_succession, take_effect
from secretariat_app.decisions.succession.models import (
    CandidatureRecipient,
    CandidatureStatus,
    ChairCandidature,
    ChairSuccession,
)
from secretariat_app.domain import succession as rules
from secretariat_app.domain.periods import Period
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db
from secretariat_app.notices.models import NotificationKind
from secretariat_app.notices.services import queue as notice_queue

CANDIDATURE_FIELDS = ("succession_id", "state_id", "letter_on", "continuation", "status", "note", "withdrawn_on",
                      "withdrawal_note", "informed_at", "recommendation_decision_id", "decision_id")
SUBJECT_CANDIDATURE = "chair_candidature"


def _refuse(violations: list[Violation]) -> None:
    if violations:
        db.session.rollback()
        raise RuleViolations(violations)


# Reading ------------------------------------------------------------------------------

def recorded_after(current: Chairmanship) -> Chairmanship | None:
    """The ledger's term that starts the day after `current` ends, if recorded."""
    if current.ends_on is None:
        return None
    return db.session.scalar(select(Chairmanship).where(Chairmanship.starts_on == current.ends_on + rules.ONE_DAY))


def terms_ahead(today: date) -> list[Period]:
    """The two terms a state may seek as of `today` (none without a term in force with an end)."""
    current = chair_on(today)
    if current is None:
        return []
    recorded = recorded_after(current)
    return rules.terms_ahead(Period(current.starts_on, current.ends_on),
                             Period(recorded.starts_on, recorded.ends_on) if recorded else None)


def succession_for(term: Period, create: bool = False) -> ChairSuccession | None:
    row = db.session.scalar(select(ChairSuccession).where(ChairSuccession.starts_on == term.starts_on))
    if row is None and create:
        assert term.ends_on is not None  # terms ahead always end
        row = ChairSuccession(starts_on=term.starts_on, ends_on=term.ends_on)
        db.session.add(row)
        db.session.flush()
        audit.record(None, "chair_succession.create", "chair_succession", row.id, None,
                     {"starts_on": term.starts_on.isoformat(), "ends_on": term.ends_on.isoformat()})
    return row


def _linked(candidatures: list[ChairCandidature], attribute: str) -> rules.LinkedDecision | None:
    steps = sorted(((c, getattr(c, attribute)) for c in candidatures if getattr(c, attribute) is not None),
                   key=lambda pair: pair[1].id)
    return rules.live_step(rules.LinkedDecision(c.id, d.status.value) for c, d in steps)


def candidature_facts(candidature: ChairCandidature) -> rules.CandidatureFacts:
    return rules.CandidatureFacts(candidature.id, candidature.state_id, candidature.active,
                                  candidature.informed_at is not None)


def term_facts(succession: ChairSuccession | None, successor_recorded: bool = False) -> rules.TermFacts:
    if succession is None:
        return rules.TermFacts(successor_recorded=successor_recorded)
    candidatures = list(succession.candidatures)
    return rules.TermFacts(
        candidatures=tuple(candidature_facts(c) for c in candidatures),
        recommendation=_linked(candidatures, "recommendation_decision"),
        decision=_linked(candidatures, "decision"),
        successor_recorded=successor_recorded or succession.applied_at is not None,
    )


def term_state(succession: ChairSuccession) -> rules.TermState:
    return rules.term_state(term_facts(succession))


@dataclass
class Overview:
    """The term in force, the next term and its state, and every term's candidatures."""

    today: date
    current: Chairmanship | None
    next_recorded: Chairmanship | None
    timeline: rules.Timeline
    next_succession: ChairSuccession | None
    successions: list[ChairSuccession] = field(default_factory=list)
    terms: list[Period] = field(default_factory=list)


def overview(today: date | None = None) -> Overview:
    today = today or forum_today()
    current = chair_on(today)
    recorded = recorded_after(current) if current is not None else None
    terms = terms_ahead(today)
    next_term = terms[0] if terms else None
    succession = succession_for(next_term) if next_term else None
    facts = term_facts(succession, successor_recorded=recorded is not None)
    rows = list(db.session.scalars(
        select(ChairSuccession).order_by(ChairSuccession.starts_on)
        .options(selectinload(ChairSuccession.candidatures).selectinload(ChairCandidature.state))))
    # The terms ahead first, the nearest on top; then the earlier ones, the latest on top.
    successions = [r for r in rows if r.starts_on > today] + [r for r in reversed(rows) if r.starts_on <= today]
    return Overview(
        today=today, current=current, next_recorded=recorded,
        timeline=rules.timeline(Period(current.starts_on, current.ends_on) if current else None, next_term,
                                facts, today),
        next_succession=succession, successions=successions, terms=terms,
    )


# A candidature --------------------------------------------------------------------------

@dataclass
class CandidatureData:
    state_id: int | None
    term_starts_on: date | None  # one of terms_ahead()
    letter_on: date | None
    note: str = ""


def record_candidature(actor: User | None, data: CandidatureData, today: date | None = None) -> ChairCandidature:
    """A member state's letter to the Chair for one of the next two terms; the current
    Chair's for the next term is a continuation. Raises RuleViolations, writing nothing."""
    today = today or forum_today()
    lock_succession()
    state = db.session.get(State, data.state_id) if data.state_id is not None else None
    violations: list[Violation] = []
    if state is None:
        violations.append(Violation("state", N_("Choose the state.")))
    if data.letter_on is None:
        violations.append(Violation("letter_on", N_("Give the date of the letter.")))
    _refuse(violations)
    assert state is not None and data.letter_on is not None  # refused above otherwise
    term = next((t for t in terms_ahead(today) if t.starts_on == data.term_starts_on), None)
    succession = succession_for(term) if term is not None else None
    standing = succession is not None and any(c.active and c.state_id == state.id for c in succession.candidatures)
    decided = term is not None and (
        (succession is not None and term_state(succession) == rules.TermState.DECIDED)
        or db.session.scalar(select(Chairmanship.id).where(Chairmanship.starts_on == term.starts_on)) is not None)
    _refuse(rules.check_candidature(rules.CandidatureInput(
        state_key=state.id, state_is_member=state.is_member_on(data.letter_on), letter_on=data.letter_on,
        today=today, term=term, term_decided=decided, already_standing=standing)))
    assert term is not None  # check_candidature refuses a term that is not ahead
    current = chair_on(today)
    succession = succession or succession_for(term, create=True)
    assert succession is not None
    candidature = ChairCandidature(
        succession_id=succession.id, state_id=state.id, letter_on=data.letter_on, note=(data.note or "").strip(),
        status=CandidatureStatus.ACTIVE, recorded_by_id=getattr(actor, "id", None),
        continuation=rules.is_continuation(state.id, current.state_id if current else None, term,
                                           Period(current.starts_on, current.ends_on) if current else None))
    db.session.add(candidature)
    db.session.flush()
    audit.record(actor, "chair_candidature.create", "chair_candidature", candidature.id, None,
                 audit.snapshot(candidature, CANDIDATURE_FIELDS))
    db.session.commit()
    return candidature


def withdraw_candidature(actor: User | None, candidature: ChairCandidature, withdrawn_on: date | None,
                         note: str = "", today: date | None = None) -> ChairCandidature:
    """Mark a candidature withdrawn (kept, never deleted). Raises RuleViolations, writing nothing."""
    today = today or forum_today()
    lock_succession()
    db.session.refresh(candidature)
    chosen = candidature.decision is not None and candidature.decision.status.value == rules.ADOPTED
    _refuse(rules.check_withdrawal(candidature.active, chosen, withdrawn_on, candidature.letter_on, today))
    with audit.tracking_changes(actor, "chair_candidature.withdraw", "chair_candidature", candidature,
                                CANDIDATURE_FIELDS):
        candidature.status = CandidatureStatus.WITHDRAWN
        candidature.withdrawn_on = withdrawn_on
        candidature.withdrawal_note = (note or "").strip()
    db.session.commit()
    return candidature


# Informing the members -------------------------------------------------------------------

def member_delegations(today: date) -> list[Delegation]:
    return list(db.session.scalars(select(Delegation).join(State, Delegation.state_id == State.id)
                                   .where(State.is_member_on(today)).order_by(Delegation.id)))


def inform_members(actor: User | None, candidature: ChairCandidature, now: datetime | None = None) -> int:
    """The Chair informs the members through the Secretariat: the candidature is
    circulated to every member delegation of the day (kept as its recipients) and a
    notice is queued for each of their active people, sent by the dispatcher after
    the commit. Once per candidature. Returns how many notices were queued."""
    now = now or utcnow()
    lock_succession()
    db.session.refresh(candidature, with_for_update=True)
    _refuse(rules.check_inform(candidature.active, candidature.informed_at is not None))
    delegations = member_delegations(forum_today())
    for delegation in delegations:
        db.session.add(CandidatureRecipient(candidature_id=candidature.id, delegation_id=delegation.id,
                                            informed_at=now))
    people = list(db.session.scalars(select(User.id).where(
        User.delegation_id.in_([d.id for d in delegations]), User.active.is_(True)))) if delegations else []
    with audit.tracking_changes(actor, "chair_candidature.inform", "chair_candidature", candidature,
                                CANDIDATURE_FIELDS):
        candidature.informed_at = now
    queued = notice_queue.queue(NotificationKind.CHAIR_CANDIDATURE, SUBJECT_CANDIDATURE, candidature.id, people, now)
    audit.record(actor, "chair_candidature.circulate", "chair_candidature", candidature.id, None,
                 {"delegation_ids": [d.id for d in delegations], "notifications": queued})
    db.session.commit()
    return queued


# The SOC's recommendation and the decision ------------------------------------------------

@dataclass
class StepData:
    candidature_id: int | None
    decision_id: int | None


def _step_input(succession: ChairSuccession, data: StepData, attribute: str) -> tuple[rules.StepInput,
                                                                                   ChairCandidature | None,
                                                                                   Decision | None]:
    candidature = next((c for c in succession.candidatures if c.id == data.candidature_id), None)
    decision = db.session.get(Decision, data.decision_id) if data.decision_id is not None else None
    others = [getattr(c, attribute) for c in succession.candidatures
              if c is not candidature and getattr(c, attribute) is not None]
    given = rules.StepInput(
        candidature=candidature_facts(candidature) if candidature else None,
        body=decision.body.code if decision else None,
        procedure=decision.procedure.value if decision else None,
        status=decision.status.value if decision else None,
        has_meeting=decision is not None and decision.meeting_id is not None,
        term_decided=term_state(succession) == rules.TermState.DECIDED,
        other_live=any(d.status.value != rules.STOPPED for d in others),
    )
    return given, candidature, decision


def record_recommendation(actor: User | None, succession: ChairSuccession, data: StepData) -> ChairCandidature:
    """The SOC's recommendation of a candidate, an SOC decision under the silence
    procedure; it counts once that silence holds. Raises RuleViolations, writing nothing."""
    lock_succession()
    db.session.refresh(succession)
    given, candidature, decision = _step_input(succession, data, "recommendation_decision")
    _refuse(rules.check_recommendation(given))
    assert candidature is not None and decision is not None  # refused above otherwise
    with audit.tracking_changes(actor, "chair_candidature.recommend", "chair_candidature", candidature,
                                CANDIDATURE_FIELDS):
        candidature.recommendation_decision = decision
    db.session.commit()
    return candidature


def record_decision(actor: User | None, succession: ChairSuccession, data: StepData) -> ChairCandidature:
    """The MFA's or Summit's decision choosing a candidate; once adopted the term is
    decided and the ledger gets (or extends) the chairmanship, here if it is adopted
    already, otherwise by the daily task once it is. Raises RuleViolations, writing nothing."""
    lock_succession()
    db.session.refresh(succession)
    given, candidature, decision = _step_input(succession, data, "decision")
    _refuse(rules.check_decision(given))
    assert candidature is not None and decision is not None  # refused above otherwise
    with audit.tracking_changes(actor, "chair_candidature.decide", "chair_candidature", candidature,
                                CANDIDATURE_FIELDS):
        candidature.decision = decision
    take_effect(actor, succession)  # rolls back and raises RuleViolations when the ledger refuses it
    db.session.commit()
    return candidature
