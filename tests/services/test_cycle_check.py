"""The cycle check on the database: the real history, stored findings, officers told once."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from secretariat_app.accounts.models.states import Body
from secretariat_app.accounts.services.reference_data import DATA_DIR
from secretariat_app.cycles.models import CycleFinding
from secretariat_app.cycles.services import check as cycle_check
from secretariat_app.cycles.services.history_import import import_history
from secretariat_app.decisions.models import Decision, DecisionStatus, Procedure
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting, MeetingStatus
from tests.factories import admin, delegate, officer

AS_OF = date(2025, 6, 1)


@pytest.fixture
def history(reference):
    import_history(DATA_DIR, today=AS_OF)


def _finding(result, body, due_year):
    return [f for f in result.findings if f.body == body and f.due_year == due_year and f.kind != "wrong_chair"]


def test_real_history_as_of_2025(history):
    result = cycle_check.run_check(AS_OF)
    due = {d.body: d.due_year for d in result.next_due}
    assert due["SUMMIT"] == 2026 and due["MFA"] == 2028
    [summit] = _finding(result, "SUMMIT", 2018)
    assert (summit.held_year, summit.severity, summit.kind) == (2019, "warning", "late")
    [mfa] = _finding(result, "MFA", 2020)
    assert (mfa.held_year, mfa.severity) == (2021, "warning")
    chair = [f for f in result.findings if f.kind == "wrong_chair" and f.state == "Türkiye"]
    assert [(f.from_year, f.to_year) for f in chair] == [(2012, 2014)]
    on_rhythm = ({("SUMMIT", y) for y in (2002, 2006, 2010, 2014, 2022)}
                 | {("MFA", y) for y in (1999, 2004, 2008, 2012, 2016, 2024)})
    assert not [f for f in result.findings if (f.body, f.held_year) in on_rhythm]


def test_cli_check_json(app, history):
    result = app.test_cli_runner().invoke(args=["cycles", "check", "--as-of", "2025-06-01", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["as_of"] == "2025-06-01"
    assert {"body": "SUMMIT", "due_year": 2026} in data["next_due"]
    assert {"body": "MFA", "due_year": 2028} in data["next_due"]
    summit = [f for f in data["findings"] if f["body"] == "SUMMIT" and f["due_year"] == 2018]
    assert summit and summit[0]["held_year"] == 2019 and summit[0]["justified_by"] is None
    assert set(summit[0]) == {"rule", "body", "kind", "due_year", "held_year", "severity", "justified_by",
                              "justifying_decision", "message"}
    chair = [f for f in data["findings"] if f.get("state") == "Türkiye"]
    assert chair and (chair[0]["from_year"], chair[0]["to_year"]) == (2012, 2014)


def test_cli_check_refuses_a_bad_date(app):
    result = app.test_cli_runner().invoke(args=["cycles", "check", "--as-of", "2025-13-01"])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output


def _adopt_justification(body_code: str, year: int, reference: str) -> None:
    body = db.session.scalar(select(Body).where(Body.code == body_code))
    db.session.add(Decision(reference=reference, body_id=body.id, procedure=Procedure.MEETING,
                            status=DecisionStatus.ADOPTED, title_en="Postponement", title_ru="Перенос",
                            adopted_on=date(2020, 3, 1), justifies_body_id=body.id, justifies_year=year))
    db.session.commit()


def test_findings_are_stored_and_raised_once(history, outbox):
    officer(), admin(), delegate()
    first = cycle_check.check_and_record(AS_OF, now=datetime(2025, 6, 1, 3, tzinfo=UTC))
    assert first.new_warnings and all(f.severity == "warning" for f in first.new_warnings)
    stored = db.session.scalar(select(func.count(CycleFinding.id)))
    second = cycle_check.check_and_record(AS_OF, now=datetime(2025, 6, 2, 3, tzinfo=UTC))
    assert second.new_warnings == []
    assert db.session.scalar(select(func.count(CycleFinding.id))) == stored

    _adopt_justification("MFA", 2020, "SOC/2020/DEC/1")
    third = cycle_check.check_and_record(AS_OF)
    assert third.new_warnings == []
    row = db.session.scalar(select(CycleFinding).where(CycleFinding.body == "MFA", CycleFinding.due_year == 2020))
    assert (row.severity, row.justified_by) == ("info", "SOC/2020/DEC/1")

    # Cancelling the 5th Summit turns "late" into "missing": a new warning, the old one resolved.
    fifth = db.session.scalar(select(Meeting).where(Meeting.number == 5, Meeting.city == "Dushanbe"))
    fifth.status = MeetingStatus.CANCELLED
    db.session.commit()
    fourth = cycle_check.check_and_record(AS_OF)
    rhythm = [f for f in fourth.new_warnings if f.rule != "chair-follows-host"]  # the chair rule reacts too
    assert [(f.body, f.due_year, f.held_year) for f in rhythm] == [("SUMMIT", 2018, None)]
    late = db.session.scalar(select(CycleFinding).where(CycleFinding.body == "SUMMIT", CycleFinding.held_year == 2019))
    assert late.resolved_at is not None


def test_daily_task_queues_one_notice_per_officer_once(app_ctx, history, outbox):
    """New unjustified findings become notice rows for each officer, in the
    check's own commit; the dispatcher sends them. A second run adds none."""
    from secretariat_app.notices.models import Notification, NotificationKind
    from workers.tasks.cycles import run_daily_check

    o, a = officer(), admin()
    delegate()
    with freeze_time("2025-06-01 03:00:00"):
        new = run_daily_check()
        assert new == 2  # the 5th Summit and the 6th MFA; the chair departures are justified by decisions
        rows = db.session.scalars(select(Notification).where(Notification.kind == NotificationKind.CYCLE_FINDING)).all()
        assert sorted({r.recipient_id for r in rows}) == sorted([o.id, a.id])
        assert len(rows) == 2 * new
        assert run_daily_check() == 0
    assert db.session.scalar(select(func.count(Notification.id))) == len(rows)
    assert outbox == []  # nothing is sent inside the check
