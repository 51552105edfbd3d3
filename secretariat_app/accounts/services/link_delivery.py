"""Issuing and mailing reset and invitation links: the worker side.

Run by the tasks of workers/tasks/accounts.py, never inside a request
(link_requests.py queues them). One task, one request id:

- The raw token is derived from the request id, HMAC-SHA256 under the
  SECRET_KEY with the purpose ("reset" or "invite"); only its SHA-256 is
  stored, as for any token. The request id alone (which the broker holds)
  opens nothing.
- So a task run again for the same request (a retry after an SMTP failure, a
  redelivery after a worker died) finds its own token and mails the same link
  again while it is still usable, and nothing once it is used, ended or
  expired: one request never puts two different valid links in a mailbox. It
  may mail the same link twice (a worker killed after SMTP accepted the mail
  but before the task was acknowledged); that is the price of never losing one.
- The link expires counted from the request (`requested_at`), not from the
  run, and tokens stay (used or not) until they expire (users.purge_reset_tokens):
  so even a redelivery hours later finds its token, or finds the request
  expired, and never issues a fresh link.
- The token, the security event and nothing else are committed before the
  mail goes; an SMTP failure raises OSError, and the task retries.

Two requests are two links; both work until one is used or the password
changes (users.reset_password, users._set_password), which ends them all."""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.services import mail as account_mail
from secretariat_app.accounts.services import users as accounts
from secretariat_app.audit.security import SecurityEvent, record_security_event
from secretariat_app.extensions import db


def raw_token(purpose: str, request_id: str) -> str:
    """The link's secret for this request: the same on every run of its task."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"secretariat-link:{purpose}:{request_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _requested(requested_at: str | None) -> datetime:
    if not requested_at:  # a task queued without it
        return datetime.now(UTC)
    moment = datetime.fromisoformat(requested_at)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _token_for(user: User, purpose: str, request_id: str, expires_at: datetime) -> tuple[str, bool] | None:
    """(raw token, created now) of this request: issued on the first run; None
    when an earlier run's token is no longer usable (used, ended, expired) or
    the request itself has expired."""
    raw = raw_token(purpose, request_id)
    token = accounts.find_reset_token(raw)
    if token is None:
        if expires_at <= datetime.now(UTC):
            return None
        accounts.issue_reset_token(user, expires_at, raw)
        return raw, True
    if token.user_id != user.id or not accounts.is_usable(token):
        return None
    return raw, False


def send_reset_link(request_id: str, email: str, address: str | None = None, user_agent: str | None = None,
                    requested_at: str | None = None) -> str:
    """Mail a reset link to the active account using `email`, if there is one.
    Records PASSWORD_RESET_REQUESTED with the requester's address either way.
    Returns "sent", "unknown" (no active account: no mail) or "ended"."""
    address, user_agent = address or "unknown", user_agent or ""  # the requester's, from the request
    email = accounts.normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None or not user.active:
        record_security_event(SecurityEvent.PASSWORD_RESET_REQUESTED, email=email, known=False,
                              address=address, user_agent=user_agent, request=request_id)
        db.session.commit()
        return "unknown"
    ttl: timedelta = current_app.config["PASSWORD_RESET_TTL"]
    issued = _token_for(user, "reset", request_id, _requested(requested_at) + ttl)
    if issued is None:
        db.session.rollback()
        return "ended"
    raw, created = issued
    if created:
        record_security_event(SecurityEvent.PASSWORD_RESET_REQUESTED, user, email=email, known=True,
                              address=address, user_agent=user_agent, request=request_id)
    db.session.commit()
    account_mail.send_reset_mail(user, raw)  # OSError: the task retries, with this same link
    return "sent"


def send_invitation(request_id: str, user_id: int, requested_at: str | None = None) -> str:
    """Mail the new account `user_id` its link to choose a password.
    Returns "sent", "gone" (no such active account) or "ended"."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return "gone"
    ttl: timedelta = current_app.config.get("ACCOUNT_INVITE_TTL", accounts.INVITE_TTL)
    issued = _token_for(user, "invite", request_id, _requested(requested_at) + ttl)
    if issued is None:
        db.session.rollback()
        return "ended"
    db.session.commit()
    account_mail.send_invite_mail(user, issued[0])
    return "sent"
