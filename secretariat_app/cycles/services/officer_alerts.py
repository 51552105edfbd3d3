"""Telling Secretariat officers about new departures from the cycle rules.

Each new unjustified finding becomes one CYCLE_FINDING notice per active
officer or administrator (subject "cycle_finding", the finding's id, due when
it was raised), written in the transaction that records the finding: the
dispatcher mails them, with retries. A finding is raised once (record_findings
sets raised_at once), and the unique key of a notice makes queuing it twice
harmless."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import event, select

from secretariat_app.accounts.models.people import Role, User, UserRole
from secretariat_app.cycles.models import CycleFinding
from secretariat_app.extensions import db
from secretariat_app.notices.models import NotificationKind
from secretariat_app.notices.services import notifications

SUBJECT_TYPE = "cycle_finding"


def secretariat_recipients() -> list[User]:
    staff = select(UserRole.user_id).where(UserRole.role.in_((Role.ADMIN, Role.OFFICER)))
    return list(db.session.scalars(select(User).where(User.active.is_(True), User.id.in_(staff)).order_by(User.id)))


def queue_cycle_alerts(findings: list[CycleFinding]) -> int:
    """One CYCLE_FINDING notice per finding and officer, due when the finding was
    raised, in the current transaction (the caller commits). Returns how many were new."""
    officers = [user.id for user in secretariat_recipients()]
    queued = 0
    for finding in findings:
        if finding.id is None:
            db.session.flush()
        queued += notifications.queue(NotificationKind.CYCLE_FINDING, SUBJECT_TYPE, finding.id, officers,
                                      finding.raised_at or finding.last_seen_at)
    return queued


@contextmanager
def alerts_in_the_same_transaction(raised_at: datetime) -> Iterator[None]:
    """While the block runs, the session's commit also queues the notices of
    every finding raised at `raised_at` (record_findings(as_of, now=raised_at)
    sets it on each new unjustified finding), so that the findings and their
    notices are committed together or not at all."""
    session = db.session()

    def queue_before_commit(committing) -> None:
        # New findings, and known ones (flushed or not) the check raised again.
        raised = {obj for obj in (*committing.new, *committing.identity_map.values())
                  if isinstance(obj, CycleFinding) and obj.raised_at == raised_at}
        if raised:
            committing.flush()  # the new findings get their ids
            queue_cycle_alerts(sorted(raised, key=lambda finding: finding.id))

    event.listen(session, "before_commit", queue_before_commit)
    try:
        yield
    finally:
        event.remove(session, "before_commit", queue_before_commit)


def send_cycle_alerts(findings: list[CycleFinding]) -> int:
    """For callers that recorded the findings already (the "run the check now"
    page): queue their notices and commit. Returns how many were new."""
    queued = queue_cycle_alerts(findings)
    db.session.commit()
    return queued
