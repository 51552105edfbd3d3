"""The reset page through a real Celery worker on Redis to a real SMTP server:
the request only queues the task; the worker looks the address up and mails
one link to a known address and nothing to an unknown one."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.extensions import db
from tests.conftest import post_form
from tests.integration.test_dispatch import Setup, Sink, sqlite_url, wait_for, worker

pytestmark = [pytest.mark.integration, pytest.mark.redis]


def test_the_worker_mails_one_link_to_a_known_address_and_none_to_an_unknown_one(tmp_path, redis_url, processes):
    from tests.factories import officer

    sink = Sink()
    setup = Setup(tmp_path, sqlite_url(tmp_path), redis_url, sink)
    try:
        with setup.app.app_context():
            known = officer().email
        client = setup.app.test_client()
        for address in (known, "nobody@cica.example"):
            assert post_form(client, "/auth/reset", {"email": address}).status_code == 302
        assert setup.app.extensions.get("mail_outbox", []) == []  # nothing was mailed by the requests
        processes.append(worker(setup.env, tmp_path, "worker"))

        def both_recorded() -> bool:
            with setup.app.app_context():
                return len(db.session.scalars(select(AuditEntry.id).where(
                    AuditEntry.action == "security.password_reset_requested")).all()) == 2

        wait_for(lambda: sink.messages() and both_recorded(), 30, "the worker to handle both requests", processes)
        time.sleep(1)
        (message,) = sink.messages()
        assert message["To"] == known and "/auth/reset/" in message.get_body(("plain",)).get_content()
    finally:
        setup.close()
        sink.stop()
