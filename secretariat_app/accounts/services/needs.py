"""What needs the reader now, for the dashboard of each kind of user: each list one
statement (or two), whatever its length, cut at LIMIT with a count of the rest.

- a delegate: documents circulated to the delegation that it has not acknowledged
  (only those the reader may read: permissions.documents.readable), and the
  meetings whose registration closes within REGISTRATION_DAYS (with how many the
  delegation registered);
- a coordinator: the annual reports of the areas they coordinate still in draft;
- whoever may see them (permissions.decision_condition): decisions under silence;
- the Secretariat: reports submitted and waiting to be published, papers waiting
  for their SWG review, and notices that could not be sent.

Each item links to the page where it is done."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased, joinedload

from secretariat_app.accounts.models.people import User
from secretariat_app.cbm.models import CbmAnnualReport, CbmArea, CbmPaper, PaperStatus, ReportStatus
from secretariat_app.core.columns import utcnow
from secretariat_app.core.labels import PAPER_KIND_LABELS
from secretariat_app.decisions.models import Decision, DecisionStatus
from secretariat_app.documents.models import Acknowledgement, Circulation, Document, DocumentStatus
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Invitation, Meeting, MeetingStatus, Participant
from secretariat_app.notices.models import Notification, NotificationStatus
from secretariat_app.permissions import coordinated_area_ids, decision_condition, is_delegate, is_secretariat
from secretariat_app.permissions.documents import readable, reader_for

LIMIT = 10
REGISTRATION_DAYS = 30


@dataclass
class Needs:
    """The lists of one reader: each a list of rows (at most LIMIT) and how many there are in all."""
    to_acknowledge: list[tuple[Document, datetime]] = field(default_factory=list)
    to_acknowledge_total: int = 0
    registrations: list[tuple[Meeting, int]] = field(default_factory=list)  # (meeting, people registered)
    reports_due: list[CbmAnnualReport] = field(default_factory=list)
    under_silence: list[Decision] = field(default_factory=list)
    reports_submitted: list[CbmAnnualReport] = field(default_factory=list)
    papers_submitted: list[CbmPaper] = field(default_factory=list)
    failed_notices: int = 0
    shows_deadlines: bool = False  # officers and the delegations it was circulated to see the silence deadlines

    @staticmethod
    def paper_kind(paper: CbmPaper) -> str:
        return str(PAPER_KIND_LABELS.get(paper.kind, paper.kind.value))

    @property
    def empty(self) -> bool:
        return not (self.to_acknowledge or self.registrations or self.reports_due or self.under_silence
                    or self.reports_submitted or self.papers_submitted or self.failed_notices)


def _to_acknowledge(user: User) -> tuple[list[tuple[Document, datetime]], int]:
    """Circulated documents the delegation has not acknowledged, the latest circulation first."""
    sent = aliased(Circulation, name="sent")  # apart from the rule's own EXISTS on circulation
    unacknowledged = and_(
        sent.delegation_id == user.delegation_id, Document.status == DocumentStatus.CIRCULATED,
        readable(reader_for(user)),
        ~exists().where(Acknowledgement.document_id == Document.id,
                        Acknowledgement.delegation_id == user.delegation_id))
    total = func.count().over().label("total")
    rows = db.session.execute(
        select(Document, sent.circulated_at, total).join(sent, sent.document_id == Document.id)
        .where(unacknowledged).order_by(sent.circulated_at.desc(), Document.id.desc()).limit(LIMIT)
    ).all()
    return [(row[0], row[1]) for row in rows], (rows[0].total if rows else 0)


def _registrations(user: User, now: datetime) -> list[tuple[Meeting, int]]:
    """The delegation's meetings whose registration is open and closes within REGISTRATION_DAYS."""
    registered = (select(func.count(Participant.id)).where(Participant.invitation_id == Invitation.id)
                  .correlate(Invitation).scalar_subquery())
    rows = db.session.execute(
        select(Meeting, registered).join(Invitation, Invitation.meeting_id == Meeting.id)
        .where(Invitation.delegation_id == user.delegation_id,
               Meeting.status.not_in([MeetingStatus.CANCELLED, MeetingStatus.HELD]),
               Meeting.registration_deadline > now,
               Meeting.registration_deadline <= now + timedelta(days=REGISTRATION_DAYS),
               Meeting.starts_at > now)
        .options(joinedload(Meeting.body))
        .order_by(Meeting.registration_deadline, Meeting.id).limit(LIMIT)
    ).all()
    return [(meeting, count) for meeting, count in rows]


def _reports_due(user: User) -> list[CbmAnnualReport]:
    areas = coordinated_area_ids(user)
    if not areas:
        return []
    return list(db.session.scalars(
        select(CbmAnnualReport).where(CbmAnnualReport.area_id.in_(sorted(areas)),
                                      CbmAnnualReport.status == ReportStatus.DRAFT)
        .options(joinedload(CbmAnnualReport.area)).order_by(CbmAnnualReport.due_at, CbmAnnualReport.id).limit(LIMIT)))


def _under_silence(user: User) -> list[Decision]:
    return list(db.session.scalars(
        select(Decision).where(Decision.status == DecisionStatus.UNDER_SILENCE, decision_condition(user))
        .order_by(Decision.silence_deadline, Decision.id).limit(LIMIT)))


def _reports_submitted() -> list[CbmAnnualReport]:
    return list(db.session.scalars(
        select(CbmAnnualReport).where(CbmAnnualReport.status == ReportStatus.SUBMITTED)
        .options(joinedload(CbmAnnualReport.area))
        .order_by(CbmAnnualReport.submitted_at, CbmAnnualReport.id).limit(LIMIT)))


def _papers_submitted() -> list[CbmPaper]:
    return list(db.session.scalars(
        select(CbmPaper).join(CbmArea, CbmArea.id == CbmPaper.area_id).where(CbmPaper.status == PaperStatus.SUBMITTED)
        .options(joinedload(CbmPaper.area)).order_by(CbmPaper.id).limit(LIMIT)))


def _failed_notices() -> int:
    return db.session.scalar(select(func.count(Notification.id))
                             .where(Notification.status == NotificationStatus.FAILED)) or 0


def needs_of(user: User, now: datetime | None = None) -> Needs:
    now = now or utcnow()
    needs = Needs(under_silence=_under_silence(user), shows_deadlines=is_secretariat(user) or is_delegate(user))
    if is_delegate(user):
        needs.to_acknowledge, needs.to_acknowledge_total = _to_acknowledge(user)
        needs.registrations = _registrations(user, now)
        needs.reports_due = _reports_due(user)
    if is_secretariat(user):
        needs.reports_submitted = _reports_submitted()
        needs.papers_submitted = _papers_submitted()
        needs.failed_notices = _failed_notices()
    return needs
