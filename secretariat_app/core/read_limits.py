"""Rate limits on the reads that cost the server most: a search (the inbox or the
archive with words to look for), the CSV exports and the compiled report, and
calendar feeds. Pages a person reads are not limited.

The limits (config.py READ_LIMIT_*) are far above what a person clicks, e.g. 30
a minute, and are counted per signed-in user, so one user's script does not
slow another; a feed, which calendar programs fetch without a session, per
feed address (its token's digest) and per client address. Above a limit the
answer is the readable 429 page (core/errors.py) with when to try again.
Flask-Limiter keeps the counts where RATELIMIT_STORAGE_URI says, in this process
while that storage is unreachable.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import current_app, request
from flask_login import current_user

from secretariat_app.extensions import client_address, limiter

P = ParamSpec("P")
R = TypeVar("R")


def per_user() -> str:
    user_id = current_user.get_id() if current_user.is_authenticated else None
    return f"user:{user_id}" if user_id else f"address:{client_address()}"


def _no_search_words() -> bool:
    return not request.args.get("q", "").strip()


def _feed_token() -> str:
    token = str((request.view_args or {}).get("token", ""))
    return "feed:" + hashlib.sha256(token.encode()).hexdigest()[:32]


_search = limiter.shared_limit(lambda: current_app.config["READ_LIMIT_SEARCH"], scope="read-search",
                              key_func=per_user)


def search_limit(view: Callable[P, R]) -> Callable[P, R]:
    """A search is limited only when it has words to look for (filters and paging alone are
    cheap); the page without them does not even ask Flask-Limiter (the inbox's fast path)."""
    limited = _search(view)

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if _no_search_words():
            return view(*args, **kwargs)
        return limited(*args, **kwargs)
    return wrapper


# Exports and the compiled report share one budget per user.
export_limit = limiter.shared_limit(lambda: current_app.config["READ_LIMIT_EXPORT"], scope="read-export",
                                    key_func=per_user)
feed_limit = limiter.limit(lambda: current_app.config["READ_LIMIT_FEED"], key_func=_feed_token, scope="read-feed")
feed_address_limit = limiter.limit(lambda: current_app.config["READ_LIMIT_FEED_ADDRESS"], key_func=client_address,
                                   scope="read-feed-address")
