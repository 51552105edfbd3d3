"""Test builders for CBM rows, made directly through the models (the CBM
services are tested through their own functions). Shared by every CBM test,
with the `pipeline` fixture of the papers tests."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from secretariat_app.accounts.models.people import Delegation, Role, User
from secretariat_app.accounts.models.states import MembershipStatus, State
from secretariat_app.cbm.models import (
    ActivityType,
    CbmActivity,
    CbmActivityReport,
    CbmAnnualReport,
    CbmArea,
    CbmCoordinator,
    CbmCoordinatorUser,
    CbmDimension,
    CbmPaper,
    CoordinatorRole,
    PaperKind,
    PaperStatus,
    ReportStatus,
)
from secretariat_app.documents.models import DocumentStatus, DocumentType
from secretariat_app.domain.cbm_status import end_of_day_utc
from secretariat_app.extensions import db
from tests.documents_helpers import body, make_document
from tests.factories import (
    DelegationFactory,
    MembershipFactory,
    StateFactory,
    UserFactory,
    officer,
)

DIMENSION_CODES = ("economic", "new_challenges", "human", "environmental", "military_political")


def dimension(code: str = "economic") -> CbmDimension:
    found = db.session.query(CbmDimension).filter_by(code=code).one_or_none()
    if found is None:
        order = DIMENSION_CODES.index(code) if code in DIMENSION_CODES else 10 + db.session.query(CbmDimension).count()
        found = CbmDimension(code=code, name_en=f"{code.replace('_', ' ').title()} dimension",
                             name_ru=f"Измерение {code}", position=order, review_order=order)
        db.session.add(found)
        db.session.commit()
    return found


def area(code: str = "smes", dimension_code: str = "economic", name_en: str | None = None) -> CbmArea:
    row = CbmArea(dimension=dimension(dimension_code), code=code, name_en=name_en or f"Area {code}",
                  name_ru=f"Область {code}")
    db.session.add(row)
    db.session.commit()
    return row


def member_state(status: MembershipStatus = MembershipStatus.MEMBER, since: date = date(1999, 9, 14)) -> State:
    state = StateFactory()
    MembershipFactory(state=state, status=status, valid_from=since)
    db.session.refresh(state)
    return state


def delegation_of(state: State) -> Delegation:
    return db.session.query(Delegation).filter_by(state_id=state.id).one_or_none() or DelegationFactory(state=state)


def appoint(area_: CbmArea, state: State, role: CoordinatorRole = CoordinatorRole.COORDINATOR,
            start: date = date(2020, 1, 1), end: date | None = None) -> CbmCoordinator:
    row = CbmCoordinator(area=area_, state=state, role=role, term_start=start, term_end=end)
    db.session.add(row)
    db.session.commit()
    return row


def coordinator_user(area_: CbmArea, state: State | None = None, **kwargs) -> User:
    """A user with the coordinator role, of a delegation whose state coordinates `area_` today."""
    state = state or member_state()
    if not any(c.state_id == state.id for c in area_.coordinators):
        appoint(area_, state)
    user = UserFactory(roles=[Role.DELEGATE, Role.COORDINATOR], delegation=delegation_of(state), **kwargs)
    db.session.add(CbmCoordinatorUser(area_id=area_.id, user_id=user.id))
    db.session.commit()
    return user


def member_delegate(status: MembershipStatus = MembershipStatus.MEMBER, **kwargs) -> User:
    return UserFactory(roles=[Role.DELEGATE], delegation=delegation_of(member_state(status)), **kwargs)


def paper(area_: CbmArea, kind: PaperKind = PaperKind.ACTION_PLAN, status: PaperStatus = PaperStatus.APPROVED,
          period: tuple[date, date] | None = (date(2025, 1, 1), date(2027, 12, 31))) -> CbmPaper:
    doc_type = DocumentType.ACTION_PLAN if kind == PaperKind.ACTION_PLAN else DocumentType.CONCEPT_PAPER
    document = make_document(f"{kind.value} of {area_.code}", f"Документ {area_.code}", code="SWG",
                             doc_type=doc_type, status=DocumentStatus.DRAFT if status == PaperStatus.DRAFT
                             else DocumentStatus.CIRCULATED)
    row = CbmPaper(area=area_, kind=kind, status=status, document=document,
                   period_start=period[0] if period and kind == PaperKind.ACTION_PLAN else None,
                   period_end=period[1] if period and kind == PaperKind.ACTION_PLAN else None,
                   approved_at=datetime(2025, 1, 1, tzinfo=UTC) if status == PaperStatus.APPROVED else None)
    db.session.add(row)
    db.session.commit()
    return row


def activity(plan: CbmPaper, start: date = date(2026, 5, 10), end: date | None = None,
             responsible: State | None = None, title: str = "Seminar",
             activity_type: ActivityType = ActivityType.SEMINAR) -> CbmActivity:
    responsible = responsible or next(iter(c.state for c in plan.area.coordinators), None) or member_state()
    row = CbmActivity(action_plan=plan, title_en=title, title_ru=f"{title} (ru)", activity_type=activity_type,
                      planned_start=start, planned_end=end or start, venue="Astana",
                      responsible_state=responsible)
    db.session.add(row)
    db.session.commit()
    return row


def annual_report(area_: CbmArea, year: int = 2026, due: date = date(2026, 11, 20),
                  status: ReportStatus = ReportStatus.DRAFT) -> CbmAnnualReport:
    row = CbmAnnualReport(area=area_, year=year, due_at=end_of_day_utc(due), status=status)
    if status != ReportStatus.DRAFT:
        row.submitted_at = datetime(year, 11, 1, tzinfo=UTC)
    db.session.add(row)
    db.session.commit()
    return row


def activity_report(activity_: CbmActivity, annual: CbmAnnualReport, held_on: date | None = None,
                    participants: int = 40, states: list[State] | None = None,
                    outcome_en: str = "Held as planned.") -> CbmActivityReport:
    row = CbmActivityReport(activity=activity_, annual_report=annual, held_on=held_on or activity_.planned_start,
                            venue=activity_.venue, participant_count=participants, outcome_en=outcome_en,
                            participating_states=list(states or []))
    db.session.add(row)
    db.session.commit()
    return row


@dataclass
class CbmCast:
    """One area with an approved action plan, its coordinator, a member delegate,
    an observer delegate and an officer."""
    area: CbmArea
    plan: CbmPaper
    coordinator: User
    member: User
    observer: User
    officer: User


def cbm_cast(area_code: str = "smes") -> CbmCast:
    area_ = area(area_code)
    coordinator = coordinator_user(area_)
    return CbmCast(area=area_, plan=paper(area_), coordinator=coordinator, member=member_delegate(),
                   observer=member_delegate(MembershipStatus.OBSERVER), officer=officer())


@dataclass
class Pipeline:
    """The cast of the papers pipeline's tests: one area, its coordinator, the
    coordinator of another area, a member and an observer delegate, an officer."""
    area: CbmArea
    coordinator: User
    other_coordinator: User  # coordinator of another area
    member: User
    observer: User
    officer: User


@pytest.fixture
def pipeline(app_ctx) -> Pipeline:
    """Registered for every test by tests/conftest.py (pytest_plugins)."""
    body("SWG"), body("SOC")
    area_ = area("smes")
    return Pipeline(area=area_, coordinator=coordinator_user(area_),
                    other_coordinator=coordinator_user(area("ict")), member=member_delegate(),
                    observer=member_delegate(MembershipStatus.OBSERVER), officer=officer())
