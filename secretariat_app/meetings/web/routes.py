"""Officer pages of the meetings calendar: the calendar, a month grid, one
meeting, scheduling and editing it, and its status. The agenda and the
invitations have their own modules, imported at the end."""
from __future__ import annotations

from datetime import date, datetime

from babel.dates import get_day_names
from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from secretariat_app.core.columns import utcnow
from secretariat_app.core.forms import show_violations
from secretariat_app.core.forum_time import forum_today
from secretariat_app.core.localisation import by_name, current_language
from secretariat_app.decisions.services.chair import chair_on
from secretariat_app.domain import meeting_rules as rules
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from secretariat_app.meetings.services import calendar as calendar_service
from secretariat_app.meetings.services import meetings as meeting_service
from secretariat_app.meetings.services import status as status_service
from secretariat_app.meetings.web import bp
from secretariat_app.meetings.web.forms import (
    FORMAT_LABELS,
    STATUS_LABELS,
    CalendarFilterForm,
    CancelForm,
    MeetingForm,
    PostponeForm,
    initial_data,
)
from secretariat_app.permissions import Audience, access

# Shared with the delegate pages ----------------------------------------------

@bp.app_template_global("meeting_status_label")
def meeting_status_label(status) -> str:
    return STATUS_LABELS.get(status, status)


@bp.app_template_global("meeting_format_label")
def meeting_format_label(value) -> str:
    return FORMAT_LABELS.get(value, value)


@bp.app_template_filter("month_year")
def month_year(value: datetime | None, zone: str = "UTC") -> str:
    """A meeting known only to the month: the month and year where it took place."""
    if value is None:
        return ""
    return format_date(rules.local_day(value, zone), "LLLL y")


@bp.app_template_filter("meeting_day")
def meeting_day(value: date) -> str:
    return format_date(value, "d MMMM y")


def get_meeting(meeting_id: int) -> Meeting:
    return db.get_or_404(Meeting, meeting_id)


# The calendar ------------------------------------------------------------------

@bp.route("/")
@access(Audience.SECRETARIAT)
def calendar() -> ResponseReturnValue:
    """Upcoming meetings; with a year, every meeting of that year. Both filter by body."""
    form = CalendarFilterForm(request.args)
    form.fill_choices(current_language())
    body_id = year = None
    if form.validate():
        body_id, year = form.body.data, form.year.data
    if year is not None:
        meetings = calendar_service.meetings_in_year(year, body_id)
    else:
        meetings = calendar_service.upcoming_meetings(utcnow(), body_id)
    today = forum_today()
    return render_template("meetings/calendar.html", form=form, meetings=meetings, year=year, today=today)


@bp.route("/month/<int:year>/<int:month>")
@access(Audience.SECRETARIAT)
def month(year: int, month: int) -> ResponseReturnValue:
    """A month as a grid of weeks, each meeting on the day it starts where it takes place."""
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        abort(404)
    grid = calendar_service.month_grid(year, month)
    day_names = get_day_names("abbreviated", locale=get_locale())
    return render_template("meetings/month.html", grid=grid, day_names=[day_names[i] for i in range(7)],
                           month_title=format_date(grid.first, "LLLL y"))


# One meeting -------------------------------------------------------------------

@bp.route("/<int:meeting_id>")
@access(Audience.SECRETARIAT)
def detail(meeting_id: int) -> ResponseReturnValue:
    meeting = get_meeting(meeting_id)
    day = meeting_service.start_day(meeting)
    sessions = meeting_service.preparing_sessions(meeting)
    invitations = by_name(meeting.invitations, current_language(), of=lambda i: i.delegation)
    return render_template(
        "meetings/detail.html", meeting=meeting, start_day=day, chair=chair_on(day), sessions=sessions,
        late_sessions=calendar_service.out_of_window(meeting, sessions), invitations=invitations,
        participant_count=sum(len(i.participants) for i in invitations), now=utcnow(),
    )


@bp.route("/new", methods=["GET", "POST"])
@access(Audience.SECRETARIAT)
def new() -> ResponseReturnValue:
    return _edit(None)


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@access(Audience.SECRETARIAT)
def edit(meeting_id: int) -> ResponseReturnValue:
    return _edit(get_meeting(meeting_id))


def _edit(meeting: Meeting | None) -> ResponseReturnValue:
    """One form for scheduling and editing; the service decides what the rules allow."""
    if request.method == "POST" or meeting is None:
        form = MeetingForm()
    else:
        form = MeetingForm(data=initial_data(meeting))
    form.fill_choices(current_language(), meeting)
    if form.validate_on_submit():
        try:
            if meeting is None:
                saved = meeting_service.create_meeting(current_user, form.to_data())
            else:
                saved = meeting_service.update_meeting(current_user, meeting, form.to_data())
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The meeting “%(title)s” has been saved.", title=saved.title(current_language())), "success")
            return redirect(url_for("meetings.detail", meeting_id=saved.id))
    return render_template("meetings/form.html", form=form, meeting=meeting)


# Status ------------------------------------------------------------------------

@bp.route("/<int:meeting_id>/postpone", methods=["GET", "POST"])
@access(Audience.SECRETARIAT)
def postpone(meeting_id: int) -> ResponseReturnValue:
    meeting = get_meeting(meeting_id)
    form = PostponeForm()
    form.fill_choices()
    if form.validate_on_submit():
        try:
            status_service.postpone(current_user, meeting, form.to_data())
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The meeting has been postponed."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/status_form.html", form=form, meeting=meeting,
                           heading=_("Postpone the meeting"),
                           action=url_for("meetings.postpone", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/cancel", methods=["GET", "POST"])
@access(Audience.SECRETARIAT)
def cancel(meeting_id: int) -> ResponseReturnValue:
    meeting = get_meeting(meeting_id)
    form = CancelForm()
    form.fill_choices()
    if form.validate_on_submit():
        try:
            status_service.cancel(current_user, meeting, form.reason.data or "", form.decision_id.data,
                                  reason_ru=form.reason_ru.data or "")
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The meeting has been cancelled."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/status_form.html", form=form, meeting=meeting,
                           heading=_("Cancel the meeting"),
                           action=url_for("meetings.cancel", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/confirm", methods=["POST"])
@access(Audience.SECRETARIAT)
def confirm(meeting_id: int) -> ResponseReturnValue:
    meeting = get_meeting(meeting_id)
    return _status_button(lambda: status_service.confirm(current_user, meeting), meeting,
                          _("The meeting has been confirmed."))


@bp.route("/<int:meeting_id>/held", methods=["POST"])
@access(Audience.SECRETARIAT)
def held(meeting_id: int) -> ResponseReturnValue:
    meeting = get_meeting(meeting_id)
    return _status_button(lambda: status_service.mark_held(current_user, meeting), meeting,
                          _("The meeting has been marked as held."))


def flash_violations(error: RuleViolations) -> None:
    for violation in error.violations:
        flash(violation.render(_), "error")


def _status_button(action, meeting: Meeting, done: str) -> ResponseReturnValue:
    """A one-button action: done, or the reason it was refused, shown on the meeting page."""
    try:
        action()
    except RuleViolations as error:
        flash_violations(error)
    else:
        flash(done, "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


from secretariat_app.meetings.web import routes_agenda, routes_invitations  # noqa: E402,F401
