"""How the CBM pages (and the API's CBM operations) find the object a URL names, for
@access(..., load=...): each hides (404) what the reader may not read, as if it did
not exist; and the activity named after a report, which must be of the report's area."""
from __future__ import annotations

from secretariat_app.cbm.models import (
    CbmActivity,
    CbmActivityReport,
    CbmAnnualReport,
    CbmArea,
    CbmAttachment,
    CbmPaper,
    PaperKind,
)
from secretariat_app.cbm.services import papers as paper_service
from secretariat_app.extensions import db
from secretariat_app.permissions import Action, Load


def _action_plan(plan_id: int) -> CbmPaper | None:
    plan = db.session.get(CbmPaper, plan_id)
    return plan if plan is not None and plan.kind == PaperKind.ACTION_PLAN else None


def _planned_activity(activity_id: int) -> CbmActivity | None:
    activity = db.session.get(CbmActivity, activity_id)
    return activity if activity is not None and _action_plan(activity.action_plan_id) is not None else None


def report_activity(report: CbmAnnualReport, activity_id: int) -> CbmActivity | None:
    """The activity a report's address names after the report: one of the report's area (None otherwise: 404)."""
    activity = db.session.get(CbmActivity, activity_id)
    return activity if activity is not None and activity.action_plan.area_id == report.area_id else None


AREA = Load("area_id", "area", lambda area_id: db.session.get(CbmArea, area_id))
PAPER = Load("paper_id", "paper", paper_service.load_paper, see=Action.READ_CBM_PAPER)
PLAN = Load("plan_id", "plan", _action_plan, see=Action.READ_CBM_PAPER)
ACTIVITY = Load("activity_id", "activity", _planned_activity, see=Action.READ_CBM_PAPER)
REPORT = Load("report_id", "report", lambda report_id: db.session.get(CbmAnnualReport, report_id),
              see=Action.READ_CBM_REPORT)
ACTIVITY_REPORT = Load("row_id", "row", lambda row_id: db.session.get(CbmActivityReport, row_id),
                       see=Action.READ_CBM_REPORT)
ATTACHMENT = Load("attachment_id", "attachment", lambda attachment_id: db.session.get(CbmAttachment, attachment_id),
                  see=Action.READ_CBM_REPORT)
