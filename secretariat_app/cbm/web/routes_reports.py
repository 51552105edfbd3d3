"""Activities and implementation reports: the activities of an area's action
plans and its annual reports (a section of the area's page, and a page of its
own), planning activities, opening a report for a year, writing what happened
at each activity with attachments, and the report's steps (submit, publish,
reopen) and due day.

A report the reader may not read answers 404, exactly as one that does not
exist. Who may act is each route's @access (403; the loaders are cbm.web.loaders);
a locked report or a step out of order answers 409 with what to do instead."""
from __future__ import annotations

from typing import NoReturn

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from secretariat_app.cbm.models import (
    CbmActivity,
    CbmActivityReport,
    CbmAnnualReport,
    CbmArea,
    CbmAttachment,
    CbmPaper,
    PaperStatus,
    ReportStatus,
)
from secretariat_app.cbm.services import activities as activity_service
from secretariat_app.cbm.services import attachments as attachment_service
from secretariat_app.cbm.services import reports as report_service
from secretariat_app.cbm.web import bp
from secretariat_app.cbm.web.forms_reports import (
    ActivityForm,
    ActivityReportForm,
    AttachmentForm,
    DueForm,
    OpenReportForm,
    ReopenForm,
    SummaryForm,
    activity_initial,
    activity_report_initial,
)
from secretariat_app.cbm.web.loaders import (
    ACTIVITY,
    ACTIVITY_REPORT,
    AREA,
    ATTACHMENT,
    PLAN,
    REPORT,
    report_activity,
)
from secretariat_app.core.confirm import confirmation_page, confirmed
from secretariat_app.core.file_responses import send_stored, stored_path
from secretariat_app.core.forms import show_violations
from secretariat_app.core.forum_time import forum_today
from secretariat_app.core.labels import (
    ACTIVITY_STATE_LABELS,
    ACTIVITY_TYPE_LABELS,
    REPORT_STATUS_LABELS,
)
from secretariat_app.core.localisation import current_language, local_date
from secretariat_app.domain.cbm_reports import (
    StateConflict,
    due_day_of,
    locked_violation,
)
from secretariat_app.domain.cbm_status import SECRETARIAT_TIMEZONE
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.permissions import Action, access, can


@bp.context_processor
def _report_helpers() -> dict:
    return {
        "cbm_area_reports": lambda area: report_service.area_section(current_user, area),
        "cbm_plannable": report_service.plannable,
        "cbm_activity_type_label": lambda t: ACTIVITY_TYPE_LABELS.get(t, t),
        "cbm_report_status_label": lambda s: REPORT_STATUS_LABELS.get(s, s),
        "cbm_activity_state_label": lambda s: ACTIVITY_STATE_LABELS.get(s, s),
        "cbm_due_day": due_day_of,
        "secretariat_zone": SECRETARIAT_TIMEZONE,
    }


def _conflict(error: RuleViolations) -> NoReturn:
    abort(409, description=" ".join(v.render(_) for v in error.violations))


# What a coordinator may still change ---------------------------------------------------------

def _draft(report: CbmAnnualReport) -> CbmAnnualReport:
    """A report still a draft (409 otherwise: it is locked)."""
    if report.status != ReportStatus.DRAFT:
        _conflict(RuleViolations([locked_violation()]))
    return report


def _report_page(report: CbmAnnualReport) -> ResponseReturnValue:
    return redirect(url_for("cbm.annual_report", report_id=report.id))


def _area_page(area_id: int) -> ResponseReturnValue:
    return redirect(url_for("cbm.area", area_id=area_id) + "#area-reports")


# The area's activities and reports ---------------------------------------------------------

@bp.route("/areas/<int:area_id>/reports")
@access(Action.READ_CBM_OVERVIEW)
def area_reports(area_id: int) -> ResponseReturnValue:
    """The activities of the area's action plans and its annual reports, with what the reader may do."""
    area = db.get_or_404(CbmArea, area_id)
    return render_template("cbm/report_area.html", area=area)


# Activities --------------------------------------------------------------------------------

def _activity_form(plan: CbmPaper, activity: CbmActivity | None) -> ResponseReturnValue:
    form = ActivityForm() if request.method == "POST" else ActivityForm(data=activity_initial(activity))
    form.fill_choices(current_language(), forum_today())
    if form.validate_on_submit():
        try:
            if activity is None:
                saved = activity_service.create_activity(current_user, plan, form.to_data())
            else:
                saved = activity_service.update_activity(current_user, activity, form.to_data())
        except StateConflict as error:
            _conflict(error)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The activity %(title)s has been saved.", title=saved.title(current_language())), "success")
            return _area_page(plan.area_id)
    return render_template("cbm/activity_form.html", form=form, plan=plan, activity=activity)


@bp.route("/plans/<int:plan_id>/activities/new", methods=["GET", "POST"])
@access(Action.COORDINATE_CBM_AREA, load=PLAN)
def activity_new(plan: CbmPaper) -> ResponseReturnValue:
    """Plan an activity on an action plan (its coordinators and the Secretariat)."""
    if plan.status == PaperStatus.SUPERSEDED:
        abort(409, description=_("This action plan has been superseded: its activities are kept as they were. "
                                 "Plan activities on the action plan in force."))
    return _activity_form(plan, None)


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@access(Action.COORDINATE_CBM_AREA, load=ACTIVITY)
def activity_edit(activity: CbmActivity) -> ResponseReturnValue:
    """Change a planned activity, until its implementation is reported."""
    if activity.report is not None:
        abort(409, description=_("The implementation of this activity has been reported: the activity stays as "
                                 "it was planned."))
    return _activity_form(activity.action_plan, activity)


@bp.route("/activities/<int:activity_id>/delete", methods=["POST"])
@access(Action.COORDINATE_CBM_AREA, load=ACTIVITY)
def activity_delete(activity: CbmActivity) -> ResponseReturnValue:
    area_id = activity.action_plan.area_id
    title = activity.title(current_language())
    try:
        activity_service.delete_activity(current_user, activity)
    except RuleViolations as error:
        _conflict(error)
    flash(_("The activity %(title)s has been removed.", title=title), "success")
    return _area_page(area_id)


# Annual reports ------------------------------------------------------------------------------

@bp.route("/areas/<int:area_id>/reports/new", methods=["GET", "POST"])
@access(Action.COORDINATE_CBM_AREA, load=AREA)
def report_open(area: CbmArea) -> ResponseReturnValue:
    """Open the annual report of the area for a year covered by an approved action plan."""
    proposed = report_service.area_section(current_user, area).proposed_year
    form = OpenReportForm() if request.method == "POST" else OpenReportForm(data={"year": proposed})
    status = 200
    if form.validate_on_submit():
        try:
            report = report_service.open_report(current_user, area, form.year.data)
        except RuleViolations as error:
            show_violations(form, error)
            status = 409 if isinstance(error, StateConflict) else 200
        else:
            flash(_("The annual report for %(year)d has been opened.", year=report.year), "success")
            return _report_page(report)
    return render_template("cbm/report_open.html", form=form, area=area), status


@bp.route("/reports/<int:report_id>")
@access(Action.READ_CBM_REPORT, load=REPORT)
def annual_report(report: CbmAnnualReport) -> ResponseReturnValue:
    """The report: each activity of the year with its implementation report, the status and the due time."""
    coordinates = can(current_user, Action.COORDINATE_CBM_AREA, report)
    return render_template(
        "cbm/report.html", report=report, lines=report_service.report_lines(report),
        may_write=coordinates and report.status == ReportStatus.DRAFT, coordinates=coordinates,
        may_manage=can(current_user, Action.MANAGE_CBM),
        reasons=report_service.reopen_reasons(report) if coordinates else [])


@bp.route("/reports/<int:report_id>/due", methods=["GET", "POST"])
@access(Action.MANAGE_CBM, load=REPORT)
def report_due(report: CbmAnnualReport) -> ResponseReturnValue:
    """Set the day the report is due (by the end of that day in Astana)."""
    _draft(report)
    form = DueForm() if request.method == "POST" else DueForm(data={"due_day": due_day_of(report.due_at)})
    if form.validate_on_submit():
        try:
            report_service.set_due(current_user, report, form.due_day.data)
        except StateConflict as error:
            _conflict(error)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The report is now due by the end of %(day)s, Astana time; the reminders have moved with it.",
                    day=local_date(form.due_day.data)), "success")
            return _report_page(report)
    return render_template("cbm/report_due.html", form=form, report=report,
                           default=report_service.default_due(report.year))


@bp.route("/reports/<int:report_id>/summary", methods=["GET", "POST"])
@access(Action.COORDINATE_CBM_AREA, load=REPORT)
def report_summary(report: CbmAnnualReport) -> ResponseReturnValue:
    _draft(report)
    form = SummaryForm() if request.method == "POST" else SummaryForm(
        data={"summary_en": report.summary_en, "summary_ru": report.summary_ru})
    if form.validate_on_submit():
        try:
            report_service.update_summary(current_user, report, form.summary_en.data, form.summary_ru.data)
        except StateConflict as error:
            _conflict(error)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The summary has been saved."), "success")
            return _report_page(report)
    return render_template("cbm/report_summary.html", form=form, report=report)


@bp.route("/reports/<int:report_id>/submit", methods=["GET", "POST"])
@access(Action.COORDINATE_CBM_AREA, load=REPORT)
def report_submit(report: CbmAnnualReport) -> ResponseReturnValue:
    """Submit the report to the Secretariat: it is locked from then on. Asked first
    (core/confirm.py): what is reported and what is not, and that it locks."""
    _draft(report)
    if not confirmed():
        lines = report_service.report_lines(report)
        missing = sum(1 for line in lines if line.report is None)
        explanation = [_("Once submitted, the report is locked: only the Secretariat can reopen it for a "
                         "correction.")]
        if missing:
            explanation.append(ngettext("%(num)d activity of the year is not reported yet.",
                                        "%(num)d activities of the year are not reported yet.", missing))
        return confirmation_page(
            _("Submit the implementation report for %(year)d to the Secretariat?", year=report.year), explanation,
            url_for("cbm.report_submit", report_id=report.id), _("Yes, submit the report"),
            url_for("cbm.annual_report", report_id=report.id))
    try:
        report_service.submit_report(current_user, report)
    except RuleViolations as error:
        _conflict(error)
    flash(_("The report has been submitted. It is locked now: for a correction, ask the Secretariat to reopen it."),
          "success")
    return _report_page(report)


@bp.route("/reports/<int:report_id>/publish", methods=["POST"])
@access(Action.MANAGE_CBM, load=REPORT)
def report_publish(report: CbmAnnualReport) -> ResponseReturnValue:
    """Publish a submitted report: observers may read it from then on."""
    try:
        report_service.publish_report(current_user, report)
    except RuleViolations as error:
        _conflict(error)
    flash(_("The report has been published."), "success")
    return _report_page(report)


@bp.route("/reports/<int:report_id>/reopen", methods=["GET", "POST"])
@access(Action.MANAGE_CBM, load=REPORT)
def report_reopen(report: CbmAnnualReport) -> ResponseReturnValue:
    """Put a submitted or published report back to draft, with the reason (recorded)."""
    if report.status == ReportStatus.DRAFT:
        abort(409, description=_("This report is a draft: there is nothing to reopen."))
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            report_service.reopen_report(current_user, report, form.reason.data or "")
        except StateConflict as error:
            _conflict(error)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The report is a draft again; the coordinators can correct and submit it."), "success")
            return _report_page(report)
    return render_template("cbm/report_reopen.html", form=form, report=report)


# What happened at each activity ---------------------------------------------------------------

def _activity_of(report: CbmAnnualReport, activity_id: int) -> CbmActivity:
    activity = report_activity(report, activity_id)
    if activity is None:
        abort(404)
    return activity


@bp.route("/reports/<int:report_id>/activities/<int:activity_id>", methods=["GET", "POST"])
@access(Action.COORDINATE_CBM_AREA, load=REPORT)
def activity_report(report: CbmAnnualReport, activity_id: int) -> ResponseReturnValue:
    """Write (or correct) what happened at one activity of a draft report."""
    _draft(report)
    activity = _activity_of(report, activity_id)
    existing = report_service.reported_in(report, activity)
    form = ActivityReportForm() if request.method == "POST" else ActivityReportForm(
        data=activity_report_initial(existing, activity))
    form.fill_choices(current_language(), report_service.member_states_in_year(report.year),
                      existing.participating_states if existing else [])
    if form.validate_on_submit():
        try:
            report_service.save_activity_report(current_user, report, activity, form.to_data())
        except StateConflict as error:
            _conflict(error)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("What happened at %(title)s has been recorded.", title=activity.title(current_language())),
                  "success")
            return _report_page(report)
    return render_template("cbm/activity_report_form.html", form=form, report=report, activity=activity,
                           row=existing)


@bp.route("/activity-reports/<int:row_id>/delete", methods=["POST"])
@access(Action.COORDINATE_CBM_AREA, load=ACTIVITY_REPORT)
def activity_report_delete(row: CbmActivityReport) -> ResponseReturnValue:
    report = _draft(row.annual_report)
    try:
        report_service.delete_activity_report(current_user, row)
    except RuleViolations as error:
        _conflict(error)
    flash(_("The activity report has been withdrawn from the draft."), "success")
    return _report_page(report)


@bp.route("/activity-reports/<int:row_id>/attachments/new", methods=["GET", "POST"])
@access(Action.COORDINATE_CBM_AREA, load=ACTIVITY_REPORT)
def attachment_new(row: CbmActivityReport) -> ResponseReturnValue:
    """Attach a file (programme, list of participants, photographs) to an activity report."""
    _draft(row.annual_report)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload = form.file.data
        stream = upload.stream if upload is not None and getattr(upload, "filename", None) else None
        try:
            attachment = attachment_service.add_attachment(current_user, row, stream,
                                                       getattr(upload, "filename", None))
        except StateConflict as error:
            _conflict(error)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("%(name)s has been attached.", name=attachment.filename), "success")
            return redirect(url_for("cbm.activity_report", report_id=row.annual_report_id,
                                    activity_id=row.activity_id))
    return render_template("cbm/report_attachment.html", form=form, row=row, report=row.annual_report)


@bp.route("/attachments/<int:attachment_id>/delete", methods=["POST"])
@access(Action.COORDINATE_CBM_AREA, load=ATTACHMENT)
def attachment_delete(attachment: CbmAttachment) -> ResponseReturnValue:
    row = attachment.activity_report
    _draft(row.annual_report)
    name = attachment.filename
    try:
        attachment_service.delete_attachment(current_user, attachment)
    except RuleViolations as error:
        _conflict(error)
    flash(_("%(name)s has been removed.", name=name), "success")
    return redirect(url_for("cbm.activity_report", report_id=row.annual_report_id, activity_id=row.activity_id))


@bp.route("/attachments/<int:attachment_id>")
@access(Action.READ_CBM_REPORT, load=ATTACHMENT)
def attachment_download(attachment: CbmAttachment) -> ResponseReturnValue:
    """The file, to whoever may read the report (checked on every request), as an attachment."""
    return send_attachment(attachment)


def send_attachment(attachment: CbmAttachment) -> Response:
    """The attachment's file as the page sends it (the API's download too); 404 when the store lost it."""
    path = stored_path(attachment.file_sha256, "CBM attachment", attachment.id)
    if path is None:
        abort(404, _("The file is missing from the archive. The Secretariat has been told; please try again "
                     "later or contact the Secretariat."))
    return send_stored(path, attachment.file_sha256, attachment.file.content_type, attachment.filename)
