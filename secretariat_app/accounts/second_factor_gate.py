"""The enrolment gate: Secretariat staff without a second factor open nothing but
the enrolment page until they have one.

A before_request hook, registered before the access check: a signed-in officer or
administrator who has not enrolled (a new account, a role just granted, a second
factor reset by an administrator) is sent to enrolment from every page but the
few below. Other users, and enrolled staff, pass untouched: the check reads the
roles and the enrolment time of the user row every page loads anyway."""
from __future__ import annotations

from flask import redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from secretariat_app.accounts.services.second_factor import must_enrol

ENROLMENT = "auth.second_factor_enrol"
# What stays open: enrolment itself, logging out, the stylesheets, and the language
# switch should one be added (the language is the profile's today).
OPEN_BEFORE_ENROLMENT = frozenset({ENROLMENT, "auth.logout", "static", "main.language"})


def require_enrolment() -> ResponseReturnValue | None:
    endpoint = request.endpoint
    if endpoint is None or endpoint in OPEN_BEFORE_ENROLMENT:
        return None  # no route (the 404 handler answers), or a page open to everyone signed in
    user = current_user._get_current_object()
    if user.is_authenticated and must_enrol(user):
        return redirect(url_for(ENROLMENT))
    return None
