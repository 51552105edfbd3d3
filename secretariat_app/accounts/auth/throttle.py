"""The login throttle: locks that stop guessing without locking the owner out.

The policy, its settings and its reasons are in docs/security.md ("Login
throttling"). In short, a failed password counts

- for a browser this account has logged in from (a known device, devices.py):
  in that device's counter for the account, and nothing else;
- for any other: per address, per (account, address) and per account.

Each counter that reaches its limit within its window begins a lock of that
window's length (recorded once, as SecurityEvent.LOCKOUT) and starts again from
zero. A lock per address or per (account, address) refuses those requests; the
lock per account refuses only browsers and addresses the account does not know,
so its owner still gets in from a known device or from an address where they
logged in during the last LOGIN_KNOWN_ADDRESS_DAYS. Refused requests do not
count, and an unknown address is counted exactly like a known one.

Counters are kept in core/counters.py (Redis, or this process while Redis is
unreachable). `throttled_login` wraps the login view: a POST answered with the
form again (200) is a failure, a redirect a right password.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Response, current_app, make_response, request
from flask_babel import gettext as _
from flask_login import current_user
from limits import parse
from sqlalchemy import select

from secretariat_app.accounts.auth import devices
from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.services.users import normalise_email
from secretariat_app.audit.models import AuditEntry
from secretariat_app.audit.security import SecurityEvent, record_security_event
from secretariat_app.core.columns import utcnow
from secretariat_app.core.counters import counters
from secretariat_app.core.errors import too_many, wait_phrase
from secretariat_app.extensions import db

ADDRESS, ACCOUNT_ADDRESS, ACCOUNT, DEVICE = "address", "account-address", "account", "device"
SETTINGS = {
    ADDRESS: "LOGIN_LIMIT_PER_ADDRESS",
    ACCOUNT_ADDRESS: "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS",
    ACCOUNT: "LOGIN_LIMIT_PER_ACCOUNT",
    DEVICE: "LOGIN_LIMIT_PER_DEVICE",
}


@dataclass(frozen=True)
class Rule:
    name: str
    failures: int  # this many within `seconds` begin a lock of `seconds`
    seconds: int


def rule(name: str) -> Rule:
    item = parse(current_app.config[SETTINGS[name]])
    return Rule(name, item.amount, item.get_expiry())


def address_key(address: str) -> str:
    """An IPv6 client is counted by its /64 (one subscriber's network); IPv4 by its address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped or ip) if isinstance(ip, ipaddress.IPv6Address) else str(ip)


@dataclass(frozen=True)
class Attempt:
    email: str
    account: str  # keyed digest of the address typed
    address: str  # the client's address (behind the trusted proxies)
    device: str | None  # this browser's nonce when the account has logged in from it

    @classmethod
    def from_request(cls) -> Attempt:
        email = normalise_email(request.form.get("email", ""))[:254]
        account = devices.account_digest(email)
        return cls(email, account, request.remote_addr or "unknown", devices.known_nonce(account))

    def counters(self) -> list[tuple[Rule, str]]:
        """The counters a failure of this attempt goes to, and their keys."""
        if self.device is not None:
            return [(rule(DEVICE), f"device:{self.account}:{self.device}")]
        where = address_key(self.address)
        return [(rule(ADDRESS), f"address:{where}"),
                (rule(ACCOUNT_ADDRESS), f"account-address:{self.account}:{where}"),
                (rule(ACCOUNT), f"account:{self.account}")]


@dataclass(frozen=True)
class Lock:
    rule: str
    seconds_left: int


def lock_for(attempt: Attempt) -> Lock | None:
    """The lock that refuses this attempt, if any."""
    store = counters()
    for rule_, key in attempt.counters():
        left = store.seconds_left(f"login-lock:{key}")
        if left and not (rule_.name == ACCOUNT and known_address(attempt)):
            return Lock(rule_.name, left)
    return None


def failed(attempt: Attempt) -> list[Lock]:
    """Count a wrong password; the locks it began (each recorded in the audit log; the caller commits)."""
    store = counters()
    begun = []
    for rule_, key in attempt.counters():
        if store.seconds_left(f"login-lock:{key}"):
            continue  # already locked (an account lock that a known address passed): no second lock
        if store.incr(f"login-failures:{key}", rule_.seconds) == rule_.failures:  # one request reaches it
            store.incr(f"login-lock:{key}", rule_.seconds)
            store.clear(f"login-failures:{key}")
            begun.append(Lock(rule_.name, rule_.seconds))
    for lock in begun:
        _record_lockout(attempt, lock)
    return begun


def passed(attempt: Attempt, response: Response) -> None:
    """A right password: this browser becomes a known device of the account, and
    its own failures (here, from this address) are forgotten."""
    store = counters()
    for rule_, key in attempt.counters():
        if rule_.name in (DEVICE, ACCOUNT_ADDRESS):
            store.clear(f"login-failures:{key}")
    devices.remember(response, attempt.account)


def known_address(attempt: Attempt) -> bool:
    """Whether the account logged in from this very address in the last LOGIN_KNOWN_ADDRESS_DAYS
    (the security trail's login events)."""
    user_id = db.session.scalar(select(User.id).where(User.email == attempt.email))
    if user_id is None:
        return False
    since = utcnow() - timedelta(days=int(current_app.config["LOGIN_KNOWN_ADDRESS_DAYS"]))
    return db.session.scalar(
        select(AuditEntry.id).where(AuditEntry.actor_id == user_id,
                                    AuditEntry.action == SecurityEvent.LOGIN.action,
                                    AuditEntry.at >= since,
                                    AuditEntry.after["address"].as_string() == attempt.address).limit(1)
    ) is not None


def _record_lockout(attempt: Attempt, lock: Lock) -> None:
    user = None if lock.rule == ADDRESS else db.session.scalar(select(User).where(User.email == attempt.email))
    email = None if lock.rule == ADDRESS or user is not None else attempt.email
    record_security_event(SecurityEvent.LOCKOUT, user, email=email, scope=lock.rule, seconds=lock.seconds_left,
                          until=(utcnow() + timedelta(seconds=lock.seconds_left)).isoformat(timespec="seconds"))
    current_app.logger.warning("login lock (%s) for %s from %s, %d s", lock.rule, attempt.email or "-",
                               attempt.address, lock.seconds_left)


def refusal(lock: Lock) -> Response:
    """The readable 429 page: what is locked and when to try again."""
    wait = wait_phrase(lock.seconds_left)
    messages = {
        ADDRESS: _("Too many failed logins have come from your network. Please try again in %(wait)s.", wait=wait),
        ACCOUNT_ADDRESS: _("Too many wrong passwords for this account have come from your network. Please try "
                           "again in %(wait)s, or reset your password.", wait=wait),
        DEVICE: _("Too many wrong passwords for this account have come from this browser. Please try again in "
                  "%(wait)s, or reset your password.", wait=wait),
        ACCOUNT: _("This account has received many wrong passwords from elsewhere, so logins from browsers and "
                   "networks it has not used before are paused. Please try again in %(wait)s, or log in from a "
                   "browser or network you have used before.", wait=wait),
    }
    return too_many(messages[lock.rule], lock.seconds_left)


def throttled_login(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap the login view with the throttle (POSTs of a visitor not yet logged in)."""
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if request.method != "POST" or current_user.is_authenticated:
            return view(*args, **kwargs)
        attempt = Attempt.from_request()
        lock = lock_for(attempt)
        if lock is not None:
            return refusal(lock)
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200:
            if failed(attempt):
                db.session.commit()
        elif 300 <= response.status_code < 400:
            passed(attempt, response)
        return response
    return wrapper
