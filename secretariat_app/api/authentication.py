"""Who an API request is: the owner of the personal access token it presents as
`Authorization: Bearer <token>`, and nobody else.

A before_request hook, registered before the enrolment gate and the access check
(permissions.enforce_access), so that both judge the token's owner. For any
path under /api/ it decides the request's user itself: a session cookie is never
read there (a page's cookie sent along by a browser authenticates nothing, so no
cross-site request can act through the API), and a request without a live token
is refused with 401 before any view runs, except the open pages (the OpenAPI
document and its reference page). CSRF does not apply to these requests
(the blueprint is exempt): without the cookie there is nothing to forge.

The token's owner is a read-only `Reader` (accounts/reader.py), built from one
statement as a page's user is (tokens.authenticate), without a login session: the
services and the rules take it as they take a page's. The token's scopes narrow
what its owner may do (`requires_scope`); the rules themselves are the pages'
(permissions/)."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, current_app, g, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from secretariat_app.accounts.services.second_factor import must_enrol
from secretariat_app.api.services import tokens
from secretariat_app.api.services.tokens import TokenInUse
from secretariat_app.core.problems import API_PREFIX, problem
from secretariat_app.extensions import client_address, login_manager
from secretariat_app.permissions.tokens import Scope, token_allows

OPEN_ENDPOINTS = frozenset({"api.openapi", "api.reference"})


def _bearer() -> str | None:
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def unauthorized() -> Response:
    response = problem(401, _("A valid access token is needed: send it as \"Authorization: Bearer <token>\"."))
    response.headers["WWW-Authenticate"] = 'Bearer realm="CICA Secretariat API"'
    return response


def authenticate_api_request() -> ResponseReturnValue | None:
    if not request.path.startswith(API_PREFIX):
        return None
    g._login_user = login_manager.anonymous_user()  # Flask-Login's: the session cookie is never asked
    secret = _bearer()
    if secret is None:
        if request.endpoint in OPEN_ENDPOINTS or request.endpoint is None:
            return None  # an open page, or no such address (404)
        return unauthorized()
    found = tokens.authenticate(secret)
    if found is None:
        return unauthorized()
    user, token = found
    if must_enrol(user):  # staff whose second factor an administrator reset
        return problem(403, _("Set up two-step verification on the site before using the API."))
    g._login_user = user
    g.api_token = token
    needed = getattr(current_app.view_functions.get(request.endpoint or ""), "required_scope", None)
    if needed is not None and not token_allows(token.scope_values, needed):
        return _missing_scope(needed)  # before the request's values are read: nothing to learn without it
    return None


def _missing_scope(scope: Scope) -> Response:
    return problem(403, _("This access token does not have the scope \"%(scope)s\".", scope=scope.value))


def current_token() -> TokenInUse | None:
    return g.get("api_token")


def requires_scope(scope: Scope) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A view that needs its token to carry `scope` (403 otherwise, as a page refuses an act): checked
    as soon as the token is known (authenticate_api_request), and again when the view runs."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            token = current_token()
            if token is None or not token_allows(token.scope_values, scope):
                return _missing_scope(scope)
            return view(*args, **kwargs)
        wrapper.required_scope = scope  # type: ignore[attr-defined]
        return wrapper
    return decorate


def rate_limit_key() -> str:
    """The API's rate limit counts per token (by its secret's digest: the limiter asks
    before the token is looked up), and per client address without one."""
    secret = _bearer()
    if secret is None:
        return f"address:{client_address()}"
    return "token:" + hashlib.sha256(secret.encode()).hexdigest()[:32]


def rate_limit() -> str:
    return str(current_app.config["API_RATE_LIMIT"])
