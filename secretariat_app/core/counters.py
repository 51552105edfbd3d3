"""Counters that expire, for throttles: kept where the rate limiter keeps its own
(RATELIMIT_STORAGE_URI: Redis in production, so that every web process counts
together), and in this process while that storage cannot be reached.

A throttle must neither fail nor open up when Redis is down: the first call that
fails logs a warning and switches to an in-process store, so a request is
answered at once and guesses are still counted (per process: with four web
processes an address gets at most four times its limit while Redis is down).
Every RATELIMIT_RECHECK_SECONDS one call tries Redis again (a PING); when it
answers, counting goes back there, and /health says which it is (`state()`).
Counts kept in the process during the outage stay there (they expire as usual)
and are used again at the next outage.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Flask, current_app
from limits.storage import MemoryStorage, Storage, storage_from_string

log = logging.getLogger(__name__)
T = TypeVar("T")

OK, FALLBACK, IN_PROCESS = "ok", "in-process fallback", "in-process"


class CounterStore:
    def __init__(self, uri: str, options: dict[str, Any] | None = None, recheck_seconds: float = 5.0) -> None:
        self.uri = uri
        self.in_process = uri.startswith("memory://")
        self.primary = cast(Storage, storage_from_string(uri, **(options or {})))  # a synchronous one
        self.fallback = MemoryStorage()
        self.recheck_seconds = recheck_seconds
        self._down = False
        self._next_check = 0.0
        self._lock = threading.Lock()

    # The counters -----------------------------------------------------------------------------------

    def incr(self, key: str, expiry_seconds: int) -> int:
        """Add one; a new counter lives `expiry_seconds` from its first count."""
        return self._call(lambda storage: storage.incr(key, expiry_seconds))

    def get(self, key: str) -> int:
        return self._call(lambda storage: storage.get(key))

    def seconds_left(self, key: str) -> int:
        """Whole seconds until the counter expires (0 if it is gone)."""
        def left(storage: Storage) -> int:
            if not storage.get(key):
                return 0
            return max(1, round(storage.get_expiry(key) - time.time()))
        return self._call(left)

    def clear(self, key: str) -> None:
        self._call(lambda storage: storage.clear(key))

    def reset(self) -> None:
        """Forget every count (tests)."""
        self._call(lambda storage: storage.reset())
        self.fallback.reset()

    # Where they are kept ----------------------------------------------------------------------------

    def state(self, probe: bool = False) -> str:
        """"ok", "in-process fallback" (the storage is unreachable) or "in-process"
        (memory:// configured). With `probe`, ask the storage now (a PING)."""
        if self.in_process:
            return IN_PROCESS
        if probe:
            if self.primary.check():
                self._recovered()
            else:
                self._failed(None)
        return FALLBACK if self._down else OK

    def _call(self, operation: Callable[[Storage], T]) -> T:
        if self._down and not self._try_recover():
            return operation(self.fallback)
        try:
            return operation(self.primary)
        except Exception as error:  # any failure of the storage: count in this process instead
            self._failed(error)
            return operation(self.fallback)

    def _try_recover(self) -> bool:
        now = time.monotonic()
        with self._lock:
            if now < self._next_check:
                return False
            self._next_check = now + self.recheck_seconds
        if self.primary.check():
            self._recovered()
            return True
        return False

    def _failed(self, error: Exception | None) -> None:
        with self._lock:
            if self._down:
                return
            self._down = True
            self._next_check = time.monotonic() + self.recheck_seconds
        log.warning("throttle storage %s unreachable (%s): counting in this process until it answers",
                    _safe(self.uri), error or "no answer to PING")

    def _recovered(self) -> None:
        with self._lock:
            if not self._down:
                return
            self._down = False
        log.warning("throttle storage %s reachable again: counting there", _safe(self.uri))


def _safe(uri: str) -> str:
    """The URI without a password."""
    scheme, sep, rest = uri.partition("://")
    if "@" in rest:
        rest = rest.split("@", 1)[1]
    return f"{scheme}{sep}{rest}"


def register_counters(app: Flask) -> None:
    app.extensions["counters"] = CounterStore(
        app.config["RATELIMIT_STORAGE_URI"], app.config.get("RATELIMIT_STORAGE_OPTIONS"),
        float(app.config.get("RATELIMIT_RECHECK_SECONDS", 5)))


def counters() -> CounterStore:
    store: CounterStore = current_app.extensions["counters"]
    return store
