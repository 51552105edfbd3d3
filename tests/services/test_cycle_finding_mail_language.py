"""A cycle finding is stored with its code and parameters, and each officer
reads its notice in their own language, the states named in it too."""
from __future__ import annotations

from datetime import UTC, date, datetime

from freezegun import freeze_time
from sqlalchemy import select

from secretariat_app.cycles.models import CycleFinding
from secretariat_app.cycles.services.history_import import import_history
from secretariat_app.notices.services import dispatch
from tests.factories import officer
from tests.history_files import record_without_decisions

CHECKED = datetime(2025, 6, 1, 3, 0, tzinfo=UTC)


def test_officers_read_the_findings_in_their_language(reference, monkeypatch, app_ctx, outbox, tmp_path):
    from secretariat_app.extensions import db
    from workers.tasks.cycles import run_daily_check

    monkeypatch.setitem(app_ctx.config, "MAIL_BACKEND", "memory")
    import_history(record_without_decisions(tmp_path), today=date(2025, 6, 1))  # the chair departures warn
    english, russian = officer(language="en"), officer(language="ru")
    with freeze_time(CHECKED):
        assert run_daily_check() >= 3
        for notification_id, attempt in dispatch.claim_due(CHECKED):
            db.session.commit()
            assert dispatch.deliver(notification_id, attempt) == "sent"
    chair = db.session.scalar(select(CycleFinding).where(CycleFinding.code == "wrong_chair",
                                                         CycleFinding.from_year == 2012))
    assert chair.params["holder"] == "Türkiye" and chair.params["host"] == "Kazakhstan"
    bodies = {recipient: " ".join(m.get_body(("plain",)).get_content() for m in outbox if m["To"] == recipient)
              for recipient in (english.email, russian.email)}
    assert "Türkiye chaired in 2012-2013; by the rule Kazakhstan, host of the 4th MFA (2012)" in bodies[english.email]
    assert ("Председательство в 2012–2013 годах: Турция; по правилу председательствовать должна была страна,"
            " принимавшая 4-е СМИД (2012), — Казахстан") in bodies[russian.email]
    assert "Türkiye" not in bodies[russian.email]
