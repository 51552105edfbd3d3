"""The reference data the fixtures load (states, bodies, delegations), found by code."""
from __future__ import annotations

from sqlalchemy import select

from secretariat_app.accounts.models.people import Delegation
from secretariat_app.accounts.models.states import Body, State
from secretariat_app.extensions import db


def body(code: str) -> Body:
    return db.session.scalar(select(Body).where(Body.code == code))


def state(code: str) -> State:
    return db.session.scalar(select(State).where(State.code == code))


def kaz() -> Delegation:
    return db.session.scalar(select(Delegation).join(State).where(State.code == "KAZ"))


def delegation(code: str) -> Delegation:
    return db.session.scalar(select(Delegation).join(State).where(State.code == code))
