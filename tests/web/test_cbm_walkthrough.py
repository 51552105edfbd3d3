"""The issue's walkthrough, through the pages, as a coordinator and an officer:
a concept paper and an action plan submitted, reviewed and approved; two
activities planned, one reported, the other's deadline missed. The overview
shows one reported and one late, the chaser arrives once, and the CSV export
says the same as the data."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from secretariat_app.cbm.models import (
    CbmActivity,
    CbmAnnualReport,
    CbmPaper,
    PaperKind,
    PaperStatus,
)
from secretariat_app.cbm.services import notices as cbm_notices
from secretariat_app.extensions import db
from tests import cbm_builders as build
from tests.conftest import log_in, post_form
from tests.documents_helpers import body
from tests.documents_setup import PDF
from tests.factories import officer
from tests.forum_day import SUITE_DAY
from tests.services.test_cbm_catalogue import soc_decision
from tests.services.test_cbm_notices import CHASE, DUE, send_due

pytestmark = pytest.mark.usefixtures("steady_forum_day")


def browser(app, user):
    client = app.test_client()
    log_in(client, user.email)
    return client


def paper_through_approval(coordinator, officer_, member, area_id: int, kind: str, reference: str,
                           **fields) -> CbmPaper:
    """Draft, a file, submission, SWG review with a member's comment, SOC approval."""
    created = post_form(coordinator, f"/cbm/areas/{area_id}/papers/new",
                        {"kind": kind, "title_en": f"{kind} of the area", "title_ru": "", **fields})
    assert created.status_code == 302, created.get_data(as_text=True)
    url = created.headers["Location"].removeprefix("http://localhost")
    paper = db.session.get(CbmPaper, int(url.rsplit("/", 1)[1]))
    upload = post_form(coordinator, f"{url}/upload", {"language": "en", "other_language": "",
                                                      "file": (io.BytesIO(PDF), f"{kind}.pdf")},
                       content_type="multipart/form-data")
    assert upload.status_code == 302
    assert post_form(coordinator, f"{url}/submit", {}, page=url).status_code == 302
    assert post_form(officer_, f"{url}/review", {}, page=url).status_code == 302
    assert post_form(member, f"{url}/comments", {"text": "Supported."}).status_code == 302
    decision = soc_decision(reference, adopted_on=SUITE_DAY)
    assert post_form(officer_, f"{url}/approve", {"decision_id": str(decision.id)}).status_code == 302
    db.session.expire_all()
    paper = db.session.get(CbmPaper, paper.id)
    assert paper.status == PaperStatus.APPROVED and paper.approval_decision_id == decision.id
    return paper


def activity_fields(title: str, start: str, end: str, state_id: int) -> dict:
    return {"title_en": title, "title_ru": "", "activity_type": "workshop", "planned_start": start,
            "planned_end": end, "venue": "Astana", "host_state": "", "responsible_state": str(state_id)}


def test_a_coordinators_year_from_concept_paper_to_the_chaser(app_ctx, outbox):
    app = app_ctx
    body("SWG"), body("SOC")
    area = build.area("smes")
    coordinator_user = build.coordinator_user(area)
    state_id = coordinator_user.delegation.state_id
    users = (coordinator_user, officer(), build.member_delegate())

    with freeze_time("2026-02-02 06:00:00"):  # each block logs in at its own time
        coordinator, officer_, member = (browser(app, u) for u in users)
        concept = paper_through_approval(coordinator, officer_, member, area.id, "concept_paper", "SOC/2026/DEC/1")
        plan = paper_through_approval(coordinator, officer_, member, area.id, "action_plan", "SOC/2026/DEC/2",
                                      period_start="2026-01-01", period_end="2027-12-31")
        assert (concept.kind, plan.kind) == (PaperKind.CONCEPT_PAPER, PaperKind.ACTION_PLAN)

        new_activity = f"/cbm/plans/{plan.id}/activities/new"
        for title, start, end in (("SME forum", "2026-05-10", "2026-05-11"),
                                  ("SME workshop", "2026-09-14", "2026-09-15")):
            assert post_form(coordinator, new_activity, activity_fields(title, start, end, state_id)).status_code == 302
        forum, workshop = db.session.scalars(select(CbmActivity).order_by(CbmActivity.planned_start)).all()

        opened = post_form(coordinator, f"/cbm/areas/{area.id}/reports/new", {"year": "2026"})
        assert opened.status_code == 302
        report = db.session.scalar(select(CbmAnnualReport))
        assert report.due_at == DUE  # the default: the end of 15 November in Astana (no December SOC)

    with freeze_time("2026-05-20 06:00:00"):
        coordinator = browser(app, coordinator_user)
        held = post_form(coordinator, f"/cbm/reports/{report.id}/activities/{forum.id}", {
            "held_on": "2026-05-10", "held_until": "2026-05-11", "venue": "Astana",
            "participating_states": [str(state_id)], "participant_count": "42",
            "outcome_en": "Forum held; a network of SME agencies agreed.", "outcome_ru": ""})
        assert held.status_code == 302

    # The reminders go out; the workshop is never reported and the report never
    # submitted; beat and the dispatcher keep running after the due time.
    for instant in (DUE - timedelta(days=30), DUE - timedelta(days=7)):
        send_due(instant + timedelta(minutes=1))
    for minutes in (5, 20, 35, 24 * 60):
        with freeze_time(CHASE + timedelta(minutes=minutes)):
            cbm_notices.sync_all()
        send_due(CHASE + timedelta(minutes=minutes))
    to_coordinator = [m["Subject"] for m in outbox if m["To"] == coordinator_user.email]
    assert len([s for s in to_coordinator if "overdue" in s]) == 1, to_coordinator
    assert len([s for s in to_coordinator if "due in" in s]) == 2, to_coordinator

    with freeze_time(CHASE + timedelta(days=2)):
        officer_ = browser(app, users[1])
        page = officer_.get("/cbm/overview?from_year=2026&to_year=2026").get_data(as_text=True)
        row = re.search(rf'<tr class="cbm-area-row" data-area="{area.id}">(.*?)</tr>', page, re.S).group(1)
        cell = re.search(r'data-year="2026" data-state="(\w+)">(.*?)</td>', row, re.S)
        assert cell.group(1) == "late"  # the most pressing of the year's activities
        counts = re.sub(r"\s+", " ", re.search(r'class="cbm-counts">(.*?)</small>', cell.group(2)).group(1))
        assert "1 reported" in counts and "1 late" in counts

        export = officer_.get("/cbm/export/activities.csv?from_year=2026&to_year=2026")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(export.get_data().decode("utf-8-sig"))))
    mine = {r["Activity (English)"]: r for r in rows if r["Priority area"] == area.name_en}
    assert set(mine) == {"SME forum", "SME workshop"}
    assert mine["SME forum"]["Status"].lower() == "reported" and mine["SME workshop"]["Status"].lower() == "late"
    assert mine["SME forum"]["Participants"] == "42" and mine["SME workshop"]["Participants"] == ""
    assert mine["SME forum"]["Action plan"] == plan.document.symbol
    assert workshop.report is None and forum.report.participant_count == 42
