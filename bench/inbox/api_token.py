"""A personal access token for the bench delegate, made the way the profile page makes
one (api/services/tokens.create_token: hashed, audited, scope `read`), for the API's
inbox (`/api/v1/inbox`) in run.py and pipeline.py.

    BENCH_INFO=/tmp/cica-bench-XXXX/info.json .venv/bin/python bench/inbox/api_token.py

prints the secret (run.py runs it with the app's environment, production settings)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402

API_INBOX_PATH = "/api/v1/inbox?per_page=50"
TOKEN_NAME = "bench"


def make_token(app, email: str) -> str:
    """A new `read` token of the user with `email`, through the app's own service."""
    from sqlalchemy import select

    from secretariat_app.accounts.models.people import User
    from secretariat_app.api.services import tokens
    from secretariat_app.extensions import db
    from secretariat_app.permissions.tokens import Scope

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            raise SystemExit(f"no user {email}")
        _token, secret = tokens.create_token(user, tokens.NewToken(name=TOKEN_NAME, scopes=(Scope.READ,)))
        return secret


def main() -> int:
    info = load.LoadInfo.read(Path(os.environ["BENCH_INFO"]))
    import wsgi
    print(make_token(wsgi.app, info.bench_email))
    return 0


if __name__ == "__main__":
    sys.exit(main())
