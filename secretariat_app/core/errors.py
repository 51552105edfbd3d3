"""Readable error pages, or JSON for clients that ask for it."""
from __future__ import annotations

import math
import time

from flask import Flask, Response, current_app, g, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError

from secretariat_app.accounts.reader import Reader
from secretariat_app.core import db_failover
from secretariat_app.core.problems import API_PREFIX, problem
from secretariat_app.extensions import db, limiter

EXPLANATIONS = {
    400: _l("The request could not be understood. Please go back and try again."),
    401: _l("Please log in to continue."),
    403: _l("You do not have access to this page or action."),
    404: _l("There is nothing at this address."),
    405: _l("This address does not accept that kind of request."),
    409: _l("This action conflicts with the current state of the record."),
    413: _l("What you sent is larger than the system accepts."),
    429: _l("Too many attempts in a short time. Please wait and try again."),
    500: _l("Something went wrong on our side. The Secretariat has been told."),
}
UNAVAILABLE = _l("The database could not be reached for a moment, and nothing you sent was saved. "
                 "Please try again in a few seconds.")
UNAVAILABLE_MAY_HAVE_SAVED = _l("The database could not be reached for a moment, just as your change was being "
                                "saved. Please check whether it was saved before you send it again.")


def wants_json() -> bool:
    if request.path.startswith(API_PREFIX) or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(status: int, detail: str | None = None) -> tuple[Response | str, int]:
    explanation = str(EXPLANATIONS.get(status, EXPLANATIONS[400 if status < 500 else 500]))
    if request.path.startswith(API_PREFIX):
        return problem(status, detail or explanation), status
    if wants_json():
        return jsonify(error=status, message=detail or explanation), status
    return render_template("errors/error.html", status=status, explanation=explanation, detail=detail), status


def wait_phrase(seconds: float) -> str:
    """How long to wait, as a reader says it after "try again in": seconds up to two minutes, then minutes."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 120:
        return str(ngettext("%(num)d second", "%(num)d seconds", seconds))
    return str(ngettext("%(num)d minute", "%(num)d minutes", math.ceil(seconds / 60)))


def too_many(detail: str, retry_after: float) -> Response:
    """A readable 429 that says when to try again, with Retry-After."""
    response = make_response(error_response(429, detail))
    response.headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
    return response


def _rate_limit_wait() -> float | None:
    """Seconds until the limit Flask-Limiter refused this request under lets it through again."""
    try:
        current = limiter.current_limit
        return current.reset_at - time.time() if current is not None else None
    except Exception:  # the limiter's storage failed meanwhile: say it plainly, without a time
        return None


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(RateLimitExceeded)
    def rate_limited(error: RateLimitExceeded) -> ResponseReturnValue:
        wait = _rate_limit_wait()
        if wait is None:
            return error_response(429)
        return too_many(gettext("You can try again in %(wait)s.", wait=wait_phrase(wait)), wait)

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
        transient = db_failover.transient_error(error)
        if transient is not None:
            return database_unavailable(transient)
        app.logger.exception("unhandled error", exc_info=error)
        db.session.rollback()
        return error_response(InternalServerError.code)


def database_unavailable(error: DBAPIError) -> Response:
    """503 with Retry-After when the database is lost, unreachable or busy: the
    request is rolled back (db_failover.recover), or run again if it only read.
    The page is rendered without the database: no reader's row, no context
    processors; in the reader's language when their row is at hand."""
    language = _language_without_database()
    if db_failover.recover(error):
        return Response(status=503)  # never sent: RetryReads runs the request again
    explanation = UNAVAILABLE_MAY_HAVE_SAVED if db_failover.may_have_written() else UNAVAILABLE
    with force_locale(language):
        if request.path.startswith(API_PREFIX):
            response = problem(503, str(explanation))
        elif wants_json():
            response = jsonify(error=503, message=str(explanation))
        else:
            template = current_app.jinja_env.get_template("errors/unavailable.html")
            response = make_response(template.render(language=language, explanation=explanation))
    response.status_code = 503
    response.headers["Retry-After"] = str(db_failover.RETRY_AFTER_SECONDS)
    return response


def _language_without_database() -> str:
    """The reader's profile language if their row is at hand (Flask-Login keeps it in
    g._login_user; its attributes are read from the instance, never loaded: a flush
    that failed has expired them), else the browser's."""
    languages = current_app.config["LANGUAGES"]
    user = g.get("_login_user")
    # A reader (accounts/reader.py: a page's, the API's) carries its language; an ORM row just logged in
    # (login_user) keeps it in its __dict__.
    language = user.language if isinstance(user, Reader) else getattr(user, "__dict__", {}).get("language")
    if language in languages:
        return str(language)
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _detail(error: HTTPException) -> str | None:
    """A message given with abort(code, description) is shown; werkzeug's defaults are not."""
    default = type(error).description
    if error.description and error.description != default:
        return error.description
    return None
