"""The Celery task that closes silence procedures: thin, run every few minutes so that a draft
is adopted just after the deadline day ends in Astana, idempotent."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from secretariat_app.accounts.models.people import Delegation
from secretariat_app.accounts.models.states import Body, State
from secretariat_app.audit.models import AuditEntry
from secretariat_app.decisions.models import Decision, DecisionStatus, Procedure
from secretariat_app.decisions.services.decisions import (
    DecisionData,
    ObjectionData,
    circulate,
    create_decision,
    record_objection,
)
from secretariat_app.extensions import db
from tests.factories import officer
from tests.forum_day import SUITE_DAY
from workers.celery_app import beat_schedule
from workers.tasks.decisions import close_silence_procedures

pytestmark = pytest.mark.usefixtures("steady_forum_day")

TASK_NAME = "workers.tasks.decisions.close_silence_procedures"


def silence_draft(reference: str, circulated_on: date) -> Decision:
    soc = db.session.scalar(select(Body).where(Body.code == "SOC"))
    decision = create_decision(officer(), DecisionData(body_id=soc.id, procedure=Procedure.SILENCE,
                                                       title_en="Outcome document", title_ru="Итоговый документ",
                                                       reference=reference), today=circulated_on)
    return circulate(officer(), decision, today=circulated_on)


def closed_audit() -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "decision.silence_closed"))


def test_the_task_runs_every_five_minutes():
    entry = next(e for e in beat_schedule().values() if e["task"] == TASK_NAME)
    # Not once a day at a UTC hour: the forum's day ends at 24:00 in Astana (19:00 UTC), and
    # a draft is adopted within minutes of it, whatever the forum's zone.
    assert entry["schedule"] == 300.0 and entry["options"]["expires"] == 300.0


def test_adoption_follows_midnight_in_astana_not_in_utc(reference):
    decision = silence_draft("SOC/2000/DEC/7", date(2027, 2, 26))  # deadline 12 March 2027
    assert decision.silence_deadline == date(2027, 3, 12)
    with freeze_time(datetime(2027, 3, 12, 18, 55, tzinfo=UTC)):  # 23:55 in Astana: still the deadline day
        assert close_silence_procedures.run() == 0
    with freeze_time(datetime(2027, 3, 12, 19, 5, tzinfo=UTC)):  # 00:05 in Astana, still the 12th in UTC
        assert close_silence_procedures.run() == 1
    db.session.expire_all()
    adopted = db.session.get(Decision, decision.id)
    assert (adopted.status, adopted.adopted_on) == (DecisionStatus.ADOPTED, date(2027, 3, 13))


def test_the_task_closes_due_procedures_once(reference):
    today = SUITE_DAY
    due = silence_draft("SOC/2000/DEC/1", today - timedelta(days=20))  # deadline six days ago
    stopped = silence_draft("SOC/2000/DEC/2", today - timedelta(days=20))
    russia = db.session.scalar(select(Delegation).join(State).where(State.code == "RUS"))
    record_objection(officer(), stopped, ObjectionData(russia.id, today - timedelta(days=19), "No."), today=today)
    pending = silence_draft("SOC/2000/DEC/3", today - timedelta(days=3))
    ids = (due.id, stopped.id, pending.id)

    assert close_silence_procedures.run() == 1
    assert close_silence_procedures.run() == 0  # idempotent: a second run closes nothing more
    assert closed_audit() == 1

    db.session.expire_all()
    due, stopped, pending = (db.session.get(Decision, i) for i in ids)
    assert (due.status, due.adopted_on) == (DecisionStatus.ADOPTED, due.silence_deadline + timedelta(days=1))
    assert stopped.status == DecisionStatus.STOPPED
    assert pending.status == DecisionStatus.UNDER_SILENCE


def test_the_registered_task_runs_in_the_app_context(app_ctx, reference):
    due = silence_draft("SOC/2000/DEC/9", SUITE_DAY - timedelta(days=15))
    task = app_ctx.extensions["celery"].tasks[TASK_NAME]
    assert task() == 1  # FlaskTask: pushes the app context, as the worker does
    assert task() == 0
    db.session.expire_all()
    assert db.session.get(Decision, due.id).status == DecisionStatus.ADOPTED
