"""Errors of the JSON API as RFC 9457 problem details (application/problem+json).

The detail is the message the same refusal shows on a page (core/errors.py's
explanations, a rule's violations), in the request's language; the title is the
status's standard reason phrase."""
from __future__ import annotations

from typing import Any

from flask import Response, json
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/"
# The API's open pages (no token): its reference and OpenAPI document, in the site's layout and
# in a language the address may name (?lang=ru).
API_OPEN_PATHS = frozenset({"/api/v1/", "/api/v1/openapi.json"})


def problem(status: int, detail: str, **extensions: Any) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": HTTP_STATUS_CODES.get(status, "Error"),
                            "status": status, "detail": detail, **extensions}
    return Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
