"""core/cache_generation.py: a change to a body or a meeting draws a new
generation in its own transaction, and the inbox's filter choices, kept per
process, are read again on the next request after such a change made by any
process. "Another process" here is a second engine on the same database, with
its own connections and sessions and nothing of this app's memory but the
code (tests/integration/test_two_processes.py does it with two real servers)."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import g, request_finished
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from secretariat_app.core.models import CacheGeneration
from secretariat_app.documents.models import Document
from secretariat_app.documents.services import inbox as inbox_service
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from tests.conftest import log_in
from tests.documents_helpers import body, cast, circulate, make_document, meeting

ROOT = Path(__file__).resolve().parents[2]


def stored_generation() -> int | None:
    """The generation as committed (a connection of its own, outside the test's session)."""
    with db.engine.connect() as connection:
        return connection.scalar(select(CacheGeneration.generation))


@pytest.fixture
def elsewhere(app_ctx) -> Iterator[Session]:
    """A session of "another process": its own engine on the same database."""
    engine = create_engine(db.engine.url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def this_month() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def test_a_new_meeting_draws_a_new_generation_committed_with_it(app_ctx):
    meeting("First")
    first = stored_generation()
    assert first is not None
    meeting("Second")
    second = stored_generation()
    assert second not in (None, first)


def test_a_rolled_back_change_leaves_the_generation_as_it_was(app_ctx):
    held = meeting("Kept")
    before = stored_generation()
    held.title_en = "Renamed, then rolled back"
    db.session.flush()
    assert db.session.scalar(select(CacheGeneration.generation)) != before  # drawn in the transaction
    db.session.rollback()
    assert stored_generation() == before


def test_rows_nobody_keeps_in_memory_draw_no_generation(app_ctx):
    body("SOC")
    before = stored_generation()
    make_document("Not kept in any process")
    assert db.session.scalar(select(Document.id)) is not None
    assert stored_generation() == before


def test_choices_read_inside_a_transaction_that_changed_a_meeting_are_not_kept(app_ctx):
    meeting("Committed")
    committed = inbox_service.filter_choices()
    assert committed.kept and [m[2] for m in committed.meetings] == ["Committed"]
    db.session.add(Meeting(body_id=body().id, title_en="Pending", title_ru="В ожидании",
                           starts_at=this_month(), ends_at=this_month() + timedelta(hours=2)))
    db.session.flush()
    pending = inbox_service.filter_choices()
    assert not pending.kept and {m[2] for m in pending.meetings} == {"Committed", "Pending"}
    db.session.rollback()
    assert [m[2] for m in inbox_service.filter_choices().meetings] == ["Committed"]


def test_the_inbox_shows_a_meeting_another_process_created_on_its_next_request(app_ctx, elsewhere):
    c = cast()
    circulate(make_document("Circulated"), c.alpha)
    meeting("Old meeting", start=this_month() - timedelta(days=30))
    client = app_ctx.test_client()
    log_in(client, c.a1.email)
    page = client.get("/inbox/?year=").get_data(as_text=True)
    assert "Old meeting" in page and "New meeting" not in page
    assert "Old meeting" in client.get("/inbox/").get_data(as_text=True)  # kept: read once

    soc = elsewhere.scalar(select(CacheGeneration.generation))
    elsewhere.add(Meeting(body_id=body().id, title_en="New meeting", title_ru="Новое совещание",
                          starts_at=this_month(), ends_at=this_month() + timedelta(hours=8)))
    elsewhere.commit()
    assert elsewhere.scalar(select(CacheGeneration.generation)) != soc

    for address in ("/inbox/", "/inbox/?year="):  # the unfiltered page's form and a filtered one
        assert "New meeting" in client.get(address).get_data(as_text=True), address


def test_a_request_keeps_the_generation_it_read_with_its_reader(app_ctx):
    c = cast()
    meeting("Any")
    client = app_ctx.test_client()
    log_in(client, c.a1.email)
    seen: list[int | None] = []

    def keep(sender, response, **extra):  # still in the request's context
        seen.append(g.get("cache_generation", "not read"))

    with request_finished.connected_to(keep, app_ctx):
        assert client.get("/inbox/").status_code == 200
    assert seen == [stored_generation()] and seen[0] is not None


def test_an_app_as_a_worker_or_the_command_line_builds_it_watches_what_is_kept(tmp_path):
    """A change made by a worker or a command draws a generation too: create_app
    alone (in a fresh process) registers what the inbox keeps (bodies, meetings) and
    what the CBM report rule keeps (delegations' memberships)."""
    script = ("from secretariat_app import create_app; from secretariat_app.core import cache_generation; "
              "create_app(); print(sorted(model.__name__ for model in cache_generation._WATCHED))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "SECRETARIAT_ENV": "development",
                                         "DATABASE_URL": "sqlite://", "INSTANCE_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[-2] == "['Body', 'Delegation', 'Meeting', 'Membership']"
