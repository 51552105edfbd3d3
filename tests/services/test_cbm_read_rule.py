"""Who may read a CBM annual report is defined once (permissions.cbm over
domain.cbm_visibility.ReportRule): the Python answer for one report (can) and
the SQL answer for every report (report_condition) agree with each other and
with the rule as written, for every kind of reader (an officer, a delegate, an
account with neither), every membership status of the reader's state today
(member, observer, partner, none), coordinator of the area or not, and every
status of the report; the report page answers the same, both ways."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from secretariat_app.accounts.models.people import Role
from secretariat_app.accounts.models.states import MembershipStatus
from secretariat_app.cbm.models import CbmAnnualReport, CbmCoordinatorUser, ReportStatus
from secretariat_app.extensions import db
from secretariat_app.permissions import Action, can
from secretariat_app.permissions.cbm import reader_scope, report_condition
from tests import cbm_builders as build
from tests.conftest import log_in
from tests.factories import DelegationFactory, MembershipFactory, StateFactory, UserFactory, officer

MEMBER, OBSERVER, PARTNER = MembershipStatus.MEMBER, MembershipStatus.OBSERVER, MembershipStatus.PARTNER
STATUSES = (MEMBER, OBSERVER, PARTNER, None)  # None: the state held a status once, none today
READERS = ([("officer", None, False), ("no role", None, False)]
           + [("delegate", status, coordinator) for status in STATUSES for coordinator in (False, True)])


def _reader_id(reader) -> str:
    kind, status, coordinator = reader
    return "-".join([kind, status.value if status else "no status", "coordinator" if coordinator else "plain"])


def expected(reader, coordinated_area: bool, report_status: ReportStatus) -> bool:
    """The rule as the Secretariat wrote it."""
    kind, status, coordinator = reader
    if kind == "officer" or (coordinator and coordinated_area):
        return True
    if kind != "delegate":
        return False
    if report_status == ReportStatus.PUBLISHED:
        return status is not None
    if report_status == ReportStatus.SUBMITTED:
        return status == MEMBER
    return False


def make_reader(reader, area):
    kind, status, coordinator = reader
    if kind == "officer":
        return officer()
    if kind == "no role":
        return UserFactory()
    state = StateFactory()
    if status is None:
        MembershipFactory(state=state, status=MEMBER, valid_from=date(1999, 9, 14), valid_to=date(2000, 12, 31))
    else:
        MembershipFactory(state=state, status=status, valid_from=date(1999, 9, 14))
    delegation = DelegationFactory(state=state)
    if not coordinator:
        return UserFactory(roles=[Role.DELEGATE], delegation=delegation)
    build.appoint(area, state)
    user = UserFactory(roles=[Role.DELEGATE, Role.COORDINATOR], delegation=delegation)
    db.session.add(CbmCoordinatorUser(area_id=area.id, user_id=user.id))
    db.session.commit()
    return user


@pytest.fixture
def reports(app_ctx):
    """A report in each status in the area the coordinators coordinate, and in another area."""
    coordinated, other = build.area("smes"), build.area("ict")
    made = {}
    for area in (coordinated, other):
        for year, status in enumerate(ReportStatus, start=2024):
            made[(area.id == coordinated.id, status)] = build.annual_report(area, year, status=status)
    return coordinated, made


def _sql_readable(user) -> set[int]:
    condition = report_condition(reader_scope(user), CbmAnnualReport.area_id, CbmAnnualReport.status)
    query = select(CbmAnnualReport.id)
    return set(db.session.scalars(query if condition is None else query.where(condition)))


@pytest.mark.parametrize("reader", READERS, ids=_reader_id)
def test_python_and_sql_answers_agree_with_the_rule(reports, reader):
    area, made = reports
    user = make_reader(reader, area)
    db.session.expire_all()
    wanted = {report.id for (in_area, status), report in made.items() if expected(reader, in_area, status)}
    in_python = {report.id for report in made.values() if can(user, Action.READ_CBM_REPORT, report)}
    assert in_python == wanted
    assert _sql_readable(user) == wanted


@pytest.mark.parametrize("reader", READERS, ids=_reader_id)
def test_the_report_page_answers_the_same_both_ways(app, reports, reader):
    area, made = reports
    user = make_reader(reader, area)
    client = app.test_client()
    log_in(client, user.email)
    for (in_area, status), report in made.items():
        response = client.get(f"/cbm/reports/{report.id}")
        assert response.status_code == (200 if expected(reader, in_area, status) else 404), (in_area, status)
