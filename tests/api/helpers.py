"""Tokens for the API tests, and the app served over HTTP from a thread."""
from __future__ import annotations

import logging
import threading

from flask import Flask, current_app

from secretariat_app.accounts.models.people import User
from secretariat_app.api.services.tokens import NewToken, create_token, needs_code
from secretariat_app.permissions.tokens import Scope
from tests.second_factor_helpers import next_code


def token_for(user: User, *scopes: Scope, days: int = 365, name: str = "test") -> str:
    """A token of `user`'s with `scopes` (read alone by default), made as the profile page makes one."""
    code = next_code(current_app._get_current_object(), user.email) if needs_code(user) else ""
    _token, secret = create_token(user, NewToken(name, scopes or (Scope.READ,), days, code))
    return secret


def bearer(secret: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **headers}


class LiveServer:
    """`app` answering HTTP on 127.0.0.1 from a thread of this process: the test builds
    its rows in `app`'s context, the server reads them from the same database."""

    def __init__(self, app: Flask):
        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="api-live-server", daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
