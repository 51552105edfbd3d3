"""The demo CBM content of `make run`: the Kazakh delegate coordinates an area
with approved papers and a due report, the overview shows several states, and
seeding again adds nothing."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.services.reference_data import load_reference_data
from secretariat_app.cbm.models import (
    CbmAnnualReport,
    CbmArea,
    CbmCoordinator,
    CbmPaper,
    CoordinatorRole,
    PaperStatus,
    ReportStatus,
)
from secretariat_app.cbm.services import catalogue as cbm_catalogue
from secretariat_app.cbm.services import notices as cbm_notices
from secretariat_app.cbm.services import reports as cbm_reports
from secretariat_app.cbm.services.overview import (
    ReaderScope,
    YearRange,
    overview_matrix,
)
from secretariat_app.demo import accounts as demo
from secretariat_app.demo import content as demo_content
from secretariat_app.demo import seed as seeding
from secretariat_app.domain.cbm_status import ActivityState
from secretariat_app.extensions import db
from secretariat_app.permissions import is_coordinator_of
from tests.forum_day import SUITE_DAY

pytestmark = pytest.mark.usefixtures("steady_forum_day")

TODAY = SUITE_DAY


def seed_demo() -> None:
    """What `flask seed` does for the demo, without the recorded history."""
    seeding.seed(with_history=False)


def row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def area(code: str) -> CbmArea:
    return db.session.scalar(select(CbmArea).where(CbmArea.code == code))


@pytest.fixture
def seeded(app_ctx):
    seed_demo()
    db.session.expire_all()


def test_the_kazakh_delegate_coordinates_an_area_appointed_by_an_soc_decision(seeded):
    kaz, energy = user(demo_content.KAZ_COORDINATOR), area(demo_content.KAZ_AREA)
    assert is_coordinator_of(kaz, energy.id)
    assert not is_coordinator_of(kaz, area(demo_content.RUS_AREA).id)
    assert not is_coordinator_of(user("delegate.jpn@cica.example"), energy.id)
    (appointment,) = cbm_catalogue.current_coordinators(energy.id)
    assert appointment.state.code == "KAZ" and appointment.role == CoordinatorRole.COORDINATOR
    assert appointment.decision.body.code == "SOC" and appointment.decision.adopted_on < TODAY
    assert "энергетическую безопасность" in appointment.decision.text_ru  # a Russian reader reads it too
    roles = {c.state.code: c.role for c in cbm_catalogue.current_coordinators(area(demo_content.RUS_AREA).id)}
    assert roles == {"RUS": CoordinatorRole.COORDINATOR, "TJK": CoordinatorRole.CO_COORDINATOR}
    assert demo_content.demo_coordinators()[demo_content.KAZ_COORDINATOR] == [energy.name_en]


def test_approved_papers_and_this_years_report_with_one_activity_reported(seeded):
    energy = area(demo_content.KAZ_AREA)
    papers = db.session.scalars(select(CbmPaper).where(CbmPaper.area_id == energy.id)).all()
    assert sorted(p.kind.value for p in papers) == ["action_plan", "concept_paper"]
    assert all(p.status == PaperStatus.APPROVED and p.approval_decision.body.code == "SOC" for p in papers)
    report = cbm_reports.find_report(energy.id, TODAY.year)
    assert report.status == ReportStatus.DRAFT and report.due_at > datetime.now(UTC)
    lines = cbm_reports.report_lines(report)
    assert len(lines) == 2 and [line.report is not None for line in lines] == [True, False]
    assert all(line.activity.planned_start.year == TODAY.year for line in lines)
    recipients = {row.recipient.email for row in cbm_notices.pending_rows(report)}
    assert recipients == {demo_content.KAZ_COORDINATOR}  # the deadline notice of the walkthrough
    other = cbm_reports.find_report(area(demo_content.RUS_AREA).id, TODAY.year)
    assert other.status == ReportStatus.SUBMITTED


def test_the_overview_shows_reported_planned_and_missing_cells(seeded):
    years = YearRange(TODAY.year - 1, TODAY.year)
    matrix = overview_matrix(ReaderScope(secretariat=True), years, datetime.now(UTC))
    states = {(row.area.code, cell.year): cell.state
              for block in matrix.dimensions for row in block.areas for cell in row.cells if cell.state}
    assert states[(demo_content.KAZ_AREA, TODAY.year)] == ActivityState.PLANNED
    assert states[(demo_content.RUS_AREA, TODAY.year)] == ActivityState.MISSING
    assert states[(demo_content.RUS_AREA, TODAY.year - 1)] == ActivityState.REPORTED


def test_seeding_twice_adds_nothing(seeded):
    before = row_counts()
    assert before["cbm_paper"] == 4 and before["cbm_annual_report"] == 3
    assert not demo_content.create_cbm_demo()
    assert not demo_content.create_demo_content()
    seed_demo()
    db.session.expire_all()
    assert row_counts() == before


def test_no_demo_over_real_appointments(app_ctx):
    load_reference_data()
    cbm_catalogue.load_catalogue()
    demo.create_demo_users()
    first = area("smes")
    db.session.add(CbmCoordinator(area_id=first.id, state_id=user("delegate.kaz@cica.example").delegation.state_id,
                                  role=CoordinatorRole.COORDINATOR, term_start=date(2020, 1, 1)))
    db.session.commit()
    assert not demo_content.create_cbm_demo()
    assert db.session.scalar(select(func.count(CbmAnnualReport.id))) == 0


def test_the_seed_command_lists_the_coordinator_logins(app):
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "Demo CBM content: created" in result.output
    line = next(line for line in result.output.splitlines() if demo_content.KAZ_COORDINATOR in line)
    assert "CBM coordinator: Energy security" in line
    again = app.test_cli_runner().invoke(args=["seed"])
    assert again.exit_code == 0 and "Demo CBM content: created" not in again.output
    assert "CBM coordinator: Energy security" in again.output
