"""To whom a draft under silence goes, and the notices that tell them, written in
the transaction that circulates it (services.decisions.circulate):

- one SilenceCirculation row per member delegation of the day (they may break
  silence), and one per observer the Secretariat chose (for information only);
- a SILENCE_CIRCULATED notice to every active person of those delegations, due
  at once, with the deadline as an iCalendar event (services/silence_mail.py);
- a SILENCE_REMINDER notice to the members' people, due REMINDER_DAYS_BEFORE
  the deadline (domain.silence_clock.reminder_at); at sending time it is
  cancelled when the silence is over or their delegation has objected.

The rows are queued, not sent: the dispatcher mails them after the commit."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.accounts.models.states import MembershipStatus, State
from secretariat_app.core.forum_time import forum_zone
from secretariat_app.core.localisation import by_name, reader_language
from secretariat_app.decisions.models import Decision, SilenceCirculation
from secretariat_app.domain.silence_clock import reminder_at
from secretariat_app.domain.violations import N_, Violation
from secretariat_app.extensions import db
from secretariat_app.notices.models import NotificationKind
from secretariat_app.notices.services.queue import queue

SUBJECT = "decision"
FOR_INFORMATION = (MembershipStatus.OBSERVER, MembershipStatus.PARTNER)


def _delegations():
    return select(Delegation).join(State).options(contains_eager(Delegation.state))


def member_delegations(day: date) -> list[Delegation]:
    """The delegations of the states that are members on `day`."""
    return list(db.session.scalars(_delegations().where(State.is_member_on(day)).order_by(Delegation.id)))


def observer_delegations(day: date) -> list[Delegation]:
    """The delegations a draft may go to for information on `day` (observers and partners), by name."""
    return by_name([d for d in db.session.scalars(_delegations()) if d.status_on(day) in FOR_INFORMATION],
                   reader_language())


def chosen_observers(ids: Iterable[int], day: date) -> tuple[list[Delegation], list[Violation]]:
    """The observer delegations chosen, or why some cannot be (a member, or no longer taking part)."""
    wanted = sorted(set(ids))
    if not wanted:
        return [], []
    found = list(db.session.scalars(_delegations().where(Delegation.id.in_(wanted))))
    refused = [d for d in found if d.status_on(day) not in FOR_INFORMATION]
    if len(found) != len(wanted) or refused:
        names = ", ".join(d.name(reader_language()) for d in refused) or "?"
        return [], [Violation("observers", N_("Only observers and partners are sent a draft for information; "
                                              "not one on %(day)s: %(names)s."),
                              {"day": day.isoformat(), "names": names})]
    return found, []


def _people(delegation_ids: Iterable[int]) -> list[int]:
    ids = set(delegation_ids)
    if not ids:
        return []
    return list(db.session.scalars(select(User.id).where(User.delegation_id.in_(ids), User.active.is_(True))))


def record_circulation(actor: User | None, decision: Decision, members: list[Delegation],
                       observers: list[Delegation], now: datetime) -> int:
    """Write the circulation rows and queue the notices (the caller commits); returns the notices queued."""
    actor_id = getattr(actor, "id", None)
    for delegation, as_member in [*((d, True) for d in members), *((d, False) for d in observers)]:
        decision.circulations.append(SilenceCirculation(delegation_id=delegation.id, as_member=as_member,
                                                        circulated_at=now, circulated_by_id=actor_id))
    member_people = _people(d.id for d in members)
    queued = queue(NotificationKind.SILENCE_CIRCULATED, SUBJECT, decision.id,
                   member_people + _people(d.id for d in observers), now)
    assert decision.silence_deadline is not None  # set by circulating it
    remind = reminder_at(decision.silence_deadline, forum_zone(), now)
    if remind is not None:
        queued += queue(NotificationKind.SILENCE_REMINDER, SUBJECT, decision.id, member_people, remind)
    return queued
