"""The session cookie: Flask's signed cookie (itsdangerous, SECRET_KEY, its fallbacks),
opened more cheaply, and not at all for an API operation.

What it changes from Flask's SecureCookieSessionInterface, and only this:

* An API operation has no session: no cookie is read (a cookie never names the
  API's reader, api/authentication.py) and none is written. The API's open pages
  keep it: they are rendered in the site's layout, which may write it (a form's token).
* The signing serializer is built once per set of keys, not on every request.
* A cookie already verified by this process is not verified again: its value
  (the exact text the browser sent) maps to what it decoded to and when it was
  signed, in a bounded store (_KEPT). Verifying is deterministic (the same text
  and keys give the same answer), so a kept cookie opens to what verifying it
  again would give, provided it has not expired since: its age is checked on
  every request, as itsdangerous checks it (older than the session's lifetime,
  or signed in the future: no session). A cookie that does not verify is never
  kept. The keys are part of the store's key: a process that changes
  SECRET_KEY or its fallbacks verifies every cookie again.
  Each request gets its own copy of the session (lists and dicts in it copied
  too: the flashed messages), so a request that changes its session never
  changes what another request with the same cookie opens.

Measured (bench/inbox, valgrind, docs/benchmarks.md, "2026-12-06 23:35"): about
225,000 instructions of the inbox's 8.96 million a request (the cookie's HMAC,
base64, zlib and tagged JSON, and the serializer built on every request).
"""
from __future__ import annotations

import copy
import time
from collections import OrderedDict
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

from secretariat_app.core.problems import API_OPEN_PATHS, API_PREFIX

_KEPT = 4096  # verified cookies kept per process: a few per signed-in reader in a working day


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session (see the module's docstring for what differs)."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}
        self._verified: OrderedDict[tuple[Any, ...], tuple[float, dict[str, Any]]] = OrderedDict()

    @staticmethod
    def _keys(app: Flask) -> tuple[Any, ...]:
        return (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        return self._serializer(app, self._keys(app))

    def _serializer(self, app: Flask, keys: tuple[Any, ...]) -> URLSafeTimedSerializer | None:
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            if serializer is None:  # no SECRET_KEY: no session
                return None
            self._serializers[keys] = serializer
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(API_PREFIX) and request.path not in API_OPEN_PATHS:
            return self.make_null_session(app)
        keys = self._keys(app)
        serializer = self._serializer(app, keys)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = app.permanent_session_lifetime.total_seconds()
        key = (value, keys)
        kept = self._verified.get(key)
        if kept is None:
            try:
                data, signed = serializer.loads(value, max_age=int(max_age), return_timestamp=True)
            except BadSignature:  # and expired (SignatureExpired is one)
                return self.session_class()
            kept = (signed.timestamp(), data)
            self._verified[key] = kept
            while len(self._verified) > _KEPT:
                self._verified.popitem(last=False)
        else:
            age = time.time() - kept[0]
            if age > max_age or age < 0:  # as itsdangerous: expired, or signed in the future
                return self.session_class()
        return self.session_class(_copied(kept[1]))


def _copied(data: dict[str, Any]) -> dict[str, Any]:
    """A session's values for one request: its own lists and dicts (a flashed message is appended in place)."""
    return {name: copy.deepcopy(value) if isinstance(value, list | dict) else value for name, value in data.items()}
