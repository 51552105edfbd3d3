"""What the MFA's or Summit's decision does once adopted: the term is decided and
the ledger records it. The current Chair continuing extends its term; another
state gets a new term. The Executive Director's term follows the decided chair
(`domain.succession.director_ends`). Each change is audited, in the caller's
transaction; `take_effect_all` (the daily task) commits per term."""
from __future__ import annotations

import logging
import zlib
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.models.staff import Position, StaffAppointment
from secretariat_app.audit import services as audit
from secretariat_app.core.columns import utcnow
from secretariat_app.decisions.models import Chairmanship, DecisionStatus
from secretariat_app.decisions.services.chair import (
    ChairmanshipData,
    add_chairmanship,
    change_chairmanship,
    data_of,
)
from secretariat_app.decisions.succession.models import ChairCandidature, ChairSuccession
from secretariat_app.domain import succession as rules
from secretariat_app.domain.periods import Period
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db

log = logging.getLogger(__name__)


def lock_succession() -> None:
    """Serialise the succession's writes on PostgreSQL (one candidature per state and
    term, one notice round per candidature, one warning and one ledger entry per term)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": zlib.crc32(b"chair_succession")})


def chosen(succession: ChairSuccession) -> ChairCandidature | None:
    """The active candidature the adopted MFA or Summit decision chose, if any."""
    return next((c for c in succession.candidatures
                 if c.active and c.decision is not None and c.decision.status == DecisionStatus.ADOPTED), None)


def _joined(before: str, added: str) -> str:
    return f"{before.strip()} {added}".strip() if before.strip() else added


def _follow_directors(actor: User | None, decided: rules.DecidedTerm) -> None:
    directors = {row.id: row for row in db.session.scalars(
        select(StaffAppointment).where(StaffAppointment.position == Position.EXECUTIVE_DIRECTOR))}
    periods = [(key, Period(row.starts_on, row.ends_on)) for key, row in directors.items()]
    for change in rules.director_ends(decided, periods):
        row = directors[change.key]
        if change.ends_on <= row.starts_on:  # the register's rule: a term ends after it starts
            continue
        with audit.tracking_changes(actor, "staff_appointment.update", "staff_appointment", row, ("ends_on",)):
            row.ends_on = change.ends_on


def take_effect(actor: User | None, succession: ChairSuccession) -> Chairmanship | None:
    """Record the decided term in the ledger, once (None: nothing to do yet or any
    more). Raises RuleViolations, after rolling back, when the ledger refuses it."""
    if succession.applied_at is not None:
        return None
    candidate = chosen(succession)
    if candidate is None:
        return None
    decision = candidate.decision
    assert decision is not None  # chosen() picks a candidature with an adopted decision
    previous = db.session.scalar(select(Chairmanship).where(
        Chairmanship.ends_on == succession.starts_on - rules.ONE_DAY))
    continuation = previous is not None and previous.state_id == candidate.state_id
    year = (succession.ends_on + rules.ONE_DAY).year  # as the record writes terms: "to 2028"
    old: Period | None
    if continuation:
        assert previous is not None
        old = Period(previous.starts_on, previous.ends_on)
        data = data_of(previous)
        data.ends_on = succession.ends_on
        data.basis = _joined(data.basis, f"Continued to {year} by decision {decision.reference}.")
        data.basis_ru = _joined(previous.basis_ru or "", f"Продлено до {year} г. решением {decision.reference}.")
        data.basis_decision_id = data.basis_decision_id or decision.id
        data.basis_meeting_id = data.basis_meeting_id or decision.meeting_id
        row = change_chairmanship(actor, previous, data)
    else:
        old = Period(previous.starts_on, previous.ends_on) if previous is not None else None
        existing = db.session.scalar(select(Chairmanship).where(Chairmanship.starts_on == succession.starts_on,
                                                                Chairmanship.state_id == candidate.state_id))
        if existing is not None:  # recorded by hand already: it rests on this decision now
            data = data_of(existing)
            data.basis_decision_id, data.basis_meeting_id = decision.id, decision.meeting_id
            row = change_chairmanship(actor, existing, data)
        else:
            row = add_chairmanship(actor, ChairmanshipData(
                state_id=candidate.state_id, starts_on=succession.starts_on, ends_on=succession.ends_on,
                basis=f"Decided by {decision.reference}.", basis_ru=f"Решение {decision.reference}.",
                basis_decision_id=decision.id, basis_meeting_id=decision.meeting_id))
    if old is not None:
        _follow_directors(actor, rules.DecidedTerm(old, succession.period, continuation))
    with audit.tracking_changes(actor, "chair_succession.take_effect", "chair_succession", succession,
                                ("chairmanship_id", "applied_at")):
        succession.chairmanship_id = row.id
        succession.applied_at = utcnow()
    return row


def take_effect_all(today: date | None = None) -> list[int]:
    """Every decided term not yet in the ledger, each in its own commit; a term the
    ledger refuses is logged and left for an officer. Returns the successions applied."""
    pending = list(db.session.scalars(
        select(ChairSuccession.id).where(ChairSuccession.applied_at.is_(None))
        .where(ChairSuccession.id.in_(select(ChairCandidature.succession_id)
                                      .where(ChairCandidature.decision_id.is_not(None))))
        .order_by(ChairSuccession.starts_on)))
    applied: list[int] = []
    for succession_id in pending:
        lock_succession()
        succession = db.session.scalar(select(ChairSuccession).where(ChairSuccession.id == succession_id)
                                       .options(selectinload(ChairSuccession.candidatures)))
        if succession is None:
            continue
        try:
            row = take_effect(None, succession)
        except RuleViolations as refused:
            log.warning("the decided term from %s is not recorded in the ledger: %s", succession.starts_on, refused)
            continue
        if row is None:  # its decision is not adopted yet
            db.session.rollback()
            continue
        db.session.commit()
        applied.append(succession_id)
    return applied
