"""New unjustified cycle findings become CYCLE_FINDING notices for officers,
in the check's own transaction, once."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from secretariat_app.cycles.models import CycleFinding
from secretariat_app.cycles.services import check as cycle_check
from secretariat_app.cycles.services import officer_alerts
from secretariat_app.cycles.services.history_import import import_history
from secretariat_app.extensions import db
from secretariat_app.notices.models import Notification, NotificationKind
from secretariat_app.notices.services import dispatch
from secretariat_app.notices.services import queue as notice_queue
from tests.factories import admin, delegate, officer
from tests.history_files import record_without_decisions

AS_OF = date(2025, 6, 1)
CHECKED = datetime(2025, 6, 1, 3, 0, tzinfo=UTC)


@pytest.fixture
def history(reference, monkeypatch, app_ctx, tmp_path):
    monkeypatch.setitem(app_ctx.config, "MAIL_BACKEND", "memory")
    import_history(record_without_decisions(tmp_path), today=AS_OF)  # the chair departures warn too


def notices() -> list[tuple[int, int]]:
    return sorted(db.session.execute(select(Notification.subject_id, Notification.recipient_id).where(
        Notification.kind == NotificationKind.CYCLE_FINDING, Notification.subject_type == "cycle_finding")))


def test_the_daily_check_queues_a_notice_per_new_finding_and_officer(history, outbox):
    from workers.tasks.cycles import run_daily_check

    staff = [officer(), admin(), officer(mail_opt_out=[NotificationKind.CYCLE_FINDING.value])]
    delegate()
    with freeze_time(CHECKED):
        new = run_daily_check()
        assert new >= 3 and outbox == []  # nothing mailed directly
        raised = sorted(db.session.scalars(select(CycleFinding.id).where(CycleFinding.raised_at == CHECKED)))
        assert len(raised) == new
        assert notices() == sorted((f, u.id) for f in raised for u in staff[:2])  # not the one who opted out
        assert set(db.session.scalars(select(Notification.due_at))) == {CHECKED}
        assert run_daily_check() == 0  # known findings are not raised again
        assert len(notices()) == 2 * new
        for notification_id, attempt in dispatch.claim_due(CHECKED):
            db.session.commit()
            assert dispatch.deliver(notification_id, attempt) == "sent"
    assert len(outbox) == 2 * new
    assert len({m["Message-ID"] for m in outbox}) == 2 * new
    assert all("/cycles/" in m.get_body(("plain",)).get_content() for m in outbox)


def test_findings_and_their_notices_are_committed_together(history, monkeypatch):
    from workers.tasks.cycles import run_daily_check

    officer()

    def broken(*args, **kwargs):
        raise RuntimeError("the notice could not be written")

    with monkeypatch.context() as patch, freeze_time(CHECKED), pytest.raises(RuntimeError):
        patch.setattr(notice_queue, "queue", broken)
        run_daily_check()
    db.session.rollback()
    assert db.session.scalar(select(func.count(CycleFinding.id))) == 0  # no finding without its notices
    with freeze_time(CHECKED):
        assert run_daily_check() >= 3  # the next run raises them, with their notices
    assert notices()


def test_queuing_again_after_the_commit_adds_nothing(history):
    """The unique key of a notice makes queuing a finding's notices twice harmless."""
    staff = officer()
    recorded = cycle_check.check_and_record(AS_OF, CHECKED)
    assert recorded.queued == len(recorded.new_warnings) > 0
    assert officer_alerts.queue_cycle_alerts(recorded.new_warnings) == 0
    db.session.commit()
    assert notices() == sorted((f.id, staff.id) for f in recorded.new_warnings)
