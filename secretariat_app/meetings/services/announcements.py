"""The invitation mail of a meeting, with its iCalendar REQUEST, as notice rows.

When a meeting is confirmed, every person of each invited delegation (and
each registered participant with an account) gets the invitation
(MEETING_INVITATION); a delegation invited later gets it when it is invited.
When the confirmed meeting then moves, is renamed or changes its place, its
SEQUENCE rises and they get the update (MEETING_UPDATED), whose attachment
replaces the copy in their calendar; a cancellation is the CANCEL that
`reminders.cancel_meeting` queues. The meeting services call these in their
own transaction, before they commit: the rows are written with the change or
not at all, and the dispatcher sends them after the commit, once each (the
rows' unique key and `notices.services.queue`). The mail is rendered when it
is sent, from the meeting as it is then, so a row never carries stale data."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from secretariat_app.accounts.models.people import User
from secretariat_app.core.columns import utcnow
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Invitation, Meeting, MeetingStatus, Participant
from secretariat_app.notices.models import Notification, NotificationKind, NotificationStatus
from secretariat_app.notices.services import queue as notice_queue

SUBJECT = "meeting"
INVITATION = NotificationKind.MEETING_INVITATION
UPDATED = NotificationKind.MEETING_UPDATED
KINDS = (INVITATION, UPDATED)
# Statuses in which the invited delegations' calendars should hold the meeting.
ANNOUNCED_STATUSES = (MeetingStatus.CONFIRMED, MeetingStatus.POSTPONED)


def recipient_ids(meeting: Meeting, delegation_id: int | None = None) -> list[int]:
    """The active people of the invited delegations (or of one of them) and the
    registered participants who have an account."""
    invited = select(Invitation.delegation_id).where(Invitation.meeting_id == meeting.id)
    participants = (select(Participant.user_id).join(Invitation, Invitation.id == Participant.invitation_id)
                    .where(Invitation.meeting_id == meeting.id, Participant.user_id.is_not(None)))
    if delegation_id is not None:
        invited = invited.where(Invitation.delegation_id == delegation_id)
        participants = participants.where(Invitation.delegation_id == delegation_id)
    people = select(User.id).where(User.active.is_(True),
                                   User.delegation_id.in_(invited) | User.id.in_(participants))
    return sorted(db.session.scalars(people))


def _pending(meeting: Meeting) -> list[Notification]:
    """The meeting's invitations and updates not yet sent, locked (PostgreSQL) against a dispatcher."""
    return list(db.session.scalars(
        select(Notification)
        .where(Notification.kind.in_(KINDS), Notification.subject_type == SUBJECT,
               Notification.subject_id == meeting.id, Notification.status == NotificationStatus.PENDING)
        .order_by(Notification.id).with_for_update().execution_options(populate_existing=True)))


def announce(meeting: Meeting, now: datetime | None = None) -> int:
    """The meeting is confirmed: the invitation goes to everyone invited, now. A meeting
    announced before (confirmed again after a postponement) gets an update instead."""
    now = now or utcnow()
    if meeting.announced_at is not None:
        return announce_change(meeting, now)
    meeting.announced_at = now
    db.session.flush()
    return notice_queue.queue(INVITATION, SUBJECT, meeting.id, recipient_ids(meeting), now)


def invite_delegation(meeting: Meeting, delegation_id: int, now: datetime | None = None) -> int:
    """A delegation invited to a meeting already announced gets the invitation now."""
    if meeting.announced_at is None or meeting.status not in ANNOUNCED_STATUSES:
        return 0
    db.session.flush()
    return notice_queue.queue(INVITATION, SUBJECT, meeting.id, recipient_ids(meeting, delegation_id),
                              now or utcnow())


def announce_change(meeting: Meeting, now: datetime | None = None) -> int:
    """The announced meeting moved, was renamed, changed its place or was confirmed again:
    everyone invited gets the update (its SEQUENCE is the meeting's, already raised). A
    person whose invitation or earlier update is still waiting gets that one, which is
    written from the meeting as it is when sent; nobody gets two."""
    if meeting.announced_at is None or meeting.status not in ANNOUNCED_STATUSES:
        return 0
    db.session.flush()
    waiting = {row.recipient_id for row in _pending(meeting)}
    fresh = [rid for rid in recipient_ids(meeting) if rid not in waiting]
    return notice_queue.queue(UPDATED, SUBJECT, meeting.id, fresh, now or utcnow())


def withdraw(meeting: Meeting, keep: set[int] | None = None) -> int:
    """Cancel the invitations and updates still waiting, except those of `keep`
    (a cancelled meeting: all of them; a withdrawn invitation: those no longer invited)."""
    cancelled = 0
    for row in _pending(meeting):
        if keep is None or row.recipient_id not in keep:
            row.status = NotificationStatus.CANCELLED
            cancelled += 1
    db.session.flush()
    return cancelled
