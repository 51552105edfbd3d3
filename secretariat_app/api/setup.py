"""What create_app takes from the API besides its blueprints: the bearer
authentication hook, the session cookie's interface (no session for an API
operation: core/session_cookies.py), the problem details of APIFlask's own
errors (a request's invalid values), and the OpenAPI document's settings."""
from __future__ import annotations

from apiflask import APIFlask
from apiflask.exceptions import HTTPError
from flask import Response
from flask_babel import gettext as _
from pydantic import ValidationError
from werkzeug.datastructures import Headers

from secretariat_app.api.authentication import authenticate_api_request
from secretariat_app.api.field_errors import field_errors
from secretariat_app.core.problems import problem
from secretariat_app.core.session_cookies import SessionInterface

API_SETTINGS = {
    "OPENAPI_VERSION": "3.1.0",
    "AUTO_SERVERS": False,  # the document's paths are absolute (/api/v1/...): no server to name
    "AUTO_OPERATION_ID": False,  # each operation names its own
    "VALIDATION_ERROR_STATUS_CODE": 422,
}


def _error(error: HTTPError) -> Response:
    """An invalid query or body (422, from the typed schemas), or APIFlask's abort."""
    if error.status_code == 422 and isinstance(error.__cause__, ValidationError):
        # pydantic's own report, each error in the request's language (api/field_errors.py)
        response = problem(422, _("Some of the values given are not valid."), errors=field_errors(error.__cause__))
    elif error.status_code == 422 and isinstance(error.detail, dict):
        errors = [{"field": field, "message": " ".join(messages)}
                  for fields in error.detail.values() if isinstance(fields, dict)
                  for field, messages in fields.items()]
        response = problem(422, _("Some of the values given are not valid."), errors=errors)
    else:
        response = problem(error.status_code, str(error.message))
    response.headers.update(Headers(error.headers or {}))
    return response


def register_api(app: APIFlask) -> None:
    for key, value in API_SETTINGS.items():
        app.config[key] = value
    app.session_interface = SessionInterface()
    app.before_request(authenticate_api_request)  # before the enrolment gate and the access check
    app.error_processor(_error)
