"""Circulation against the database: recipients, levels, notices queued as
rows, supersession, derestriction, withdrawal and chasing acknowledgements."""
from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.documents.models import (
    Acknowledgement,
    Circulation,
    DistributionLevel,
    DocumentStatus,
    NamedRecipient,
    VersionKind,
)
from secretariat_app.documents.services.circulation import (
    Audience,
    CirculationData,
    acknowledgement_rows,
    chase,
    circulate,
    derestrict,
    withdraw,
)
from secretariat_app.documents.services.documents import (
    LaterVersionData,
    create_later_version,
)
from secretariat_app.documents.services.versions import UploadData, upload
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.notices.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
)
from tests.documents_setup import PDF, counts, make_document
from tests.factories import reading_in

NOW = datetime(2024, 6, 27, 9, 30, tzinfo=UTC)
GENERAL, LIMITED, RESTRICTED = DistributionLevel.GENERAL, DistributionLevel.LIMITED, DistributionLevel.RESTRICTED


def refused(call, *args, **kwargs) -> str:
    """The refusal's message; asserts that nothing was written."""
    before = counts()
    with pytest.raises(RuleViolations) as caught:
        call(*args, **kwargs)
    assert counts() == before
    return " ".join(v.render() for v in caught.value.violations)


def reached(document) -> set[int]:
    return set(db.session.scalars(select(Circulation.delegation_id).where(Circulation.document_id == document.id)))


def notices(document, kind=NotificationKind.DOCUMENT_CIRCULATED) -> list[tuple[int, datetime]]:
    return sorted(db.session.execute(select(Notification.recipient_id, Notification.due_at).where(
        Notification.kind == kind, Notification.subject_type == "document", Notification.subject_id == document.id)))


def to(audience: Audience, delegations=(), users=()) -> CirculationData:
    return CirculationData(audience, [d.id for d in delegations], [u.id for u in users])


# Circulating -------------------------------------------------------------------------------------

def test_circulating_to_the_members_writes_rows_and_queues_notices(world):
    document = make_document(world)
    rows = circulate(world.officer, document, to(Audience.MEMBERS), now=NOW)
    assert reached(document) == {world.member_a.id, world.member_b.id}  # not the observer, not a former member
    assert {(r.circulated_at, r.circulated_by_id) for r in rows} == {(NOW, world.officer.id)}
    assert (document.status, document.circulated_at) == (DocumentStatus.CIRCULATED, NOW)
    assert notices(document) == sorted((u.id, NOW) for u in (world.a1, world.a2, world.b1))  # active users only
    assert {n.status for n in db.session.scalars(select(Notification))} == {NotificationStatus.PENDING}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document.circulate"))
    assert entry.before["status"] == "draft" and entry.after["status"] == "circulated"
    assert entry.after["delegation_ids"] == sorted([world.member_a.id, world.member_b.id])
    assert entry.after["notifications"] == 3 and entry.actor_id == world.officer.id


def test_members_and_observers(world):
    document = make_document(world)
    circulate(world.officer, document, to(Audience.MEMBERS_AND_OBSERVERS), now=NOW)
    assert reached(document) == {world.member_a.id, world.member_b.id, world.observer.id}


def test_the_participants_of_the_documents_meeting(world):
    document = make_document(world, meeting_id=world.meeting.id)
    circulate(world.officer, document, to(Audience.MEETING), now=NOW)
    assert reached(document) == {world.member_a.id, world.observer.id}
    without = make_document(world)
    assert "belongs to no meeting" in refused(circulate, world.officer, without, to(Audience.MEETING))


def test_chosen_delegations_and_more_recipients_later(world):
    document = make_document(world)
    circulate(world.officer, document, to(Audience.DELEGATIONS, [world.member_b]), now=NOW)
    later = NOW + timedelta(hours=2)
    rows = circulate(world.officer, document, to(Audience.DELEGATIONS, [world.member_b, world.observer]), now=later)
    assert [r.delegation_id for r in rows] == [world.observer.id]  # only the new one
    assert reached(document) == {world.member_b.id, world.observer.id}
    assert notices(document) == sorted([(world.b1.id, NOW), (world.obs1.id, later)])
    assert document.circulated_at == NOW  # the first circulation
    assert "Choose at least one delegation" in refused(circulate, world.officer, document, to(Audience.DELEGATIONS))


def test_circulating_twice_to_the_same_list_is_refused(world):
    document = make_document(world)
    circulate(world.officer, document, to(Audience.MEMBERS), now=NOW)
    message = refused(circulate, world.officer, document, to(Audience.MEMBERS), now=NOW + timedelta(minutes=1))
    assert "already been circulated to every recipient" in message


def test_a_document_without_a_language_version_is_not_circulated(world):
    document = make_document(world, with_file=False)
    assert "at least one language version" in refused(circulate, world.officer, document, to(Audience.MEMBERS))
    assert document.status == DocumentStatus.DRAFT


def test_limited_goes_to_member_delegations_only(world):
    document = make_document(world, level=LIMITED)
    message = refused(circulate, world.officer, document, to(Audience.DELEGATIONS, [world.member_a, world.observer]))
    assert "LIMITED document goes to member delegations only" in message and "Carpania" in message
    assert "Carpania" in refused(circulate, world.officer, document, to(Audience.MEMBERS_AND_OBSERVERS))
    assert "Dystopia" in refused(circulate, world.officer, document, to(Audience.DELEGATIONS, [world.former]))
    circulate(world.officer, document, to(Audience.MEMBERS), now=NOW)
    assert reached(document) == {world.member_a.id, world.member_b.id}


def test_restricted_goes_to_named_persons_only(world):
    document = make_document(world, level=RESTRICTED)
    assert "named persons only" in refused(circulate, world.officer, document, to(Audience.MEMBERS))
    assert "named persons only" in refused(circulate, world.officer, document,
                                           to(Audience.DELEGATIONS, [world.member_a]))
    circulate(world.officer, document, to(Audience.PERSONS, users=[world.a1, world.obs1]), now=NOW)
    named = set(db.session.scalars(select(NamedRecipient.user_id).where(NamedRecipient.document_id == document.id)))
    assert named == {world.a1.id, world.obs1.id}
    assert reached(document) == {world.member_a.id, world.observer.id}  # a row per named person's delegation
    assert notices(document) == sorted([(world.a1.id, NOW), (world.obs1.id, NOW)])  # not a2: not named
    later = NOW + timedelta(hours=1)
    rows = circulate(world.officer, document, to(Audience.PERSONS, users=[world.a1, world.a2]), now=later)
    # a2 added; A had its row already
    assert rows == [] and (world.a2.id, later) in notices(document) and len(notices(document)) == 3


def test_named_persons_are_for_restricted_documents_and_active_delegates(world):
    general = make_document(world)
    assert "Only a RESTRICTED document" in refused(circulate, world.officer, general,
                                                   to(Audience.PERSONS, users=[world.a1]))
    restricted = make_document(world, level=RESTRICTED)
    for person in (world.a_inactive, world.officer):
        assert "cannot be chosen" in refused(circulate, world.officer, restricted, to(Audience.PERSONS, users=[person]))
    assert "Choose at least one person" in refused(circulate, world.officer, restricted, to(Audience.PERSONS))


def test_superseded_and_withdrawn_documents_are_not_circulated_again(world):
    document = make_document(world)
    circulate(world.officer, document, to(Audience.DELEGATIONS, [world.member_a]), now=NOW)
    withdraw(world.officer, document, "Issued in error.")
    assert "is not circulated again" in refused(circulate, world.officer, document, to(Audience.MEMBERS))


def test_a_circulated_revision_supersedes_the_base_and_earlier_revisions(world):
    base = make_document(world)
    circulate(world.officer, base, to(Audience.MEMBERS), now=NOW)
    rev1 = create_later_version(world.officer, base, LaterVersionData(VersionKind.REV))
    corr1 = create_later_version(world.officer, base, LaterVersionData(VersionKind.CORR))
    for later in (rev1, corr1):
        upload(world.officer, later, UploadData("en", io.BytesIO(PDF + later.symbol.encode())))
    circulate(world.officer, corr1, to(Audience.MEMBERS), now=NOW)
    assert base.status == DocumentStatus.CIRCULATED  # a corrigendum supersedes nothing
    circulate(world.officer, rev1, to(Audience.MEMBERS), now=NOW + timedelta(days=1))
    assert (base.status, base.status_reason) == (DocumentStatus.SUPERSEDED, rev1.symbol)
    assert corr1.status == DocumentStatus.CIRCULATED
    rev2 = create_later_version(world.officer, base, LaterVersionData(VersionKind.REV))
    upload(world.officer, rev2, UploadData("ru", io.BytesIO(PDF + b"rev2")))
    circulate(world.officer, rev2, to(Audience.MEMBERS), now=NOW + timedelta(days=2))
    assert (rev1.status, rev2.status) == (DocumentStatus.SUPERSEDED, DocumentStatus.CIRCULATED)
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action == "document.supersede")).all()
    assert len(actions) == 2


# Derestriction and withdrawal -------------------------------------------------------------------------

def test_derestriction_widens_only_and_is_logged(world):
    document = make_document(world, level=RESTRICTED)
    circulate(world.officer, document, to(Audience.PERSONS, users=[world.a1]), now=NOW)
    derestrict(world.officer, document, LIMITED)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document.derestrict"))
    assert (entry.before["level"], entry.after["level"], entry.actor_id) == ("restricted", "limited", world.officer.id)
    for level in (LIMITED, RESTRICTED):
        assert "only be derestricted" in refused(derestrict, world.officer, document, level)
    derestrict(world.officer, document, GENERAL)
    assert document.level == GENERAL
    assert "only be derestricted" in refused(derestrict, world.officer, document, GENERAL)


def test_a_document_that_reached_an_observer_is_not_made_limited(world):
    document = make_document(world, level=RESTRICTED)
    circulate(world.officer, document, to(Audience.PERSONS, users=[world.obs1]), now=NOW)
    assert "derestrict it to GENERAL instead" in refused(derestrict, world.officer, document, LIMITED)
    derestrict(world.officer, document, GENERAL)


def test_withdrawal_needs_a_reason_and_a_circulated_document(world):
    document = make_document(world)
    assert "delete it instead" in refused(withdraw, world.officer, document, "No longer needed")
    circulate(world.officer, document, to(Audience.MEMBERS), now=NOW)
    assert "Give the reason" in refused(withdraw, world.officer, document, "   ")
    withdraw(world.officer, document, " Superseded by events. ")
    assert (document.status, document.status_reason) == (DocumentStatus.WITHDRAWN, "Superseded by events.")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document.withdraw"))
    assert entry.before["status"] == "circulated" and entry.after["status_reason"] == "Superseded by events."
    assert "withdrawn already" in refused(withdraw, world.officer, document, "Again")


# Acknowledgements ---------------------------------------------------------------------------------------

def acknowledge(document, delegation, user) -> None:
    db.session.add(Acknowledgement(document_id=document.id, delegation_id=delegation.id, acknowledged_by_id=user.id))
    db.session.commit()


def test_the_acknowledgement_view_lists_who_has_not_acknowledged_first(world):
    document = make_document(world)
    circulate(world.officer, document, to(Audience.MEMBERS_AND_OBSERVERS), now=NOW)
    acknowledge(document, world.member_a, world.a1)
    rows = acknowledgement_rows(document)
    assert [(r.circulation.delegation_id, r.acknowledgement is not None) for r in rows] == [
        (world.member_b.id, False), (world.observer.id, False), (world.member_a.id, True)]


def test_chasing_queues_reminders_for_those_who_have_not_acknowledged(world):
    document = make_document(world)
    circulate(world.officer, document, to(Audience.MEMBERS_AND_OBSERVERS), now=NOW)
    acknowledge(document, world.member_a, world.a1)
    chased_at = NOW + timedelta(days=3)
    assert chase(world.officer, document, now=chased_at) == 2
    kind = NotificationKind.ACKNOWLEDGEMENT_CHASER
    assert notices(document, kind) == sorted([(world.b1.id, chased_at), (world.obs1.id, chased_at)])
    assert chase(world.officer, document, now=chased_at) == 0  # the same instant: no duplicate
    assert len(notices(document, kind)) == 2
    assert chase(world.officer, document, now=chased_at + timedelta(days=2)) == 2
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document.chase")) is not None


def test_a_restricted_document_chases_its_named_persons_only(world):
    document = make_document(world, level=RESTRICTED)
    circulate(world.officer, document, to(Audience.PERSONS, users=[world.a1]), now=NOW)
    chase(world.officer, document, now=NOW + timedelta(days=1))
    assert [r for r, _ in notices(document, NotificationKind.ACKNOWLEDGEMENT_CHASER)] == [world.a1.id]


def test_nothing_to_chase_when_everyone_acknowledged(world):
    document = make_document(world)
    circulate(world.officer, document, to(Audience.DELEGATIONS, [world.member_b]), now=NOW)
    acknowledge(document, world.member_b, world.b1)
    assert "all have acknowledged" in refused(chase, world.officer, document)


def _rename(delegation, name_en: str, name_ru: str) -> None:
    delegation.state.name_en, delegation.state.name_ru = name_en, name_ru
    db.session.commit()


@pytest.mark.parametrize("language, names, observer", [("ru", "Казахстан, Япония", "Япония"),
                                                       ("en", "Japan, Kazakhstan", "Japan")])
def test_refusals_name_the_delegations_in_the_readers_language_and_order(world, language, names, observer):
    _rename(world.observer, "Japan", "Япония")
    _rename(world.former, "Kazakhstan", "Казахстан")
    limited, restricted = make_document(world, level=LIMITED), make_document(world, level=RESTRICTED)
    circulate(world.officer, restricted, to(Audience.PERSONS, users=[world.obs1]), now=NOW)
    with reading_in(language):
        refusal = refused(circulate, world.officer, limited, to(Audience.DELEGATIONS, [world.observer, world.former]))
        assert f"not a member today: {names}." in refusal
        assert f"reached {observer}:" in refused(derestrict, world.officer, restricted, LIMITED)
