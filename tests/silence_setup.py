"""A draft decision of the SOC circulated under silence on 26 February 2027 with the
deadline 12 March 2027 (the day ends at 19:00 UTC, 24:00 in Astana), for the tests of
the silence procedure as the delegations live it."""
from __future__ import annotations

from datetime import UTC, date, datetime

from freezegun import freeze_time
from sqlalchemy import select

from secretariat_app.accounts.models.people import Delegation
from secretariat_app.accounts.models.states import Body, State
from secretariat_app.decisions.models import Decision, Procedure
from secretariat_app.decisions.services.decisions import DecisionData, circulate, create_decision
from secretariat_app.extensions import db
from tests.conftest import log_in

CIRCULATED_AT = datetime(2027, 2, 26, 5, 0, tzinfo=UTC)  # 10:00 in Astana
DEADLINE = date(2027, 3, 12)
LAST_MINUTE = datetime(2027, 3, 12, 18, 59, tzinfo=UTC)  # 23:59 in Astana on the deadline day
A_MINUTE_LATE = datetime(2027, 3, 12, 19, 1, tzinfo=UTC)  # 00:01 in Astana the day after (still the 12th in UTC)
REMINDED_AT = datetime(2027, 3, 9, 4, 0, tzinfo=UTC)  # 09:00 in Astana, three days before


def delegation(code: str) -> Delegation:
    return db.session.scalar(select(Delegation).join(State).where(State.code == code))


def draft() -> Decision:
    soc = db.session.scalar(select(Body).where(Body.code == "SOC"))
    with freeze_time(CIRCULATED_AT):
        return create_decision(None, DecisionData(
            body_id=soc.id, procedure=Procedure.SILENCE, reference="SOC/2027/DEC/1",
            title_en="Venue of the next SOC", title_ru="Место проведения следующего КСДЛ",
            text_en="The Committee decides to meet in Astana.", text_ru="Комитет постановляет собраться в Астане."))


def circulated(actor=None, observers: tuple[str, ...] = ()) -> Decision:
    decision = draft()
    with freeze_time(CIRCULATED_AT):
        circulate(actor, decision, deadline=DEADLINE, observer_ids=[delegation(code).id for code in observers])
    return decision


def client_of(app, user):
    client = app.test_client()
    log_in(client, user.email)
    return client
