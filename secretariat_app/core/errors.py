"""Readable error pages, or JSON for clients that ask for it."""
from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from secretariat_app.extensions import db

EXPLANATIONS = {
    400: _l("The request could not be understood. Please go back and try again."),
    401: _l("Please log in to continue."),
    403: _l("You do not have access to this page or action."),
    404: _l("There is nothing at this address."),
    405: _l("This address does not accept that kind of request."),
    409: _l("This action conflicts with the current state of the record."),
    413: _l("What you sent is larger than the system accepts."),
    429: _l("Too many attempts. Please wait a few minutes and try again."),
    500: _l("Something went wrong on our side. The Secretariat has been told."),
}


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(status: int, detail: str | None = None) -> tuple[Response | str, int]:
    explanation = str(EXPLANATIONS.get(status, EXPLANATIONS[400 if status < 500 else 500]))
    if wants_json():
        return jsonify(error=status, message=detail or explanation), status
    return render_template("errors/error.html", status=status, explanation=explanation, detail=detail), status


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        return error_response(400, str(_l("The form has expired or was not sent from this site. "
                                          "Please reload the page and try again.")))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        status = error.code or 500
        response = error_response(status, _detail(error))
        if status == 429 or status == 405:
            body, code = response
            flask_response = app.make_response((body, code))
            for key, value in error.get_headers():
                if key.lower() in {"retry-after", "allow"}:
                    flask_response.headers[key] = value
            return flask_response
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> ResponseReturnValue:
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("unhandled error", exc_info=error)
        db.session.rollback()
        return error_response(InternalServerError.code)


def _detail(error: HTTPException) -> str | None:
    """A message given with abort(code, description) is shown; werkzeug's defaults are not."""
    default = type(error).description
    if error.description and error.description != default:
        return error.description
    return None
