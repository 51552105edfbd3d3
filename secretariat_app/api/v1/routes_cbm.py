"""A CBM coordinator's work through the API (the `report` scope): the areas they coordinate,
an area's action plans with their activities and its annual reports, planning, changing and
removing an activity, opening a year's report, its summary, what happened at each activity
with the files attached to it, and submitting the report.

The pages' rule (permissions.cbm, COORDINATE_CBM_AREA: a coordinator of the area, whose
state coordinates it that day; the loaders of cbm.web hide what the reader may not read,
404) and the pages' services (cbm.services), which write the audit entries. As on the
pages, a step the record's state does not allow (a locked report, a reported activity, a
superseded plan, a report that exists) is a 409; any other broken rule a 422 (a file the
store refuses: the upload page's message under `file`; a body past MAX_CONTENT_LENGTH: 413).
Reading here is the coordinator's too, as writing is: an attachment's file is sent as the
report page sends it (cbm.web.routes_reports.send_attachment), but only to the area's
coordinators (the page's download is any reader's of the report: not a `report` token's)."""
from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any, BinaryIO, NoReturn, TypeVar, cast

from flask import abort, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from secretariat_app.api.authentication import requires_scope
from secretariat_app.api.schemas.cbm import (
    ActivityIn,
    ActivityOut,
    ActivityReportIn,
    ActivityReportOut,
    AreaDetail,
    AreaList,
    AreaOut,
    AttachmentIn,
    AttachmentList,
    AttachmentOut,
    PlanOut,
    ReportDetail,
    ReportLineOut,
    ReportOpenIn,
    ReportOut,
    SummaryIn,
)
from secretariat_app.api.v1 import bp
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
from secretariat_app.cbm.services.reports import ActivityReportData
from secretariat_app.cbm.web.loaders import ACTIVITY, ACTIVITY_REPORT, AREA, ATTACHMENT, PLAN, REPORT, report_activity
from secretariat_app.cbm.web.routes_reports import send_attachment
from secretariat_app.domain.cbm_reports import StateConflict, locked_violation
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.permissions import Action, Audience, access
from secretariat_app.permissions.cbm import coordinated_area_ids, report_of
from secretariat_app.permissions.tokens import Scope

INVALID = [409, 422]
REMOVED = {204: "Removed.", 409: "Conflict"}
FILE_RESPONSE: dict[int | str, dict[str, Any]] = {200: {
    "description": "The file, as uploaded; its SHA-256 in ETag.",
    "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}}}
View = TypeVar("View", bound=Callable[..., Any])


def _conflict(error: RuleViolations) -> NoReturn:
    abort(409, description=" ".join(v.render(_) for v in error.violations))


def _superseded(plan: CbmPaper) -> str | None:
    return _("This action plan has been superseded: its activities are kept as they were. "
             "Plan activities on the action plan in force.") if plan.status == PaperStatus.SUPERSEDED else None


def _reported(activity: CbmActivity) -> str | None:
    return _("The implementation of this activity has been reported: the activity stays as it was "
             "planned.") if activity.report is not None else None


def _locked(part: CbmAnnualReport | CbmActivityReport | CbmAttachment) -> str | None:
    """The page's words for a report (of which `part` is a report, an activity's report, an attachment) that is
    no longer a draft."""
    return locked_violation().render(_) if report_of(part).status != ReportStatus.DRAFT else None


def _as_on_the_page(refusal: Callable[[Any], str | None] | None = None,
                    conflicts: type[RuleViolations] = StateConflict) -> Callable[[View], View]:
    """What every writing operation here shares, after @access has loaded its record (the view's
    first parameter) and checked the rule: a record whose state does not allow the step (`refusal`
    gives the page's words) is a 409, and so is a service's refusal of that kind (`conflicts`); any
    other broken rule stays a 422 (errors.py)."""
    def decorate(view: View) -> View:
        record_name = next(iter(inspect.signature(view).parameters))

        @wraps(view)
        def guarded(**kwargs: Any) -> Any:
            message = refusal(kwargs[record_name]) if refusal is not None else None
            if message:
                abort(409, description=message)
            try:
                return view(**kwargs)
            except conflicts as error:
                _conflict(error)
        return cast(View, guarded)
    return decorate


def _area(area: CbmArea) -> dict:
    return dict(id=area.id, code=area.code, name_en=area.name_en, name_ru=area.name_ru)


def _activity(activity: CbmActivity) -> ActivityOut:
    return ActivityOut(id=activity.id, action_plan_id=activity.action_plan_id, title_en=activity.title_en,
                       title_ru=activity.title_ru, activity_type=activity.activity_type,
                       planned_start=activity.planned_start, planned_end=activity.planned_end, venue=activity.venue,
                       host_state_id=activity.host_state_id, responsible_state_id=activity.responsible_state_id,
                       reported=activity.report is not None)


def _report(report: CbmAnnualReport) -> dict:
    return dict(id=report.id, area_id=report.area_id, year=report.year, status=report.status, due_at=report.due_at,
                submitted_at=report.submitted_at)


def _data(data: ActivityIn) -> activity_service.ActivityData:
    return activity_service.ActivityData(**data.model_dump())


@bp.get("/cbm/areas")
@bp.output(AreaList)
@bp.doc(summary="My CBM areas", operation_id="listCbmAreas", tags=["CBM"])
@access(Audience.DELEGATE)
@requires_scope(Scope.REPORT)
def cbm_areas() -> AreaList:
    """The areas the token's owner coordinates today."""
    ids = sorted(coordinated_area_ids(current_user))
    areas = db.session.scalars(select(CbmArea).where(CbmArea.id.in_(ids)).order_by(CbmArea.position, CbmArea.id))
    return AreaList(items=[AreaOut(**_area(a)) for a in areas])


@bp.get("/cbm/areas/<int:area_id>")
@bp.output(AreaDetail)
@bp.doc(summary="A CBM area's plans, activities and reports", operation_id="getCbmArea", tags=["CBM"])
@access(Action.COORDINATE_CBM_AREA, load=AREA)
@requires_scope(Scope.REPORT)
def cbm_area(area: CbmArea) -> AreaDetail:
    """The area's action plans with their activities, and its annual reports, as the area's page shows them."""
    section = report_service.area_section(current_user, area)
    return AreaDetail(
        **_area(area), proposed_year=section.proposed_year,
        plans=[PlanOut(id=p.id, status=p.status, period_start=p.period_start, period_end=p.period_end,
                       activities=[_activity(a) for a in p.activities]) for p in section.plans],
        reports=[ReportOut(**_report(r)) for r in section.reports])


@bp.post("/cbm/plans/<int:plan_id>/activities")
@bp.input(ActivityIn, location="json", arg_name="data")
@bp.output(ActivityOut, status_code=201)
@bp.doc(summary="Plan an activity", operation_id="createCbmActivity", tags=["CBM"], responses=INVALID)
@access(Action.COORDINATE_CBM_AREA, load=PLAN)
@requires_scope(Scope.REPORT)
@_as_on_the_page(_superseded)
def cbm_activity_create(plan: CbmPaper, data: ActivityIn) -> ActivityOut:
    """Plan an activity on an action plan of the area, within its period."""
    return _activity(activity_service.create_activity(current_user, plan, _data(data)))


@bp.put("/cbm/activities/<int:activity_id>")
@bp.input(ActivityIn, location="json", arg_name="data")
@bp.output(ActivityOut)
@bp.doc(summary="Change a planned activity", operation_id="updateCbmActivity", tags=["CBM"], responses=INVALID)
@access(Action.COORDINATE_CBM_AREA, load=ACTIVITY)
@requires_scope(Scope.REPORT)
@_as_on_the_page(_reported)
def cbm_activity_update(activity: CbmActivity, data: ActivityIn) -> ActivityOut:
    """Change a planned activity, until its implementation is reported."""
    return _activity(activity_service.update_activity(current_user, activity, _data(data)))


@bp.delete("/cbm/activities/<int:activity_id>")
@bp.doc(summary="Remove a planned activity", operation_id="deleteCbmActivity", tags=["CBM"], responses=REMOVED)
@access(Action.COORDINATE_CBM_AREA, load=ACTIVITY)
@requires_scope(Scope.REPORT)
@_as_on_the_page(conflicts=RuleViolations)  # as on the page: whatever stops the removal is a conflict
def cbm_activity_delete(activity: CbmActivity) -> ResponseReturnValue:
    """Remove a planned activity, until its implementation is reported (not from a superseded plan)."""
    activity_service.delete_activity(current_user, activity)
    return "", 204


@bp.post("/cbm/areas/<int:area_id>/reports")
@bp.input(ReportOpenIn, location="json", arg_name="data")
@bp.output(ReportOut, status_code=201)
@bp.doc(summary="Open a year's annual report", operation_id="openCbmReport", tags=["CBM"], responses=INVALID)
@access(Action.COORDINATE_CBM_AREA, load=AREA)
@requires_scope(Scope.REPORT)
@_as_on_the_page()
def cbm_report_open(area: CbmArea, data: ReportOpenIn) -> ReportOut:
    """Open the area's annual report for a year an approved action plan covers (blank: the year proposed)."""
    year = data.year if data.year is not None else report_service.area_section(current_user, area).proposed_year
    return ReportOut(**_report(report_service.open_report(current_user, area, year)))


def _report_detail(report: CbmAnnualReport) -> ReportDetail:
    lines = [ReportLineOut(activity_id=line.activity.id, state=line.state.value,
                           activity_report_id=line.report.id if line.report else None,
                           held_on=line.report.held_on if line.report else None,
                           participant_count=line.report.participant_count if line.report else None,
                           outcome_en=line.report.outcome_en if line.report else None,
                           outcome_ru=line.report.outcome_ru if line.report else None)
             for line in report_service.report_lines(report)]
    return ReportDetail(**_report(report), summary_en=report.summary_en, summary_ru=report.summary_ru, lines=lines)


@bp.get("/cbm/reports/<int:report_id>")
@bp.output(ReportDetail)
@bp.doc(summary="An annual report", operation_id="getCbmReport", tags=["CBM"])
@access(Action.COORDINATE_CBM_AREA, load=REPORT)
@requires_scope(Scope.REPORT)
def cbm_report(report: CbmAnnualReport) -> ReportDetail:
    """The report with its summary, and each activity of its year with what was reported of it."""
    return _report_detail(report)


@bp.put("/cbm/reports/<int:report_id>/summary")
@bp.input(SummaryIn, location="json", arg_name="data")
@bp.output(ReportDetail)
@bp.doc(summary="An annual report's summary", operation_id="updateCbmReportSummary", tags=["CBM"],
        responses=INVALID)
@access(Action.COORDINATE_CBM_AREA, load=REPORT)
@requires_scope(Scope.REPORT)
@_as_on_the_page(_locked)
def cbm_report_summary(report: CbmAnnualReport, data: SummaryIn) -> ReportDetail:
    """The report's overall summary in English and/or Russian, while it is a draft."""
    report_service.update_summary(current_user, report, data.summary_en, data.summary_ru)
    return _report_detail(report)


@bp.post("/cbm/reports/<int:report_id>/submission")
@bp.output(ReportDetail)
@bp.doc(summary="Submit an annual report", operation_id="submitCbmReport", tags=["CBM"], responses=[409])
@access(Action.COORDINATE_CBM_AREA, load=REPORT)
@requires_scope(Scope.REPORT)
@_as_on_the_page(_locked, conflicts=RuleViolations)  # as on the page: whatever stops a submission is a conflict
def cbm_report_submit(report: CbmAnnualReport) -> ReportDetail:
    """Submit the report to the Secretariat: it is locked from then on (only the Secretariat can reopen it)."""
    report_service.submit_report(current_user, report)
    return _report_detail(report)


# What happened at each activity, and its attachments -----------------------------------------

def _attachment(attachment: CbmAttachment) -> AttachmentOut:
    return AttachmentOut(id=attachment.id, activity_report_id=attachment.activity_report_id,
                         filename=attachment.filename, content_type=attachment.file.content_type, size=attachment.size,
                         sha256=attachment.file_sha256, uploaded_at=attachment.uploaded_at,
                         download_url=url_for("api.cbm_attachment_file", attachment_id=attachment.id))


def _activity_report(row: CbmActivityReport) -> ActivityReportOut:
    return ActivityReportOut(id=row.id, activity_id=row.activity_id, annual_report_id=row.annual_report_id,
                             held_on=row.held_on, held_until=row.held_until, venue=row.venue,
                             participating_states=[state.id for state in row.participating_states],
                             participant_count=row.participant_count, outcome_en=row.outcome_en,
                             outcome_ru=row.outcome_ru, updated_at=row.updated_at,
                             attachments=[_attachment(a) for a in row.attachments])


def _report_activity(report: CbmAnnualReport, activity_id: int) -> CbmActivity:
    activity = report_activity(report, activity_id)
    if activity is None:
        abort(404)
    return activity


@bp.get("/cbm/reports/<int:report_id>/activities/<int:activity_id>")
@bp.output(ActivityReportOut)
@bp.doc(summary="What happened at an activity", operation_id="getCbmActivityReport", tags=["CBM"])
@access(Action.COORDINATE_CBM_AREA, load=REPORT)
@requires_scope(Scope.REPORT)
def cbm_activity_report(report: CbmAnnualReport, activity_id: int) -> ActivityReportOut:
    """What the report records of one activity of the area, with its attachments (404 until it is reported)."""
    row = report_service.reported_in(report, _report_activity(report, activity_id))
    if row is None:
        abort(404, _("The implementation of this activity is not reported in this annual report."))
    return _activity_report(row)


@bp.put("/cbm/reports/<int:report_id>/activities/<int:activity_id>")
@bp.input(ActivityReportIn, location="json", arg_name="data")
@bp.output(ActivityReportOut)
@bp.doc(summary="Report what happened at an activity", operation_id="saveCbmActivityReport", tags=["CBM"],
        responses=INVALID)
@access(Action.COORDINATE_CBM_AREA, load=REPORT)
@requires_scope(Scope.REPORT)
@_as_on_the_page(_locked)
def cbm_activity_report_save(report: CbmAnnualReport, activity_id: int, data: ActivityReportIn) -> ActivityReportOut:
    """Write (or correct) what happened at one activity of the area, while the report is a draft."""
    activity = _report_activity(report, activity_id)
    values = data.model_dump()
    values["participating_state_ids"] = values.pop("participating_states")
    return _activity_report(report_service.save_activity_report(current_user, report, activity,
                                                                ActivityReportData(**values)))


@bp.delete("/cbm/activity-reports/<int:row_id>")
@bp.doc(summary="Withdraw what was reported of an activity", operation_id="deleteCbmActivityReport", tags=["CBM"],
        responses=REMOVED)
@access(Action.COORDINATE_CBM_AREA, load=ACTIVITY_REPORT)
@requires_scope(Scope.REPORT)
@_as_on_the_page(_locked, conflicts=RuleViolations)  # as on the page: whatever stops it is a conflict
def cbm_activity_report_delete(row: CbmActivityReport) -> ResponseReturnValue:
    """Withdraw an activity's implementation report, with its attachments, from a draft report."""
    report_service.delete_activity_report(current_user, row)
    return "", 204


@bp.get("/cbm/activity-reports/<int:row_id>/attachments")
@bp.output(AttachmentList)
@bp.doc(summary="The files attached to what happened at an activity", operation_id="listCbmAttachments",
        tags=["CBM"])
@access(Action.COORDINATE_CBM_AREA, load=ACTIVITY_REPORT)
@requires_scope(Scope.REPORT)
def cbm_attachments(row: CbmActivityReport) -> AttachmentList:
    """The files attached to an activity's implementation report, in the order they were attached."""
    return AttachmentList(items=[_attachment(a) for a in row.attachments])


@bp.post("/cbm/activity-reports/<int:row_id>/attachments")
@bp.input(AttachmentIn, location="form_and_files", arg_name="data")
@bp.output(AttachmentOut, status_code=201)
@bp.doc(summary="Attach a file", operation_id="createCbmAttachment", tags=["CBM"], responses=INVALID)
@access(Action.COORDINATE_CBM_AREA, load=ACTIVITY_REPORT)
@requires_scope(Scope.REPORT)
@_as_on_the_page(_locked)
def cbm_attachment_upload(row: CbmActivityReport, data: AttachmentIn) -> AttachmentOut:
    """Attach a file (programme, list of participants, photographs) to an activity's implementation report,
    while the report is a draft. Its type is told by its content, as on the upload page."""
    upload = data.file
    stream = cast(BinaryIO, upload.stream) if upload is not None else None
    return _attachment(attachment_service.add_attachment(current_user, row, stream,
                                                         upload.filename if upload is not None else None))


@bp.get("/cbm/attachments/<int:attachment_id>/file")
@bp.doc(summary="An attachment's file", operation_id="getCbmAttachmentFile", tags=["CBM"], responses=FILE_RESPONSE)
@access(Action.COORDINATE_CBM_AREA, load=ATTACHMENT)
@requires_scope(Scope.REPORT)
def cbm_attachment_file(attachment: CbmAttachment) -> ResponseReturnValue:
    """The attached file, as the report's page sends it."""
    return send_attachment(attachment)


@bp.delete("/cbm/attachments/<int:attachment_id>")
@bp.doc(summary="Remove an attachment", operation_id="deleteCbmAttachment", tags=["CBM"], responses=REMOVED)
@access(Action.COORDINATE_CBM_AREA, load=ATTACHMENT)
@requires_scope(Scope.REPORT)
@_as_on_the_page(_locked, conflicts=RuleViolations)  # as on the page: whatever stops it is a conflict
def cbm_attachment_delete(attachment: CbmAttachment) -> ResponseReturnValue:
    """Remove a file attached to an activity's implementation report, while the report is a draft."""
    attachment_service.delete_attachment(current_user, attachment)
    return "", 204
