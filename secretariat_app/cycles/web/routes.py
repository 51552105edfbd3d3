"""The cycle rules for officers: next due meetings, open findings, the timeline."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from secretariat_app.core.forum_time import forum_today
from secretariat_app.cycles.services import check as cycle_check
from secretariat_app.cycles.services.timeline import timeline_as_of
from secretariat_app.cycles.web import bp
from secretariat_app.permissions import Audience, access


def _as_of() -> date:
    raw = request.args.get("as_of", "").strip()
    if not raw:
        return forum_today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, _("Use a date of the form YYYY-MM-DD."))


@bp.route("/")
@access(Audience.SECRETARIAT)
def overview() -> ResponseReturnValue:
    as_of = _as_of()
    timeline, result = timeline_as_of(cycle_check.load_history(), as_of)
    return render_template("cycles/overview.html", as_of=as_of, result=result, timeline=timeline,
                           stored=cycle_check.open_findings())


@bp.route("/timeline.svg")
@access(Audience.SECRETARIAT)
def timeline_svg() -> ResponseReturnValue:
    timeline, _result = timeline_as_of(cycle_check.load_history(), _as_of())
    return render_template("cycles/timeline.svg", t=timeline), 200, {"Content-Type": "image/svg+xml; charset=utf-8"}


@bp.route("/check", methods=["POST"])
@access(Audience.SECRETARIAT)
def run_now() -> ResponseReturnValue:
    """Run the daily check now (check_and_record, as beat does); the officers'
    notices of new findings are mailed by the dispatcher after its commit."""
    recorded = cycle_check.check_and_record()
    flash(_("The check ran: %(n)d new departure(s) from the rules.", n=len(recorded.new_warnings)), "info")
    return redirect(url_for("cycles.overview"))
