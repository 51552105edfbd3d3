"""Who may see a meeting: the Secretariat every meeting; a delegate (or a
coordinator, a member of a delegation) the meetings their own delegation is
invited to; nobody else any. One rule, in two shapes: `may_read_meeting` on
one meeting (a page, a download) and `readable_meetings` as a filter on a
query of many (the calendar feed)."""
from __future__ import annotations

from sqlalchemy import Select, exists, select

from secretariat_app.meetings.models import Invitation, Meeting
from secretariat_app.permissions.roles import is_delegate, is_secretariat


def may_read_meeting(user, meeting: Meeting) -> bool:
    if is_secretariat(user):
        return True
    if not is_delegate(user):
        return False
    return any(invitation.delegation_id == user.delegation_id for invitation in meeting.invitations)


def readable_meetings(user, query: Select) -> Select | None:
    """`query` (of Meeting) narrowed to the meetings `user` may see; None when they may see none."""
    if is_secretariat(user):
        return query
    if not is_delegate(user):
        return None
    invited = exists(select(Invitation.id).where(Invitation.meeting_id == Meeting.id,
                                                 Invitation.delegation_id == user.delegation_id))
    return query.where(invited)
