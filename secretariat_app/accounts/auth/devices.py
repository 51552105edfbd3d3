"""Known devices: a signed cookie set when a login's password was right (OWASP's
"device cookie"), so that the login throttle can tell the owner's browser from
an attacker's.

The cookie holds a random nonce (the browser's identity for the throttle) and,
for each of up to MAX_ACCOUNTS accounts that logged in from this browser, a
keyed digest of its e-mail address (not the address itself). It is signed and
dated with the application's secret key and expires LOGIN_DEVICE_DAYS after the
last login; a cookie altered, expired or made with another key is no cookie.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask import Response, current_app, request
from itsdangerous import BadData, URLSafeTimedSerializer

COOKIE = "known_device"
SALT = "login-device"
MAX_ACCOUNTS = 5


@dataclass(frozen=True)
class Device:
    nonce: str
    accounts: tuple[str, ...]  # digests, newest first


def account_digest(email: str) -> str:
    """A keyed digest of a normalised address: the name of an account in counters and cookies."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"login-account:" + email.encode(), hashlib.sha256).hexdigest()[:32]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _max_age() -> int:
    return int(current_app.config["LOGIN_DEVICE_DAYS"]) * 86400


def current_device() -> Device | None:
    """The device this request's valid cookie names, if any."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=_max_age())
    except BadData:  # a bad or expired signature, or a payload that does not load
        return None
    if not isinstance(data, dict) or not isinstance(data.get("n"), str) or not isinstance(data.get("a"), list):
        return None
    return Device(data["n"], tuple(str(a) for a in data["a"][:MAX_ACCOUNTS]))


def known_nonce(account: str) -> str | None:
    """The nonce of this browser if the account (a digest) has logged in from it."""
    device = current_device()
    return device.nonce if device is not None and account in device.accounts else None


def remember(response: Response, account: str) -> None:
    """Set or renew the cookie after a right password for `account` (a digest)."""
    device = current_device()
    nonce = device.nonce if device else secrets.token_urlsafe(16)
    accounts = [account, *(a for a in (device.accounts if device else ()) if a != account)][:MAX_ACCOUNTS]
    response.set_cookie(
        COOKIE, _serializer().dumps({"n": nonce, "a": accounts}), max_age=_max_age(),
        path="/auth/", secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")), httponly=True, samesite="Lax")
