"""One use case, one path: beat's task, `flask cycles check --record` and the
officers' "Run the check now" all call check.check_and_record, which stores
the findings and queues the officers' notices in one commit: all or nothing,
and once."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import delete, func, select
from sqlalchemy.exc import OperationalError

from secretariat_app.cycles.models import CycleFinding
from secretariat_app.cycles.services import check as cycle_check
from secretariat_app.cycles.services.history_import import import_history
from secretariat_app.extensions import db
from secretariat_app.notices.models import Notification, NotificationKind
from tests.conftest import log_in, post_form
from tests.factories import admin, delegate, officer
from tests.history_files import record_without_decisions

AS_OF = date(2025, 6, 1)
CHECKED = datetime(2025, 6, 1, 3, 0, tzinfo=UTC)
TASK = "workers.tasks.cycles.run_daily_check"


@pytest.fixture
def history(reference, app_ctx, tmp_path):
    import_history(record_without_decisions(tmp_path), today=AS_OF)  # the chair departures warn too


@pytest.fixture
def staff(history):
    people = [officer(), admin()]
    delegate()
    return people


def by_task(app, client, staff) -> None:
    assert app.extensions["celery"].tasks[TASK]() >= 0  # as the worker runs it, in the app context


def by_cli(app, client, staff) -> None:
    result = app.test_cli_runner().invoke(args=["cycles", "check", "--record"])
    assert result.exit_code == 0, result.output
    assert "Recorded:" in result.output


def by_button(app, client, staff) -> None:
    log_in(client, staff[0].email)
    response = post_form(client, "/cycles/check", {}, page="/cycles/")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


DOORS = {"beat": by_task, "command line": by_cli, "button": by_button}


def findings() -> list[tuple]:
    db.session.expire_all()
    return sorted(db.session.execute(select(
        CycleFinding.key, CycleFinding.severity, CycleFinding.justified_by, CycleFinding.message,
        CycleFinding.first_seen_at, CycleFinding.last_seen_at, CycleFinding.raised_at, CycleFinding.resolved_at)))


def notices() -> list[tuple]:
    """The officers' notices, each named by its finding's key rather than its id."""
    return sorted(db.session.execute(
        select(CycleFinding.key, Notification.recipient_id, Notification.due_at, Notification.status)
        .join(CycleFinding, CycleFinding.id == Notification.subject_id)
        .where(Notification.kind == NotificationKind.CYCLE_FINDING, Notification.subject_type == "cycle_finding")))


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def forget_the_check() -> None:
    db.session.execute(delete(Notification).where(Notification.kind == NotificationKind.CYCLE_FINDING))
    db.session.execute(delete(CycleFinding))
    db.session.commit()


def test_every_door_calls_the_one_service_function(app, client, staff, monkeypatch):
    calls: list[tuple] = []
    real = cycle_check.check_and_record

    def spy(*args, **kwargs):
        calls.append((args, kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(cycle_check, "check_and_record", spy)
    with freeze_time(CHECKED):
        for door in DOORS.values():
            before = len(calls)
            door(app, client, staff)
            assert len(calls) == before + 1, door.__name__
    assert count(CycleFinding) > 0 and len(notices()) > 0


def test_the_three_doors_store_the_same_findings_and_notices(app, client, staff):
    outcomes = {}
    for name, door in DOORS.items():
        forget_the_check()
        with freeze_time(CHECKED):
            door(app, client, staff)
        outcomes[name] = (findings(), notices())
    first = outcomes["beat"]
    assert first[0] and len(first[1]) == 2 * len([f for f in first[0] if f[6] is not None])  # two officers each
    assert outcomes["command line"] == first
    assert outcomes["button"] == first


@pytest.mark.parametrize("door", DOORS)
def test_running_again_by_any_door_raises_no_duplicate_notices(app, client, staff, door):
    with freeze_time(CHECKED):
        first = cycle_check.check_and_record()
        assert first.new_warnings and first.queued == 2 * len(first.new_warnings)
        stored, queued = findings(), notices()
        DOORS[door](app, client, staff)
    with freeze_time("2025-06-02 03:00:00"):  # and the next day
        again = cycle_check.check_and_record()
    assert again.new_warnings == [] and again.queued == 0
    assert notices() == queued
    assert [row[:5] + row[6:] for row in findings()] == [row[:5] + row[6:] for row in stored]  # but last_seen_at


def failing_commit(monkeypatch) -> None:
    """The database refuses the commit (after the statements went through)."""
    def commit() -> None:
        db.session.flush()
        raise OperationalError("COMMIT", {}, Exception("could not write to the disk"))

    monkeypatch.setattr(db.session, "commit", commit)


@pytest.mark.parametrize("door", DOORS)
def test_a_failed_commit_leaves_neither_findings_nor_notices(app, client, staff, monkeypatch, door):
    with monkeypatch.context() as patch, freeze_time(CHECKED):
        if door == "button":
            log_in(client, staff[0].email)  # before the failure: a login commits its security event
        failing_commit(patch)
        if door == "beat":
            with pytest.raises(OperationalError):
                by_task(app, client, staff)
        elif door == "command line":
            result = app.test_cli_runner().invoke(args=["cycles", "check", "--record"])
            assert result.exit_code != 0 and isinstance(result.exception, OperationalError)
        else:
            response = post_form(client, "/cycles/check", {}, page="/cycles/")
            assert response.status_code == 500
    db.session.rollback()
    assert count(CycleFinding) == 0
    assert count(Notification) == 0
    # The next run raises the same findings, and the officers hear of them.
    with freeze_time(CHECKED):
        recorded = cycle_check.check_and_record()
    assert recorded.new_warnings and recorded.queued == 2 * len(recorded.new_warnings)
    assert {key for key, *_ in notices()} == {f.key for f in recorded.new_warnings}


def test_a_failed_commit_keeps_what_an_earlier_check_stored(staff, monkeypatch):
    with freeze_time(CHECKED):
        cycle_check.check_and_record()
    stored, queued = findings(), notices()
    # The next day's run would refresh every finding (last_seen_at): its failed commit changes nothing.
    with monkeypatch.context() as patch, freeze_time("2025-06-02 03:00:00"):
        failing_commit(patch)
        with pytest.raises(OperationalError):
            cycle_check.check_and_record()
    assert findings() == stored and notices() == queued


def test_the_command_line_refuses_to_record_another_day(app, staff):
    result = app.test_cli_runner().invoke(args=["cycles", "check", "--record", "--as-of", "2025-06-01"])
    assert result.exit_code != 0 and "--record" in result.output
    assert count(CycleFinding) == 0


def test_the_command_line_without_record_stores_nothing(app, staff):
    result = app.test_cli_runner().invoke(args=["cycles", "check"])
    assert result.exit_code == 0, result.output
    assert count(CycleFinding) == 0 and count(Notification) == 0


def test_a_check_racing_another_starts_again_and_raises_nothing_twice(staff, monkeypatch):
    """The button pressed while beat runs: the other check stores a new finding
    between this one's reading and its writing; the unique key refuses this
    one's copy, and it starts again, seeing the finding as known."""
    real_key = cycle_check.finding_key
    raced: list[str] = []

    def finding_key(finding):
        key = real_key(finding)
        if not raced and finding.severity == "warning":
            raced.append(key)
            with db.engine.begin() as other:  # the other check, on its own connection, commits first
                other.execute(CycleFinding.__table__.insert().values(
                    key=key, rule=finding.rule, body=finding.body, severity=finding.severity,
                    message=finding.message, first_seen_at=CHECKED, last_seen_at=CHECKED, raised_at=CHECKED))
        return key

    runs: list[date] = []
    real_run = cycle_check.run_check

    def run_check(as_of):
        runs.append(as_of)
        return real_run(as_of)

    monkeypatch.setattr(cycle_check, "finding_key", finding_key)
    monkeypatch.setattr(cycle_check, "run_check", run_check)
    with freeze_time(CHECKED):
        recorded = cycle_check.check_and_record()
    assert raced and runs == [AS_OF, AS_OF]  # refused once, then again from the start
    assert recorded.new_warnings
    assert raced[0] not in {f.key for f in recorded.new_warnings}  # the other check told the officers of it
    assert recorded.queued == 2 * len(recorded.new_warnings)
    assert {key for key, *_ in notices()} == {f.key for f in recorded.new_warnings}
    assert db.session.scalar(select(func.count(CycleFinding.id)).where(CycleFinding.key == raced[0])) == 1
