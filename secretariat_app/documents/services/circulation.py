"""Circulating documents and what follows: derestriction, withdrawal, and the
acknowledgements the Secretariat chases.

Circulating writes one Circulation row per recipient delegation (and, for a
RESTRICTED document, a NamedRecipient row per person), marks the document
circulated and queues one Notification row per person to be told: rows only,
in the same transaction; a dispatcher sends them. A revision, once
circulated, supersedes its base and the earlier revisions."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.audit import services as audit
from secretariat_app.core.columns import utcnow
from secretariat_app.core.forum_time import forum_day_of, forum_today
from secretariat_app.core.localisation import by_name, reader_language
from secretariat_app.documents.models import (
    Acknowledgement,
    Circulation,
    DistributionLevel,
    Document,
    DocumentStatus,
    NamedRecipient,
    VersionKind,
)
from secretariat_app.documents.services.documents import DOCUMENT_FIELDS
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Invitation
from secretariat_app.meetings.services.meetings import default_delegations
from secretariat_app.notices.models import NotificationKind
from secretariat_app.notices.services import queue as notice_queue
from secretariat_app.permissions import documents as document_access

WIDEST_FIRST = list(DistributionLevel)  # GENERAL, LIMITED, RESTRICTED
CIRCULATION_FIELDS = ("symbol", "level", "status", "circulated_at")


class Audience(enum.Enum):
    MEMBERS = "members"
    MEMBERS_AND_OBSERVERS = "members_and_observers"
    MEETING = "meeting"
    DELEGATIONS = "delegations"
    PERSONS = "persons"


@dataclass
class CirculationData:
    audience: Audience
    delegation_ids: list[int] = field(default_factory=list)  # Audience.DELEGATIONS
    user_ids: list[int] = field(default_factory=list)  # Audience.PERSONS


def _refuse(violations: list[Violation]) -> None:
    if violations:
        db.session.rollback()
        raise RuleViolations(violations)


def _names(delegations) -> str:
    """The delegations' names in the reader's language and alphabetical order."""
    language = reader_language()
    return ", ".join(d.name(language) for d in by_name(delegations, language))


# Whom a circulation reaches -------------------------------------------------------------

def _chosen_delegations(ids: list[int]) -> tuple[list[Delegation], list[Violation]]:
    found = list(db.session.scalars(select(Delegation).where(Delegation.id.in_(set(ids))))) if ids else []
    if not ids:
        return [], [Violation("delegation_ids", N_("Choose at least one delegation."))]
    if len(found) != len(set(ids)):
        return [], [Violation("delegation_ids", N_("Unknown delegation."))]
    return found, []


def _chosen_persons(document: Document, ids: list[int]) -> tuple[list[User], list[Violation]]:
    if document.level != DistributionLevel.RESTRICTED:
        return [], [Violation("audience", N_("Only a RESTRICTED document is circulated to named persons; "
                                             "choose delegations for a %(level)s one."),
                              {"level": document.level.value.upper()})]
    if not ids:
        return [], [Violation("user_ids", N_("Choose at least one person."))]
    users = list(db.session.scalars(select(User).where(User.id.in_(set(ids)))))
    if len(users) != len(set(ids)):
        return [], [Violation("user_ids", N_("Unknown person."))]
    outside = [u.name for u in users if not u.active or u.delegation_id is None]
    if outside:
        return [], [Violation("user_ids", N_("Named recipients are active members of a delegation: %(names)s "
                                             "cannot be chosen."), {"names": ", ".join(sorted(outside))})]
    return users, []


def recipients(document: Document, data: CirculationData,
               today) -> tuple[list[Delegation], list[User], list[Violation]]:
    """The delegations (and, for RESTRICTED, the persons) `data` names, or what is wrong with it."""
    audience = data.audience
    if audience == Audience.PERSONS:
        users, violations = _chosen_persons(document, data.user_ids)
        theirs = {u.delegation for u in users if u.delegation is not None}  # each has one, or none is chosen
        return sorted(theirs, key=lambda d: d.id), users, violations
    if audience in (Audience.MEMBERS, Audience.MEMBERS_AND_OBSERVERS):
        return default_delegations(today, audience == Audience.MEMBERS_AND_OBSERVERS), [], []
    if audience == Audience.MEETING:
        if document.meeting_id is None:
            return [], [], [Violation("audience", N_("This document belongs to no meeting."))]
        delegations = db.session.scalars(select(Delegation).join(Invitation, Invitation.delegation_id == Delegation.id)
                                         .where(Invitation.meeting_id == document.meeting_id).order_by(Delegation.id))
        return list(delegations), [], []
    if audience == Audience.DELEGATIONS:
        chosen, violations = _chosen_delegations(data.delegation_ids)
        return chosen, [], violations
    return [], [], [Violation("audience", N_("Choose to whom the document goes."))]


def check_level(level: DistributionLevel, delegations: list[Delegation], named: bool, today) -> list[Violation]:
    """permissions.documents.may_receive for each delegation: LIMITED to members only, RESTRICTED to named
    persons only."""
    refused = [d for d in delegations
               if not document_access.may_receive(level, d.is_member_on(today), named)]
    if not refused:
        return []
    if level == DistributionLevel.RESTRICTED:
        return [Violation("audience", N_("A RESTRICTED document goes to named persons only: choose the persons."))]
    return [Violation("audience", N_("A LIMITED document goes to member delegations only; not a member today: "
                                     "%(names)s."), {"names": _names(refused)})]


# Circulating ---------------------------------------------------------------------------------

def _notify(kind: NotificationKind, document: Document, user_ids, due_at: datetime) -> int:
    """Notice rows for these people, in this transaction; the dispatcher sends them."""
    return notice_queue.queue(kind, "document", document.id, user_ids, due_at)


def _active_users(delegation_ids) -> list[int]:
    if not delegation_ids:
        return []
    return list(db.session.scalars(select(User.id).where(User.delegation_id.in_(set(delegation_ids)),
                                                         User.active.is_(True))))


def _supersede_earlier(actor: User | None, revision: Document) -> None:
    """The base and the earlier revisions of a circulated revision are superseded."""
    base = revision.base
    assert base is not None and revision.version_number is not None  # a revision has a base and a number
    earlier = [base] + [d for d in base.later_versions
                        if d.version_kind == VersionKind.REV and (d.version_number or 0) < revision.version_number]
    for document in earlier:
        if document.status == DocumentStatus.CIRCULATED:
            with audit.tracking_changes(actor, "document.supersede", "document", document, DOCUMENT_FIELDS):
                document.status = DocumentStatus.SUPERSEDED
                document.status_reason = revision.symbol


def circulate(actor: User | None, document: Document, data: CirculationData,
              now: datetime | None = None) -> list[Circulation]:
    """Circulate `document` to the recipients `data` names and commit; returns
    the new Circulation rows. Circulating again adds only new recipients.

    Refused (RuleViolations, nothing written) when the document is superseded
    or withdrawn, has no language version, its level does not allow a
    recipient, or every recipient has it already."""
    now = now or utcnow()
    today = forum_day_of(now)
    db.session.refresh(document, with_for_update=True)  # one circulation of a document at a time (PostgreSQL)
    if document.status not in (DocumentStatus.DRAFT, DocumentStatus.CIRCULATED):
        _refuse([Violation("audience", N_("%(symbol)s is %(status)s and is not circulated again."),
                           {"symbol": document.symbol, "status": document.status.value})])
    if not document.versions:
        _refuse([Violation("audience", N_("Upload at least one language version before circulating."))])
    delegations, users, violations = recipients(document, data, today)
    _refuse(violations)
    if not delegations:
        _refuse([Violation("audience", N_("No delegation is on this list."))])
    _refuse(check_level(document.level, delegations, data.audience == Audience.PERSONS, today))
    reached = set(db.session.scalars(select(Circulation.delegation_id).where(Circulation.document_id == document.id)))
    named = set(db.session.scalars(select(NamedRecipient.user_id).where(NamedRecipient.document_id == document.id)))
    new_delegations = [d for d in delegations if d.id not in reached]
    new_users = [u for u in users if u.id not in named]
    if not new_delegations and not new_users:
        _refuse([Violation("audience", N_("%(symbol)s has already been circulated to every recipient on this list."),
                           {"symbol": document.symbol})])
    rows = [Circulation(document_id=document.id, delegation_id=d.id, circulated_at=now,
                        circulated_by_id=getattr(actor, "id", None)) for d in new_delegations]
    db.session.add_all(rows)
    db.session.add_all(NamedRecipient(document_id=document.id, user_id=u.id, added_at=now) for u in new_users)
    told = ([u.id for u in new_users] if data.audience == Audience.PERSONS
            else _active_users(d.id for d in new_delegations))
    notices = _notify(NotificationKind.DOCUMENT_CIRCULATED, document, told, now)
    before = audit.snapshot(document, CIRCULATION_FIELDS)
    first = document.status == DocumentStatus.DRAFT
    if first:
        document.status, document.circulated_at = DocumentStatus.CIRCULATED, now
        if document.version_kind == VersionKind.REV:
            _supersede_earlier(actor, document)
    try:
        db.session.flush()
    except IntegrityError:  # the same recipients added at the same moment by someone else
        db.session.rollback()
        raise RuleViolations([Violation("audience", N_(
            "The document was circulated at the same moment by "
            "someone else: reload the page and check its recipients."))]) from None
    audit.record(actor, "document.circulate", "document", document.id, before, {
        **audit.snapshot(document, CIRCULATION_FIELDS), "audience": data.audience.value,
        "delegation_ids": sorted(d.id for d in new_delegations), "named_user_ids": sorted(u.id for u in new_users),
        "notifications": notices,
    })
    db.session.commit()
    return rows


# Derestriction and withdrawal -------------------------------------------------------------------

def derestrict(actor: User | None, document: Document, level: DistributionLevel, today=None) -> Document:
    """Widen the distribution level (RESTRICTED → LIMITED → GENERAL, never back) and commit, logged."""
    today = today or forum_today()
    if not isinstance(level, DistributionLevel) or WIDEST_FIRST.index(level) >= WIDEST_FIRST.index(document.level):
        _refuse([Violation("level", N_("A document can only be derestricted: RESTRICTED to LIMITED to GENERAL, "
                                       "never the other way."))])
    if level == DistributionLevel.LIMITED:
        reached = db.session.scalars(select(Delegation).join(Circulation, Circulation.delegation_id == Delegation.id)
                                     .where(Circulation.document_id == document.id))
        # permissions.documents.may_receive (domain.visibility.RECEIVING): LIMITED to members only.
        outside = [d for d in reached if not document_access.may_receive(level, d.is_member_on(today), False)]
        if outside:
            _refuse([Violation("level", N_("A LIMITED document goes to member delegations only, and this one "
                                           "reached %(names)s: derestrict it to GENERAL instead."),
                               {"names": _names(outside)})])
    with audit.tracking_changes(actor, "document.derestrict", "document", document, ("symbol", "level")):
        document.level = level
    db.session.commit()
    return document


def withdraw(actor: User | None, document: Document, reason: str, reason_ru: str = "") -> Document:
    """Withdraw a circulated (or superseded) document, giving the reason (in Russian too, if
    wished), and commit. It stays in the archive, readable by those it reached."""
    reason, reason_ru = (reason or "").strip(), (reason_ru or "").strip()
    violations = []
    if document.status == DocumentStatus.DRAFT:
        violations.append(Violation("reason", N_("A draft is not withdrawn: delete it instead.")))
    elif document.status == DocumentStatus.WITHDRAWN:
        violations.append(Violation("reason", N_("%(symbol)s has been withdrawn already."),
                                    {"symbol": document.symbol}))
    if not reason:
        violations.append(Violation("reason", N_("Give the reason for the withdrawal.")))
    elif len(reason) > 2000:
        violations.append(Violation("reason", N_("Use at most %(n)d characters."), {"n": 2000}))
    if len(reason_ru) > 2000:
        violations.append(Violation("reason_ru", N_("Use at most %(n)d characters."), {"n": 2000}))
    _refuse(violations)
    with audit.tracking_changes(actor, "document.withdraw", "document", document, DOCUMENT_FIELDS):
        document.status, document.status_reason = DocumentStatus.WITHDRAWN, reason
        document.status_reason_ru = reason_ru
    db.session.commit()
    return document


# Acknowledgements ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class AcknowledgementRow:
    circulation: Circulation
    acknowledgement: Acknowledgement | None


def acknowledgement_rows(document: Document, language: str = "en") -> list[AcknowledgementRow]:
    """Every recipient delegation with its acknowledgement (or None), those that have not acknowledged first,
    each group by name in `language`."""
    circulations = db.session.scalars(select(Circulation).where(Circulation.document_id == document.id))
    acks = {a.delegation_id: a for a in db.session.scalars(
        select(Acknowledgement).where(Acknowledgement.document_id == document.id))}
    rows = [AcknowledgementRow(c, acks.get(c.delegation_id)) for c in circulations]
    return sorted(by_name(rows, language, of=lambda r: r.circulation.delegation),
                  key=lambda r: r.acknowledgement is not None)


def chase(actor: User | None, document: Document, now: datetime | None = None) -> int:
    """Queue an ACKNOWLEDGEMENT_CHASER notice for each active user of every
    recipient delegation that has not acknowledged (for RESTRICTED: each named
    person of it), due now, and commit; returns how many were queued. Chasing
    twice at the same instant queues nothing more."""
    now = now or utcnow()
    waiting = [r.circulation.delegation_id for r in acknowledgement_rows(document) if r.acknowledgement is None]
    if not waiting:
        _refuse([Violation("document", N_("No recipient delegation is waiting: all have acknowledged receipt."))])
    if document.level == DistributionLevel.RESTRICTED:
        people = list(db.session.scalars(select(User.id).join(NamedRecipient, NamedRecipient.user_id == User.id).where(
            NamedRecipient.document_id == document.id, User.delegation_id.in_(waiting), User.active.is_(True))))
    else:
        people = _active_users(waiting)
    queued = _notify(NotificationKind.ACKNOWLEDGEMENT_CHASER, document, people, now)
    try:
        db.session.flush()
    except IntegrityError:  # chased at the same instant by someone else: their notices stand
        db.session.rollback()
        return 0
    if queued:
        audit.record(actor, "document.chase", "document", document.id, None,
                     {"symbol": document.symbol, "delegation_ids": sorted(waiting), "notifications": queued})
    db.session.commit()
    return queued
