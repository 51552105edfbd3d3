"""The calendar feed (`/calendar/feed/<token>.ics`, open to calendar programs,
which send no session: the secret token is the key), one meeting's .ics for
whoever may see the meeting (`/calendar/meetings/<id>.ics`, "add to my
calendar"), and the page where a person makes, replaces or revokes their feed
URL.

A wrong, revoked or altered token answers the plain 404 page, the same for
each, so that the answer says nothing about which it was."""
from __future__ import annotations

from flask import (
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SubmitField

from secretariat_app.accounts.reader import current_user_row
from secretariat_app.core.columns import utcnow
from secretariat_app.core.localisation import current_language
from secretariat_app.core.read_limits import feed_address_limit, feed_limit
from secretariat_app.extensions import db
from secretariat_app.meetings.calendar import bp
from secretariat_app.meetings.models import DatePrecision, Meeting
from secretariat_app.meetings.services import feeds
from secretariat_app.meetings.services import ics as calendar_ics
from secretariat_app.permissions import Action, Audience, Load, access, is_delegate, is_secretariat

ICS_TYPE = "text/calendar; charset=utf-8"


class RegenerateForm(FlaskForm):
    submit = SubmitField(_l("Make a new feed address"))


class RevokeForm(FlaskForm):
    submit = SubmitField(_l("Revoke the feed address"))


@bp.route("/feed/<token>.ics")
@access(Audience.PUBLIC)
@feed_address_limit
@feed_limit
def feed(token: str) -> ResponseReturnValue:
    """The person's meetings as an iCalendar subscription (webcal)."""
    user = feeds.user_for_token(token)
    if user is None:
        abort(404)
    now = utcnow()
    body = calendar_ics.feed(feeds.visible_meetings(user, now), user, now=now)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = ICS_TYPE
    response.headers["Content-Disposition"] = 'inline; filename="cica-meetings.ics"'
    response.headers["Cache-Control"] = "private, max-age=900"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/meetings/<int:meeting_id>.ics")
@access(Action.READ_MEETING, load=Load("meeting_id", "meeting", lambda id_: db.session.get(Meeting, id_),
                                       see=Action.READ_MEETING))
def meeting_ics(meeting: Meeting) -> ResponseReturnValue:
    """One meeting as an .ics file, in the page's language, with the UID and SEQUENCE of its invitation.
    A historical record known only to the month has no date to put in a calendar."""
    if meeting.date_precision != DatePrecision.DAY:
        abort(404)
    body = calendar_ics.download(meeting, current_user, current_language())
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = ICS_TYPE
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}.ics"'
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _me():
    return current_user_row()


def _page(raw_token: str | None = None) -> ResponseReturnValue:
    urls = feeds.feed_urls(raw_token) if raw_token else None
    sees = "all" if is_secretariat(current_user) else "delegation" if is_delegate(current_user) else "none"
    response = make_response(render_template(
        "calendar/settings.html", has_feed=feeds.has_feed(current_user), urls=urls, sees=sees,
        regenerate_form=RegenerateForm(), revoke_form=RevokeForm()))
    if urls:
        response.headers["Cache-Control"] = "no-store"  # the secret is on this page
    return response


@bp.route("/")
@access(Audience.AUTHENTICATED)
def settings() -> ResponseReturnValue:
    """Whether the person has a feed; making a new address, or revoking it."""
    return _page()


@bp.route("/regenerate", methods=["POST"])
@access(Audience.AUTHENTICATED)
def regenerate() -> ResponseReturnValue:
    """A new address; shown on the answer only (just its fingerprint is kept)."""
    if not RegenerateForm().validate_on_submit():
        abort(400)
    raw = feeds.regenerate(_me())
    flash(_("Your new calendar feed address is below. Copy it now: it is shown only once. "
            "Any earlier address no longer works."), "success")
    return _page(raw)


@bp.route("/revoke", methods=["POST"])
@access(Audience.AUTHENTICATED)
def revoke() -> ResponseReturnValue:
    if not RevokeForm().validate_on_submit():
        abort(400)
    if feeds.revoke(_me()):
        flash(_("Your calendar feed address has been revoked; calendar programs can no longer read it."),
              "success")
    return redirect(url_for("calendar.settings"))
