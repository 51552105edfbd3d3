"""The sessions service: ending one, all but one, purging old ones; and the
browser named in a few words."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from secretariat_app.accounts.browsers import describe_browser
from secretariat_app.accounts.models.sessions import EndReason, UserSession
from secretariat_app.accounts.services import sessions
from secretariat_app.audit.models import AuditEntry
from secretariat_app.extensions import db
from tests.factories import delegate, officer


def _start(user, n: int = 1) -> list[int]:
    ids = [sessions.start_session(user).id for _ in range(n)]
    db.session.commit()
    return ids


def _open(user) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(select(UserSession.id).where(UserSession.user_id == user.id,
                                                               UserSession.ended_at.is_(None))))


def _revocations() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "security.session_revoked")))


def test_start_session_keeps_only_the_hash_of_the_secret(app_ctx):
    user = delegate()
    row = sessions.start_session(user)
    db.session.commit()
    assert user.login_session is not None and user.get_id() == user.login_session.key
    assert row.secret_hash == sessions.secret_hash(user.get_id()) != user.get_id()
    assert (row.address, row.ended_at) == ("unknown", None)  # outside a request


def test_end_all_sessions_ends_all_but_the_one_kept_and_no_one_elses(app_ctx):
    user, other = delegate(), delegate()
    kept, *rest = _start(user, 3)
    theirs = _start(other, 1)
    assert sessions.end_all_sessions(user, reason=EndReason.SECOND_FACTOR_RESET, keep=kept) == 2
    db.session.commit()
    assert _open(user) == {kept} and _open(other) == set(theirs)
    (event,) = _revocations()
    assert event.after["reason"] == "second_factor_reset" and event.after["sessions"] == 2
    assert sessions.end_all_sessions(user, reason="second_factor_reset") == 1
    assert sessions.end_all_sessions(user, reason="second_factor_reset") == 0  # nothing left: no event
    db.session.commit()
    assert _open(user) == set() and len(_revocations()) == 2


def test_end_session_refuses_another_users_session(app_ctx):
    user, other = delegate(), delegate()
    (theirs,) = _start(other)
    assert sessions.end_session(user, theirs, reason=EndReason.SIGNED_OUT) is False
    assert sessions.end_session(other, theirs, reason=EndReason.SIGNED_OUT) is True
    assert sessions.end_session(other, theirs, reason=EndReason.SIGNED_OUT) is False  # once
    db.session.commit()
    assert _open(other) == set()


def test_purge_deletes_what_ended_or_went_idle_long_ago_and_keeps_the_rest(app_ctx, app):
    user = officer()
    old_ended, recent_ended, long_idle, live = _start(user, 4)
    now = datetime.now(UTC)
    retention, idle = app.config["SESSION_RETENTION"], app.config["SESSION_IDLE_TIMEOUT"]
    for session_id, values in (
        (old_ended, {"ended_at": now - retention - timedelta(hours=1)}),
        (recent_ended, {"ended_at": now - retention + timedelta(hours=1)}),
        (long_idle, {"last_seen_at": now - retention - idle - timedelta(hours=1)}),
    ):
        db.session.execute(update(UserSession).where(UserSession.id == session_id).values(**values))
    db.session.commit()
    assert sessions.purge_sessions() == 2
    assert set(db.session.scalars(select(UserSession.id))) == {recent_ended, live}


def test_the_purge_task_runs_the_purge(app_ctx):
    from workers.celery_app import beat_schedule
    from workers.tasks.maintenance import purge_old_sessions

    assert any(e["task"] == "workers.tasks.maintenance.purge_old_sessions" for e in beat_schedule().values())
    assert purge_old_sessions() == 0


def test_browsers_in_a_few_words(app_ctx):
    cases = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87": "Edge 126 on Windows",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.5 Safari/605.1.15": "Safari 17 on macOS",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.6478.71 Mobile Safari/537.36": "Chrome 126 on Android",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 "
        "YaBrowser/24.6.0.0 Safari/537.36": "Yandex Browser 24 on Linux",
        "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "FxiOS/127.0 Mobile/15E148 Safari/605.1.15": "Firefox 127 on iPad",
        "curl/8.5.0": "curl/8.5.0",
        "": "unknown browser",
        "x" * 100: "x" * 59 + "…",
    }
    with app_ctx.test_request_context():
        for agent, words in cases.items():
            assert describe_browser(agent) == words, agent
