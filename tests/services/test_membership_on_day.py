"""One definition of "a member on this day": State.is_member_on answers in
Python for a loaded state and, on the class, as SQL for a query; the two agree
on every day around the edges of each period, whatever the status."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from secretariat_app.accounts.models.states import Membership, MembershipStatus, State
from secretariat_app.extensions import db
from tests.factories import MembershipFactory, StateFactory

EDGES = (date(2010, 1, 1), date(2015, 6, 30))


@pytest.fixture
def states(app_ctx):
    """A state for each status over a closed period, one with an open period, and one with no status."""
    made = {}
    for status in MembershipStatus:
        made[status.value] = StateFactory()
        MembershipFactory(state=made[status.value], status=status, valid_from=EDGES[0], valid_to=EDGES[1])
    made["open member"] = StateFactory()
    MembershipFactory(state=made["open member"], status=MembershipStatus.MEMBER, valid_from=EDGES[0])
    made["member then observer"] = StateFactory()
    MembershipFactory(state=made["member then observer"], status=MembershipStatus.MEMBER, valid_from=EDGES[0],
                      valid_to=EDGES[1])
    MembershipFactory(state=made["member then observer"], status=MembershipStatus.OBSERVER,
                      valid_from=EDGES[1] + timedelta(days=1))
    made["none"] = StateFactory()
    db.session.expire_all()
    return made


DAYS = [edge + timedelta(days=shift) for edge in EDGES for shift in (-1, 0, 1)]


@pytest.mark.parametrize("day", DAYS)
def test_python_and_sql_agree(states, day):
    in_sql = set(db.session.scalars(select(State.id).where(State.is_member_on(day))))
    in_python = {s.id for s in states.values() if s.is_member_on(day)}
    assert in_sql == in_python


def test_the_period_includes_its_first_and_last_day(states):
    member, later = states["member"], states["member then observer"]
    assert not member.is_member_on(EDGES[0] - timedelta(days=1))
    assert member.is_member_on(EDGES[0]) and member.is_member_on(EDGES[1])
    assert not member.is_member_on(EDGES[1] + timedelta(days=1))
    assert later.is_member_on(EDGES[1]) and not later.is_member_on(EDGES[1] + timedelta(days=1))
    assert not states["observer"].is_member_on(EDGES[0]) and not states["none"].is_member_on(EDGES[0])
    assert states["open member"].is_member_on(date(2100, 1, 1))


def test_a_period_meets_a_span_in_python_and_in_sql(states):
    year = (date(2015, 1, 1), date(2015, 12, 31))
    after = (date(2015, 7, 1), date(2015, 12, 31))
    for first, last in (year, after):
        in_sql = set(db.session.scalars(select(Membership.id).where(Membership.meets(first, last))))
        in_python = {m.id for s in states.values() for m in s.memberships if m.meets(first, last)}
        assert in_sql == in_python
