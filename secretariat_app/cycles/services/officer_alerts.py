"""Telling Secretariat officers about new departures from the cycle rules.

Each new unjustified finding becomes one CYCLE_FINDING notice per active
officer or administrator (subject "cycle_finding", the finding's id, due when
it was raised). check.check_and_record calls `queue_cycle_alerts` in the
transaction that records the findings, before its one commit; the dispatcher
mails them afterwards, with retries. A finding is raised once (raised_at is set
once), and the unique key of a notice makes queuing it twice harmless."""
from __future__ import annotations

from sqlalchemy import select

from secretariat_app.accounts.models.people import Role, User, UserRole
from secretariat_app.cycles.models import CycleFinding
from secretariat_app.extensions import db
from secretariat_app.notices.models import NotificationKind
from secretariat_app.notices.services import queue as notice_queue

SUBJECT_TYPE = "cycle_finding"


def secretariat_recipients() -> list[User]:
    staff = select(UserRole.user_id).where(UserRole.role.in_((Role.ADMIN, Role.OFFICER)))
    return list(db.session.scalars(select(User).where(User.active.is_(True), User.id.in_(staff)).order_by(User.id)))


def queue_cycle_alerts(findings: list[CycleFinding]) -> int:
    """One CYCLE_FINDING notice per finding and officer, due when the finding was
    raised, in the current transaction (the caller commits). Returns how many were new."""
    if not findings:
        return 0
    officers = [user.id for user in secretariat_recipients()]
    if any(finding.id is None for finding in findings):
        db.session.flush()
    queued = 0
    for finding in findings:
        queued += notice_queue.queue(NotificationKind.CYCLE_FINDING, SUBJECT_TYPE, finding.id, officers,
                                     finding.raised_at or finding.last_seen_at)
    return queued
