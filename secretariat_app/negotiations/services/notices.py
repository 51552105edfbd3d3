"""The negotiation's notices, as rows in the caller's transaction (the dispatcher mails them):
the chair's decision on a proposal, to the proposing delegation's people; and the reminder,
on the morning before the deadline for proposals, to the people of the member delegations
the text reached. A reminder written for a deadline that has since moved, or for a text no
longer under negotiation, is not sent (services/mail.py says so when it renders)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.core.columns import utcnow
from secretariat_app.core.forum_time import forum_today, forum_zone
from secretariat_app.documents.models import Circulation
from secretariat_app.extensions import db
from secretariat_app.negotiations.models import NegotiatedText, TextProposal
from secretariat_app.notices.models import NotificationKind
from secretariat_app.notices.services import queue as notice_queue

PROPOSAL_SUBJECT, TEXT_SUBJECT = "text_proposal", "negotiated_text"
REMINDER_HOUR = time(9, 0)  # in the forum's time zone, the day before the deadline


def _active_users(delegation_ids: Iterable[int]) -> list[int]:
    ids = set(delegation_ids)
    if not ids:
        return []
    return list(db.session.scalars(select(User.id).where(User.delegation_id.in_(ids), User.active.is_(True))))


def queue_decided(proposals: Iterable[TextProposal], now: datetime | None = None) -> int:
    """One notice per closed proposal to each active person of its delegation."""
    now = now or utcnow()
    return sum(notice_queue.queue(NotificationKind.PROPOSAL_DECIDED, PROPOSAL_SUBJECT, p.id,
                                  _active_users([p.delegation_id]), now) for p in proposals)


def reminder_due(deadline: date) -> datetime:
    """When the reminder of a deadline is due: 09:00 of the day before, forum time."""
    return datetime.combine(deadline - timedelta(days=1), REMINDER_HOUR, tzinfo=forum_zone())


def deadline_of_reminder(due_at: datetime) -> date:
    """The deadline a reminder due at `due_at` was written for."""
    return due_at.astimezone(forum_zone()).date() + timedelta(days=1)


def queue_deadline_reminder(text: NegotiatedText, now: datetime | None = None) -> int:
    """The reminder of the text's deadline to the member delegations it reached (none when the
    reminder's moment has passed or there is no deadline)."""
    now = now or utcnow()
    if text.deadline is None or reminder_due(text.deadline) <= now:
        return 0
    document_ids = [text.document_id] + [r.document_id for r in text.revisions]
    reached = db.session.scalars(select(Circulation.delegation_id).where(Circulation.document_id.in_(document_ids)))
    today = forum_today()
    members = [d.id for d in db.session.scalars(select(Delegation).where(Delegation.id.in_(set(reached))))
               if d.is_member_on(today)]
    return notice_queue.queue(NotificationKind.PROPOSAL_DEADLINE, TEXT_SUBJECT, text.id, _active_users(members),
                              reminder_due(text.deadline))
