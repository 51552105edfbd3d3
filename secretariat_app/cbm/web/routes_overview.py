"""The CBM overview (the matrix of areas by year, the activities held, the
in-depth review rotation), the CSV exports of activities and annual reports,
and the printable compiled annual report of a dimension, in English or Russian.

Every page is for readers of the overview (officers, members and observers);
what each shows depends on the reader (permissions.cbm.reader_scope)."""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, gettext
from flask_login import current_user

from secretariat_app.cbm.services import exports as cbm_exports
from secretariat_app.cbm.services.overview import (
    held_statistics,
    load_catalogue,
    overview_matrix,
    review_rotation,
    reviewed_dimension,
)
from secretariat_app.cbm.web import bp
from secretariat_app.cbm.web.forms_overview import ExportForm
from secretariat_app.core.forms import show_violations
from secretariat_app.core.forum_time import forum_today
from secretariat_app.core.labels import (
    ACTIVITY_STATE_LABELS,
    ACTIVITY_TYPE_LABELS,
    COORDINATOR_ROLE_LABELS,
    REPORT_STATUS_LABELS,
)
from secretariat_app.core.localisation import current_language
from secretariat_app.core.read_limits import export_limit
from secretariat_app.domain.cbm_status import ActivityState
from secretariat_app.domain.cbm_visibility import (
    EARLIEST_YEAR,
    YEARS_AHEAD,
    YearRange,
    default_years,
    year_range,
)
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.permissions import Action, access
from secretariat_app.permissions.cbm import reader_scope

# Colour, symbol and words together: the state never rests on colour alone.
STATE_STYLE = {
    ActivityState.REPORTED: {"colour": "#2d6a4f", "symbol": "✓"},
    ActivityState.PLANNED: {"colour": "#0b5c8c", "symbol": "○"},
    ActivityState.LATE: {"colour": "#b7791f", "symbol": "!"},
    ActivityState.MISSING: {"colour": "#a4161a", "symbol": "✗"},
}
LEGEND_ORDER = (ActivityState.PLANNED, ActivityState.REPORTED, ActivityState.LATE, ActivityState.MISSING)


def _now() -> datetime:
    return datetime.now(UTC)


def _years(form: ExportForm, today: date) -> YearRange:
    """The years asked for; a refused range is explained on the form and the default shown."""
    try:
        return year_range(form.from_year.data, form.to_year.data, today)
    except RuleViolations as error:
        show_violations(form, error)
        return default_years(today)


@bp.route("/overview")
@access(Action.READ_CBM_OVERVIEW)
def overview() -> ResponseReturnValue:
    """The matrix of priority areas by year, the activities held and the review rotation."""
    today, now, language = forum_today(), _now(), current_language()
    form = ExportForm(request.args)
    years = _years(form, today)
    scope = reader_scope(current_user)
    catalogue = load_catalogue()
    matrix = overview_matrix(scope, years, now, catalogue)
    held = held_statistics(scope, years, language, catalogue)
    form.fill_choices(today, years)
    form.fill_filter_choices(language, catalogue)
    return render_template(
        "cbm/overview.html", form=form, matrix=matrix, held=held, scope=scope, today=today,
        this_review=reviewed_dimension(catalogue.dimensions, today.year),
        next_review=reviewed_dimension(catalogue.dimensions, today.year + 1),
        rotation=review_rotation(catalogue.dimensions, today.year),
        state_style=STATE_STYLE, legend_order=LEGEND_ORDER, state_label=ACTIVITY_STATE_LABELS,
    )


def _export(kind: str, build) -> ResponseReturnValue:
    today = forum_today()
    form = ExportForm(request.args)
    try:
        years = year_range(form.from_year.data, form.to_year.data, today)
    except RuleViolations as error:
        for violation in error.violations:
            flash(violation.render(gettext), "error")
        # The filters only: url_for's options (_external, _scheme, _anchor, _method) are not the reader's to set.
        filters: dict[str, Any] = {key: value for key, value in request.args.items() if not key.startswith("_")}
        return redirect(url_for("cbm.overview", **filters))
    body = build(reader_scope(current_user), form.to_filter(years), _now(), current_language())
    response = Response(body, status=200)
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{cbm_exports.export_filename(kind, years)}"'
    # Kept by the reader's browser only: what it holds depends on who asked.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/export/activities.csv")
@access(Action.READ_CBM_OVERVIEW)
@export_limit
def export_activities() -> ResponseReturnValue:
    """CSV of the activities matching the filters, as far as the reader may see them."""
    return _export("activities", cbm_exports.activities_csv)


@bp.route("/export/reports.csv")
@access(Action.READ_CBM_OVERVIEW)
@export_limit
def export_reports() -> ResponseReturnValue:
    """CSV of the annual reports matching the filters, as far as the reader may see them."""
    return _export("reports", cbm_exports.reports_csv)


@bp.route("/compiled/<dimension_code>/<int:year>")
@access(Action.READ_CBM_OVERVIEW)
@export_limit
def compiled_report(dimension_code: str, year: int) -> ResponseReturnValue:
    """The compiled annual report of a dimension, printable, in ?lang=en|ru whatever the interface language."""
    language = request.args.get("lang") or current_language()
    if language not in current_app.config["LANGUAGES"]:
        abort(404)
    today = forum_today()
    if not EARLIEST_YEAR <= year <= today.year + YEARS_AHEAD:
        abort(404)
    dimension = cbm_exports.dimension_by_code(dimension_code)
    if dimension is None:
        abort(404)
    report = cbm_exports.compiled_report(reader_scope(current_user), dimension, year, _now())
    with force_locale(language):
        return render_template(
            "cbm/compiled.html", report=report, lang=language,
            other_lang="ru" if language == "en" else "en",
            type_label=ACTIVITY_TYPE_LABELS, coordinator_roles=COORDINATOR_ROLE_LABELS,
            report_status_label=REPORT_STATUS_LABELS,
        )
