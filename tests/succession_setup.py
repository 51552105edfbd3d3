"""A succession to test with: Azerbaijan chairing today, member delegations of
Kazakhstan and Russia, the observer Japan, an officer, their people, and the
decisions of the register a recommendation and a decision rest on."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.accounts.models.staff import Position, StaffAppointment
from secretariat_app.accounts.models.states import Body, State
from secretariat_app.core.forum_time import forum_today
from secretariat_app.decisions.models import Chairmanship, Decision, Procedure
from secretariat_app.decisions.services import decisions as decision_service
from secretariat_app.decisions.services.chair import ChairmanshipData, create_chairmanship
from secretariat_app.decisions.services.decisions import DecisionData
from secretariat_app.extensions import db
from secretariat_app.meetings.services import meetings
from secretariat_app.meetings.services.meetings import MeetingData
from tests.factories import DelegationFactory, delegate, officer


def state(code: str) -> State:
    found = db.session.scalar(select(State).where(State.code == code))
    assert found is not None, code
    return found


def body(code: str) -> Body:
    found = db.session.scalar(select(Body).where(Body.code == code))
    assert found is not None, code
    return found


def delegation(code: str) -> Delegation:
    """The state's delegation (the reference data makes one for each state)."""
    return db.session.scalar(select(Delegation).where(Delegation.state_id == state(code).id)) \
        or DelegationFactory(state=state(code))


@dataclass
class Cast:
    today: date
    current: Chairmanship
    director: StaffAppointment
    officer: User
    kaz: Delegation
    rus: Delegation
    jpn: Delegation
    kaz1: User
    rus1: User
    jpn1: User
    kaz_inactive: User


def cast(ends_in_days: int = 200) -> Cast:
    """Azerbaijan chairs from two years ago until `ends_in_days` from today (forum day)."""
    today = forum_today()
    start = today - timedelta(days=730)
    current = create_chairmanship(None, ChairmanshipData(state("AZE").id, start, today + timedelta(days=ends_in_days),
                                                         basis="Assumed at the Summit"))
    director = StaffAppointment(person_name="Director of Azerbaijan", position=Position.EXECUTIVE_DIRECTOR,
                                nationality_id=state("AZE").id, starts_on=start + timedelta(days=30),
                                ends_on=current.ends_on)
    db.session.add(director)
    db.session.commit()
    kaz, rus, jpn = (delegation(code) for code in ("KAZ", "RUS", "JPN"))
    return Cast(today=today, current=current, director=director, officer=officer(),
                kaz=kaz, rus=rus, jpn=jpn, kaz1=delegate(kaz), rus1=delegate(rus, language="ru"), jpn1=delegate(jpn),
                kaz_inactive=delegate(kaz, active=False))


def soc_decision(today: date, adopted: bool) -> Decision:
    """An SOC decision circulated under silence (and adopted when its deadline has passed)."""
    decision = decision_service.create_decision(None, DecisionData(
        body_id=body("SOC").id, procedure=Procedure.SILENCE, title_en="Recommendation of the next Chair",
        title_ru="Рекомендация следующего Председателя"), today=today - timedelta(days=30))
    deadline = today - timedelta(days=5) if adopted else today + timedelta(days=9)
    decision_service.circulate(None, decision, deadline=deadline, today=today - timedelta(days=20))
    if adopted:
        decision_service.close_silence_procedures(today=today)
    return decision


def mfa_decision(today: date, adopted: bool = True) -> Decision:
    """A decision of the MFA at a meeting ten days ago (a draft when not yet adopted)."""
    held = today - timedelta(days=10)
    meeting = meetings.create_meeting(None, MeetingData(
        body_id=body("MFA").id, title_en="Meeting of Ministers of Foreign Affairs", title_ru="СМИД",
        starts_at=datetime(held.year, held.month, held.day, 10), ends_at=datetime(held.year, held.month, held.day, 18),
        city="Baku"))
    return decision_service.create_decision(None, DecisionData(
        body_id=body("MFA").id, procedure=Procedure.MEETING, title_en="The next Chair",
        title_ru="Следующий Председатель", meeting_id=meeting.id, adopted_on=held if adopted else None), today=today)
