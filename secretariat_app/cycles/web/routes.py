"""The cycle rules for officers: next due meetings, open findings, the timeline,
the rules in force and their versions."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import gettext as _
from flask_login import current_user

from secretariat_app.core.forms import show_violations
from secretariat_app.core.forum_time import forum_today
from secretariat_app.cycles.services import check as cycle_check
from secretariat_app.cycles.services import rules as rules_service
from secretariat_app.cycles.services.texts import reader_words
from secretariat_app.cycles.services.timeline import timeline_as_of
from secretariat_app.cycles.web import bp
from secretariat_app.cycles.web.forms import RulesUploadForm
from secretariat_app.domain.cycles_rules import describe
from secretariat_app.domain.forum_rules import RulesFileError
from secretariat_app.domain.violations import RuleViolations
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
    timeline, result = timeline_as_of(cycle_check.load_history(), as_of, rules_service.rules_on(as_of))
    return render_template("cycles/overview.html", as_of=as_of, result=result, timeline=timeline,
                           stored=cycle_check.open_findings(), source=rules_service.source_on(as_of))


@bp.route("/timeline.svg")
@access(Audience.SECRETARIAT)
def timeline_svg() -> ResponseReturnValue:
    as_of = _as_of()
    timeline, _result = timeline_as_of(cycle_check.load_history(), as_of, rules_service.rules_on(as_of))
    return render_template("cycles/timeline.svg", t=timeline), 200, {"Content-Type": "image/svg+xml; charset=utf-8"}


@bp.route("/check", methods=["POST"])
@access(Audience.SECRETARIAT)
def run_now() -> ResponseReturnValue:
    """Run the daily check now (check_and_record, as beat does); the officers'
    notices of new findings are mailed by the dispatcher after its commit."""
    recorded = cycle_check.check_and_record()
    flash(_("The check ran: %(n)d new departure(s) from the rules.", n=len(recorded.new_warnings)), "info")
    return redirect(url_for("cycles.overview"))


@bp.route("/rules", methods=["GET", "POST"])
@access(Audience.SECRETARIAT)
def rules() -> ResponseReturnValue:
    """The rules in force, each in words, their source and versions; the upload
    of a new version (validated, in force from its date, audited)."""
    form = RulesUploadForm()
    if form.validate_on_submit():
        upload = form.upload()
        if upload is None:
            form.file.errors = [_("Choose a rules file.")]
        else:
            try:
                version = rules_service.upload(current_user, upload[0], upload[1], form.effective_on.data)
            except RuleViolations as error:
                show_violations(form, error)
            except RulesFileError as error:
                form.file.errors = [problem.render(gettext) for problem in error.problems]
            else:
                flash(_("Version %(n)d of the rules is saved; it applies from %(day)s.", n=version.number,
                        day=version.effective_on.isoformat()), "success")
                return redirect(url_for("cycles.rules"))
    today = forum_today()
    source = rules_service.source_on(today)
    words = reader_words()
    in_force = [describe(rule, words) for rule in rules_service.rules_on(today)]
    return render_template("cycles/rules.html", form=form, source=source, in_force=in_force, today=today,
                           base=rules_service.base_source(), versions=rules_service.uploaded_versions())
