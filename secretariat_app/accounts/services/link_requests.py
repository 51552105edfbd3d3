"""Asking the worker for a reset or an invitation link: the request side.

The reset page does not look the address up: it hands the address, the
requester's network address and browser, and a fresh request id to the
worker (after the commit, if a transaction is open) and answers at once, so it
answers alike, in the same time, whether or not an account uses the address,
and nothing waits on SMTP. The worker (link_delivery.py, run by
workers/tasks/accounts.py) looks the address up, issues the token, records
the security event and sends the mail."""
from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from secretariat_app.audit.security import client_details
from secretariat_app.core import tasks

if TYPE_CHECKING:
    from secretariat_app.accounts.models.people import User

RESET_TASK = "workers.tasks.accounts.send_reset_link"
INVITE_TASK = "workers.tasks.accounts.send_invitation"


def new_request_id() -> str:
    return secrets.token_urlsafe(16)


def now_iso() -> str:
    """When the link was asked for: it expires counted from then, however late the worker runs."""
    return datetime.now(UTC).isoformat()


def request_reset(email: str) -> None:
    """Queue the reset link for `email` (whatever it is; the worker decides)."""
    details = client_details()
    tasks.send_after_commit(RESET_TASK, request_id=new_request_id(), email=email.strip().lower(),
                            address=details.get("address"), user_agent=details.get("user_agent"),
                            requested_at=now_iso())


def send_invitation(user: User) -> None:
    """Queue the invitation of the new account `user` (flushed: it has an id) for after the commit."""
    tasks.send_after_commit(INVITE_TASK, request_id=new_request_id(), user_id=user.id, requested_at=now_iso())
