"""The participant list of a meeting, for the Secretariat: every participant
registered under each invitation, by delegation (in the reader's alphabetical
order) and name, with the delegation's status in CICA on the meeting's first day;
delegations invited without participants appear with an empty row, so the list
also says who has not registered. Loaded in a constant number of statements
(invitations with their delegation, state, memberships and participants),
however many delegations and people; written out as CSV (core/spreadsheets.py)
or shown as a printable page. Each export is audited (meeting.participants_export)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.accounts.models.states import MembershipStatus, State
from secretariat_app.audit import services as audit
from secretariat_app.core.labels import STATUS_LABELS
from secretariat_app.core.localisation import name_key
from secretariat_app.core.spreadsheets import csv_bytes
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Invitation, Meeting, Participant
from secretariat_app.meetings.services.meetings import start_day

COLUMNS = (_l("Delegation"), _l("Status in CICA"), _l("Name"), _l("Function"), _l("E-mail"))


@dataclass(frozen=True)
class ParticipantLine:
    delegation: str
    status: MembershipStatus | None
    participant: Participant | None  # None: the delegation has registered nobody


@dataclass(frozen=True)
class ParticipantList:
    meeting: Meeting
    day: date  # the meeting's first day, where it takes place: the day of the statuses
    lines: list[ParticipantLine]

    @property
    def people(self) -> int:
        return sum(1 for line in self.lines if line.participant is not None)


def participant_list(meeting: Meeting, language: str) -> ParticipantList:
    day = start_day(meeting)
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.meeting_id == meeting.id)
        .options(joinedload(Invitation.delegation).joinedload(Delegation.state).selectinload(State.memberships),
                 selectinload(Invitation.participants))
    ).unique().all()
    lines = []
    for invitation in sorted(invitations, key=lambda i: name_key(i.delegation.name(language))):
        name, status = invitation.delegation.name(language), invitation.delegation.status_on(day)
        people = sorted(invitation.participants, key=lambda p: (name_key(p.name), p.id))
        lines += [ParticipantLine(name, status, person) for person in people] or \
            [ParticipantLine(name, status, None)]
    return ParticipantList(meeting, day, lines)


def participants_csv(listing: ParticipantList, language: str) -> bytes:
    """One row per participant (or per delegation without any), headers and labels in `language`."""
    with force_locale(language):
        statuses = {status: str(label) for status, label in STATUS_LABELS.items()}
        rows = ((line.delegation, statuses.get(line.status, "") if line.status else "",
                 *((line.participant.name, line.participant.function, line.participant.email)
                   if line.participant else ("", "", "")))
                for line in listing.lines)
        return csv_bytes([str(column) for column in COLUMNS], rows)


def csv_filename(meeting: Meeting, day: date) -> str:
    """cica-SOC-2027-06-01-participants.csv (ASCII: the body's code and the day)."""
    return f"cica-{meeting.body.code}-{day.isoformat()}-participants.csv"


def record_export(actor: User | None, listing: ParticipantList, form: str) -> None:
    """Audit an export of the list ("csv" or "print") with how many people it held; commits."""
    audit.record(actor, "meeting.participants_export", "meeting", listing.meeting.id, None,
                 {"format": form, "participants": listing.people,
                  "delegations": len({line.delegation for line in listing.lines})})
    db.session.commit()
