"""Succession services: candidatures (withdrawn, never deleted), the members informed
once, the SOC's recommendation through the silence procedure, the MFA's decision
taking effect in the ledger (the Executive Director following), every step audited,
and the daily warning queued once."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.decisions.models import Chairmanship, DecisionStatus
from secretariat_app.decisions.services import decisions as decision_service
from secretariat_app.decisions.succession import alerts, effect
from secretariat_app.decisions.succession import services as succession
from secretariat_app.decisions.succession.models import (
    CandidatureRecipient,
    CandidatureStatus,
    ChairCandidature,
    ChairSuccession,
)
from secretariat_app.domain.succession import TermState
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.notices.models import Notification, NotificationKind
from tests.factories import admin, officer
from tests.succession_setup import cast, mfa_decision, soc_decision, state


@pytest.fixture
def world(reference):
    return cast()


def audited(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == action))


def notices(kind: NotificationKind) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.kind == kind).order_by(Notification.id)))


def candidature(world, code="KAZ", term=0, letter_days_ago=3) -> ChairCandidature:
    terms = succession.terms_ahead(world.today)
    return succession.record_candidature(world.officer, succession.CandidatureData(
        state(code).id, terms[term].starts_on, world.today - timedelta(days=letter_days_ago)), world.today)


def refused(call, *args, **kwargs) -> list[str]:
    with pytest.raises(RuleViolations) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    return [v.field for v in caught.value.violations]


def test_the_next_term_starts_the_day_after_the_current_one_and_has_no_candidate(world):
    seen = succession.overview(world.today)
    assert seen.current.id == world.current.id
    assert seen.timeline.next_term.starts_on == world.current.ends_on + timedelta(days=1)
    assert seen.timeline.state == TermState.NO_CANDIDATE and seen.timeline.overdue


def test_a_candidature_is_recorded_for_a_term_ahead_and_audited(world):
    kaz = candidature(world)
    assert kaz.status == CandidatureStatus.ACTIVE and not kaz.continuation
    assert kaz.succession.starts_on == world.current.ends_on + timedelta(days=1)
    later = candidature(world, "RUS", term=1)
    assert later.succession.starts_on == kaz.succession.ends_on + timedelta(days=1)
    assert audited("chair_candidature.create") == 2
    assert succession.overview(world.today).timeline.state == TermState.CANDIDATES


def test_the_current_chair_asking_to_continue_is_a_continuation(world):
    assert candidature(world, "AZE").continuation
    assert not candidature(world, "AZE", term=1).continuation


def test_refusals_name_the_field(world):
    terms = succession.terms_ahead(world.today)
    data = succession.CandidatureData(state("JPN").id, terms[0].starts_on, world.today)
    assert refused(succession.record_candidature, world.officer, data, world.today) == ["state"]  # an observer
    data = succession.CandidatureData(state("KAZ").id, world.today, world.today)
    assert refused(succession.record_candidature, world.officer, data, world.today) == ["term"]
    data = succession.CandidatureData(state("KAZ").id, terms[0].starts_on, world.today + timedelta(days=1))
    assert refused(succession.record_candidature, world.officer, data, world.today) == ["letter_on"]
    candidature(world)
    data = succession.CandidatureData(state("KAZ").id, terms[0].starts_on, world.today)
    assert refused(succession.record_candidature, world.officer, data, world.today) == ["state"]  # standing already
    assert db.session.scalar(select(func.count(ChairCandidature.id))) == 1


def test_a_withdrawn_candidature_is_kept(world):
    kaz = candidature(world)
    succession.withdraw_candidature(world.officer, kaz, world.today, "Letter of withdrawal", world.today)
    kept = db.session.get(ChairCandidature, kaz.id)
    assert kept.status == CandidatureStatus.WITHDRAWN and kept.withdrawn_on == world.today
    assert refused(succession.withdraw_candidature, world.officer, kept, world.today) == ["candidature"]
    assert succession.overview(world.today).timeline.state == TermState.NO_CANDIDATE
    assert audited("chair_candidature.withdraw") == 1
    # The state may stand again; both letters stay on record.
    candidature(world)
    assert db.session.scalar(select(func.count(ChairCandidature.id))) == 2


def test_the_members_are_informed_once_every_member_delegation_and_no_observer(world):
    kaz = candidature(world)
    queued = succession.inform_members(world.officer, kaz)
    assert queued == 2  # the active delegates of Kazakhstan and Russia; not Japan's, not the inactive one
    rows = notices(NotificationKind.CHAIR_CANDIDATURE)
    assert sorted(row.recipient_id for row in rows) == sorted([world.kaz1.id, world.rus1.id])
    assert {row.subject_id for row in rows} == {kaz.id}
    reached = set(db.session.scalars(select(CandidatureRecipient.delegation_id)))
    assert {world.kaz.id, world.rus.id} <= reached and world.jpn.id not in reached
    assert refused(succession.inform_members, world.officer, db.session.get(ChairCandidature, kaz.id)) == \
        ["candidature"]
    assert len(notices(NotificationKind.CHAIR_CANDIDATURE)) == 2
    assert audited("chair_candidature.inform") == 1 and audited("chair_candidature.circulate") == 1


def test_the_socs_recommendation_counts_once_the_silence_holds(world):
    kaz = candidature(world)
    next_term = kaz.succession
    pending = soc_decision(world.today, adopted=False)
    assert refused(succession.record_recommendation, world.officer, next_term,
                   succession.StepData(kaz.id, pending.id)) == ["candidature"]  # the members not informed yet
    succession.inform_members(world.officer, kaz)
    succession.record_recommendation(world.officer, db.session.get(ChairSuccession, next_term.id),
                                     succession.StepData(kaz.id, pending.id))
    assert succession.overview(world.today).timeline.state == TermState.CANDIDATES  # still under silence
    decision_service.close_silence_procedures(today=pending.silence_deadline + timedelta(days=1))
    assert db.session.get(type(pending), pending.id).status == DecisionStatus.ADOPTED
    assert succession.overview(world.today).timeline.state == TermState.RECOMMENDED
    assert audited("chair_candidature.recommend") == 1


def test_a_recommendation_must_be_an_soc_decision_under_silence(world):
    kaz = candidature(world)
    succession.inform_members(world.officer, kaz)
    mfa = mfa_decision(world.today)
    assert refused(succession.record_recommendation, world.officer, kaz.succession,
                   succession.StepData(kaz.id, mfa.id)) == ["decision"]


def test_the_mfas_adopted_decision_decides_the_term_and_records_the_new_chair(world):
    kaz = candidature(world)
    rus = candidature(world, "RUS")
    decided = mfa_decision(world.today)
    succession.record_decision(world.officer, kaz.succession, succession.StepData(kaz.id, decided.id))
    seen = succession.overview(world.today)
    assert seen.timeline.state == TermState.DECIDED and not seen.timeline.overdue
    row = db.session.scalar(select(Chairmanship).where(Chairmanship.starts_on == kaz.succession.starts_on))
    assert row.state_id == state("KAZ").id and row.ends_on == kaz.succession.ends_on
    assert row.basis_decision_id == decided.id and row.basis_meeting_id == decided.meeting_id
    assert db.session.get(ChairSuccession, kaz.succession.id).chairmanship_id == row.id
    assert audited("chair_candidature.decide") == 1 and audited("chair_succession.take_effect") == 1
    assert audited("chairmanship.create") == 2  # the current term and the decided one
    # The term is decided: no more steps, nor withdrawal of the chosen candidate.
    assert refused(succession.withdraw_candidature, world.officer, db.session.get(ChairCandidature, kaz.id),
                   world.today, "", world.today) == ["candidature"]
    other = mfa_decision(world.today)
    assert refused(succession.record_decision, world.officer, db.session.get(ChairSuccession, kaz.succession.id),
                   succession.StepData(rus.id, other.id)) == ["candidature"]
    assert effect.take_effect_all(world.today) == []  # nothing more to record


def test_a_decision_not_yet_adopted_takes_effect_when_it_is(world):
    kaz = candidature(world)
    draft = mfa_decision(world.today, adopted=False)
    succession.record_decision(world.officer, kaz.succession, succession.StepData(kaz.id, draft.id))
    assert succession.overview(world.today).timeline.state == TermState.CANDIDATES
    assert effect.take_effect_all(world.today) == []
    assert db.session.scalar(select(func.count(Chairmanship.id))) == 1
    data = decision_service.DecisionData(
        body_id=draft.body_id, procedure=draft.procedure, title_en=draft.title_en, title_ru=draft.title_ru,
        reference=draft.reference, meeting_id=draft.meeting_id, adopted_on=world.today - timedelta(days=10))
    decision_service.update_decision(None, draft, data, today=world.today)
    assert effect.take_effect_all(world.today) == [kaz.succession_id]
    assert effect.take_effect_all(world.today) == []
    assert db.session.scalar(select(func.count(Chairmanship.id))) == 2


def test_the_chair_continuing_extends_its_term_and_the_directors(world):
    aze = candidature(world, "AZE")
    old_end = world.current.ends_on
    succession.record_decision(world.officer, aze.succession, succession.StepData(aze.id, mfa_decision(world.today).id))
    current = db.session.get(Chairmanship, world.current.id)
    assert current.ends_on == aze.succession.ends_on > old_end
    assert "Continued to" in current.basis and "Assumed at the Summit" in current.basis
    assert db.session.scalar(select(func.count(Chairmanship.id))) == 1
    director = db.session.get(type(world.director), world.director.id)
    assert director.ends_on == aze.succession.ends_on  # the Executive Director's term follows the decided chair
    assert audited("staff_appointment.update") == 1
    # The term in force now runs on: the next one is two years later, with no candidate.
    seen = succession.overview(world.today)
    assert seen.timeline.next_term.starts_on == aze.succession.ends_on + timedelta(days=1)
    assert seen.timeline.state == TermState.NO_CANDIDATE and not seen.timeline.overdue


def test_a_new_chair_ends_an_open_ended_directors_term(world):
    world.director.ends_on = None
    db.session.commit()
    kaz = candidature(world)
    succession.record_decision(world.officer, kaz.succession, succession.StepData(kaz.id, mfa_decision(world.today).id))
    assert db.session.get(type(world.director), world.director.id).ends_on == world.current.ends_on


# The beat's warning ----------------------------------------------------------------------

def test_the_officers_are_warned_once_when_the_term_ends_within_a_year_undecided(world):
    colleague, chief = officer(), admin()
    first = alerts.run_daily(world.today)
    assert first.warned == 3
    rows = notices(NotificationKind.CHAIR_SUCCESSOR_DUE)
    assert sorted(r.recipient_id for r in rows) == sorted([world.officer.id, colleague.id, chief.id])
    assert alerts.run_daily(world.today).warned == 0
    assert alerts.run_daily(world.today + timedelta(days=1)).warned == 0
    assert len(notices(NotificationKind.CHAIR_SUCCESSOR_DUE)) == 3
    assert not notices(NotificationKind.CHAIR_CANDIDATURE)
    assert audited("chair_succession.warn") == 1


def test_no_warning_more_than_a_year_before_the_end_or_once_decided(reference):
    far = cast(ends_in_days=500)
    assert alerts.run_daily(far.today).warned == 0
    assert alerts.run_daily(far.today + timedelta(days=136)).warned > 0  # a year before the end


def test_no_warning_when_the_successor_is_decided(world):
    kaz = candidature(world)
    succession.record_decision(world.officer, kaz.succession, succession.StepData(kaz.id, mfa_decision(world.today).id))
    assert alerts.run_daily(world.today).warned == 0
    assert not notices(NotificationKind.CHAIR_SUCCESSOR_DUE)


# The mails, sent by the dispatcher after the commit ----------------------------------------

def test_the_members_notice_is_mailed_once_to_each_in_their_language(world, outbox):
    from secretariat_app.core.columns import utcnow
    from tests.services.test_cbm_notices import send_due

    kaz = candidature(world, "AZE")  # the current Chair asks to continue
    assert outbox == []
    succession.inform_members(world.officer, kaz)
    assert outbox == []  # nothing is sent in the request's transaction
    for minutes in (1, 2):
        send_due(utcnow() + timedelta(minutes=minutes))
    mails = {m["To"]: m for m in outbox}
    assert len(outbox) == 2 and set(mails) == {world.kaz1.email, world.rus1.email}
    english = mails[world.kaz1.email].get_body(("plain",)).get_content()
    assert "Azerbaijan, the current Chair, asks to continue" in english and "/chairmanship/succession/" in english
    russian = mails[world.rus1.email]
    assert "Азербайджан" in russian["Subject"] and "просит продлить" in russian.get_body(("plain",)).get_content()


def test_the_officers_warning_is_mailed_once(world, outbox):
    from secretariat_app.core.columns import utcnow
    from tests.services.test_cbm_notices import send_due

    alerts.run_daily(world.today)
    alerts.run_daily(world.today)
    for minutes in (1, 2):
        send_due(utcnow() + timedelta(minutes=minutes))
    assert [m["To"] for m in outbox] == [world.officer.email]
    text = outbox[0].get_body(("plain",)).get_content()
    assert "The chairmanship of Azerbaijan ends on" in text and "no successor is decided yet" in text
