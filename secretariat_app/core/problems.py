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


def problem(status: int, detail: str, **extensions: Any) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": HTTP_STATUS_CODES.get(status, "Error"),
                            "status": status, "detail": detail, **extensions}
    return Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
