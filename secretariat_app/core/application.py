"""The application's class: APIFlask (Flask with the JSON API's OpenAPI document),
which remembers what `ensure_sync` answered for each function.

Flask asks `ensure_sync(f)` before calling every view, before_request,
after_request, teardown function and error handler, on every request: whether
`f` is a coroutine function (`inspect.iscoroutinefunction`), to wrap it if so.
The answer for a given function never changes, yet it cost about 213,000
instructions of the inbox's 8.96 million a request (twenty-one calls;
bench/inbox, valgrind, docs/benchmarks.md, "2026-12-06 23:35"). Here it is asked once
per function; the functions a request meets are registered at start-up, so
the store holds those, and stops growing at _KEPT (a callable made anew per
call is then simply asked every time, as Flask does).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apiflask import APIFlask

_KEPT = 4096


class SecretariatApp(APIFlask):
    """APIFlask with `ensure_sync` answered once per function."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._sync_of: dict[Any, Callable[..., Any]] = {}
        super().__init__(*args, **kwargs)

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        known = self._sync_of
        try:
            return known[func]
        except KeyError:
            answer = super().ensure_sync(func)
            if len(known) < _KEPT:
                known[func] = answer
            return answer
        except TypeError:  # not hashable
            return super().ensure_sync(func)
