"""Annual implementation reports against the database: opening one for a year
(with its default due time), the reports of activities and their refusals,
attachments, and the state machine (submit, publish, reopen)."""
from __future__ import annotations

import io
import os
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.models.states import MembershipStatus
from secretariat_app.audit.models import AuditEntry
from secretariat_app.cbm.models import (
    CbmActivityReport,
    CbmAnnualReport,
    CbmAttachment,
    PaperStatus,
    ReportStatus,
)
from secretariat_app.cbm.services import attachments
from secretariat_app.cbm.services import reports as service
from secretariat_app.cbm.services.reports import ActivityReportData
from secretariat_app.core.storage import FileStore
from secretariat_app.documents.models import StoredFile
from secretariat_app.documents.services.versions import sweep_files
from secretariat_app.domain.cbm_reports import StateConflict
from secretariat_app.domain.cbm_status import ActivityState
from secretariat_app.domain.cbm_visibility import YearRange
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting, MeetingStatus
from tests import cbm_builders as build
from tests.documents_helpers import body
from tests.factories import reading_in

UTC = UTC
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


@pytest.fixture
def cast(app_ctx):
    return build.cbm_cast()


@pytest.fixture
def store(tmp_path) -> FileStore:
    return FileStore(tmp_path / "files")


def refused(error) -> dict[str, str]:
    return {v.field: v.render() for v in error.value.violations}


def reports() -> int:
    return db.session.scalar(select(func.count(CbmAnnualReport.id)))


def activity_reports() -> int:
    return db.session.scalar(select(func.count(CbmActivityReport.id)))


def audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def soc(starts_at: datetime, zone: str = "Asia/Almaty", status: MeetingStatus = MeetingStatus.PLANNED) -> Meeting:
    meeting = Meeting(body_id=body("SOC").id, title_en="SOC", title_ru="КСДЛ", starts_at=starts_at,
                      ends_at=starts_at + timedelta(hours=8), timezone=zone, status=status)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def held(cast, states=None, **overrides) -> ActivityReportData:
    values = dict(held_on=date(2026, 5, 12), held_until=date(2026, 5, 13), venue="Astana",
                  participating_state_ids=[s.id for s in states] if states is not None
                  else [cast.coordinator.delegation.state_id], participant_count="45",
                  outcome_en="A joint statement was adopted.", outcome_ru="")
    values.update(overrides)
    return ActivityReportData(**values)


# Opening a report and its due time --------------------------------------------------------

def test_a_report_is_opened_for_a_covered_year_due_on_15_november_in_astana(cast):
    report = service.open_report(cast.coordinator, cast.area, 2026)
    assert (report.year, report.status, report.area_id) == (2026, ReportStatus.DRAFT, cast.area.id)
    # The end of 15 November in Astana (UTC+5) is 19:00 UTC that day.
    assert report.due_at == datetime(2026, 11, 15, 19, 0, tzinfo=UTC)
    assert audit("cbm_report.open")[0].actor_id == cast.coordinator.id


def test_the_default_due_day_is_two_weeks_before_the_december_soc_where_it_meets(cast):
    # 1 December, 00:30 in Astana is still 30 November in UTC: the SOC's own day counts.
    soc(datetime(2026, 11, 30, 19, 30, tzinfo=UTC))
    assert service.december_soc_start(2026) == date(2026, 12, 1)
    assert service.december_soc_starts(YearRange(2025, 2027)) == {2026: date(2026, 12, 1)}
    report = service.open_report(cast.officer, cast.area, 2026)
    assert report.due_at == datetime(2026, 11, 17, 19, 0, tzinfo=UTC)


def test_a_cancelled_or_january_soc_does_not_set_the_due_day(cast):
    soc(datetime(2026, 12, 10, 5, 0, tzinfo=UTC), status=MeetingStatus.CANCELLED)
    soc(datetime(2026, 12, 31, 22, 0, tzinfo=UTC))  # 1 January 2027 in Astana
    assert service.december_soc_start(2026) is None
    assert service.default_due(2026) == datetime(2026, 11, 15, 19, 0, tzinfo=UTC)


def test_a_year_without_an_approved_plan_is_refused_and_nothing_saved(cast):
    with pytest.raises(RuleViolations) as error:
        service.open_report(cast.coordinator, cast.area, 2029)
    assert "no approved action plan covering 2029" in refused(error)["year"]
    other = build.area("ict")
    build.paper(other, status=PaperStatus.UNDER_REVIEW)  # not approved yet
    with pytest.raises(RuleViolations):
        service.open_report(cast.officer, other, 2026)
    assert reports() == 0 and audit("cbm_report.open") == []


def test_a_second_report_for_the_same_area_and_year_is_a_conflict(cast):
    service.open_report(cast.coordinator, cast.area, 2026)
    with pytest.raises(StateConflict) as error:
        service.open_report(cast.officer, cast.area, 2026)
    assert "for 2026 exists already" in refused(error)["year"]
    assert reports() == 1


def test_the_unique_constraint_is_caught_when_two_open_at_once(cast, monkeypatch):
    service.open_report(cast.coordinator, cast.area, 2026)
    monkeypatch.setattr(service, "find_report", lambda area_id, year: None)  # the other request's view
    with pytest.raises(StateConflict) as error:
        service.open_report(cast.officer, cast.area, 2026)
    assert "exists already" in refused(error)["year"]
    assert reports() == 1 and len(audit("cbm_report.open")) == 1


def test_an_officer_sets_the_due_day_as_the_end_of_that_day_in_astana(cast):
    report = service.open_report(cast.officer, cast.area, 2026)
    service.set_due(cast.officer, report, date(2026, 12, 1))
    assert report.due_at == datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
    entry = audit("cbm_report.due_change")[0]
    assert entry.before["due_at"].startswith("2026-11-15T19:00") and entry.after["due_at"].startswith("2026-12-01")
    with pytest.raises(RuleViolations):
        service.set_due(cast.officer, report, date(2025, 6, 1))
    db.session.expire_all()
    assert db.session.get(CbmAnnualReport, report.id).due_at == datetime(2026, 12, 1, 19, 0, tzinfo=UTC)


# What happened at each activity ------------------------------------------------------------

def test_an_activity_report_records_members_count_and_outcome(cast):
    activity = build.activity(cast.plan)
    report = service.open_report(cast.coordinator, cast.area, 2026)
    other = build.member_state()
    row = service.save_activity_report(cast.coordinator, report, activity, held(
        cast, states=[other, cast.coordinator.delegation.state], participant_count=" 1 200 "))
    db.session.expire_all()
    row = db.session.get(CbmActivityReport, row.id)
    assert (row.held_on, row.participant_count, row.outcome_en) == (date(2026, 5, 12), 1200,
                                                                    "A joint statement was adopted.")
    assert {s.id for s in row.participating_states} == {other.id, cast.coordinator.delegation.state_id}
    assert audit("cbm_activity_report.create")[0].after["participating_states"] == sorted(
        [other.id, cast.coordinator.delegation.state_id])


def test_a_correction_updates_the_same_row_and_is_audited(cast):
    activity = build.activity(cast.plan)
    report = service.open_report(cast.coordinator, cast.area, 2026)
    first = service.save_activity_report(cast.coordinator, report, activity, held(cast))
    again = service.save_activity_report(cast.coordinator, report, activity, held(cast, participant_count="50"))
    assert first.id == again.id and activity_reports() == 1
    entry = audit("cbm_activity_report.update")[0]
    assert (entry.before["participant_count"], entry.after["participant_count"]) == (45, 50)


def test_participants_who_are_not_members_on_the_day_are_refused_by_name(cast):
    activity = build.activity(cast.plan)
    report = service.open_report(cast.coordinator, cast.area, 2026)
    observer = build.member_state(MembershipStatus.OBSERVER)
    late_joiner = build.member_state(since=date(2026, 6, 1))
    with pytest.raises(RuleViolations) as error:
        service.save_activity_report(cast.coordinator, report, activity, held(cast, states=[observer, late_joiner]))
    message = refused(error)["participating_states"]
    assert observer.name_en in message and late_joiner.name_en in message and "2026-05-12" in message
    assert activity_reports() == 0


@pytest.mark.parametrize("count, words", [("-3", "cannot be negative"), ("many", "whole number"),
                                          ("", "Give the number")])
def test_a_bad_participant_count_is_refused_and_nothing_saved(cast, count, words):
    activity = build.activity(cast.plan)
    report = service.open_report(cast.coordinator, cast.area, 2026)
    with pytest.raises(RuleViolations) as error:
        service.save_activity_report(cast.coordinator, report, activity, held(cast, participant_count=count))
    assert words in refused(error)["participant_count"]
    assert activity_reports() == 0 and audit("cbm_activity_report.create") == []


def test_a_held_day_outside_the_year_or_the_plan_is_refused(cast):
    activity = build.activity(cast.plan)
    report = service.open_report(cast.coordinator, cast.area, 2026)
    with pytest.raises(RuleViolations) as error:
        service.save_activity_report(cast.coordinator, report, activity,
                                     held(cast, held_on=date(2027, 1, 20), held_until=None))
    assert "must have been held in 2026" in refused(error)["held_on"]
    assert activity_reports() == 0


def test_an_activity_of_another_area_is_refused(cast):
    other_area = build.area("ict")
    foreign = build.activity(build.paper(other_area))
    report = service.open_report(cast.coordinator, cast.area, 2026)
    with pytest.raises(RuleViolations) as error:
        service.save_activity_report(cast.coordinator, report, foreign, held(cast))
    assert "activity" in refused(error)


def test_the_report_lists_the_years_activities_with_their_state(cast):
    reported = build.activity(cast.plan, start=date(2026, 3, 1), title="Forum")
    pending = build.activity(cast.plan, start=date(2026, 9, 1), title="Workshop")
    build.activity(cast.plan, start=date(2027, 3, 1), title="Next year")
    report = service.open_report(cast.coordinator, cast.area, 2026)
    service.save_activity_report(cast.coordinator, report, reported, held(cast, held_on=date(2026, 3, 1),
                                                                          held_until=None))
    before_due = datetime(2026, 10, 1, tzinfo=UTC)
    assert [(line.activity.id, line.state) for line in service.report_lines(report, before_due)] == [
        (reported.id, ActivityState.REPORTED), (pending.id, ActivityState.PLANNED)]
    after_due = datetime(2026, 11, 16, tzinfo=UTC)
    assert service.report_lines(report, after_due)[1].state == ActivityState.LATE
    service.submit_report(cast.coordinator, report)
    assert service.report_lines(report, after_due)[1].state == ActivityState.MISSING


# Attachments -----------------------------------------------------------------------------

def test_an_attachment_is_stored_by_content_and_kept_from_the_sweeper(cast, store):
    report = service.open_report(cast.coordinator, cast.area, 2026)
    row = service.save_activity_report(cast.coordinator, report, build.activity(cast.plan), held(cast))
    with pytest.raises(RuleViolations) as error:  # the name must agree with the content
        attachments.add_attachment(cast.coordinator, row, io.BytesIO(PDF), "../Programme.exe", store=store)
    assert ".exe are not accepted" in refused(error)["file"]
    attachment = attachments.add_attachment(cast.coordinator, row, io.BytesIO(PDF), "../Programme.PDF", store=store)
    assert (attachment.filename, attachment.size) == ("Programme.pdf", len(PDF))
    assert db.session.get(StoredFile, attachment.file_sha256).content_type == "application/pdf"
    old = time.time() - 7200
    os.utime(store.path_for(attachment.file_sha256), (old, old))
    assert sweep_files(store) == [] and store.exists(attachment.file_sha256)
    sha = attachment.file_sha256
    attachments.delete_attachment(cast.coordinator, attachment)
    assert audit("cbm_attachment.delete")[0].before["file_sha256"] == sha
    assert sweep_files(store) == [sha] and db.session.get(StoredFile, sha) is None


def test_a_file_of_a_refused_type_or_size_writes_nothing(cast, store):
    report = service.open_report(cast.coordinator, cast.area, 2026)
    row = service.save_activity_report(cast.coordinator, report, build.activity(cast.plan), held(cast))
    with pytest.raises(RuleViolations) as error:
        attachments.add_attachment(cast.coordinator, row, io.BytesIO(ELF), "tool.pdf", store=store)
    assert "not accepted" in refused(error)["file"]
    with pytest.raises(RuleViolations) as error:
        attachments.add_attachment(cast.coordinator, row, io.BytesIO(PDF), "big.pdf", store=store, max_size=10)
    assert "larger than" in refused(error)["file"]
    assert db.session.scalar(select(func.count(CbmAttachment.id))) == 0


# The state machine -----------------------------------------------------------------------

def test_submission_locks_the_report_and_everything_in_it(cast, store):
    activity = build.activity(cast.plan)
    report = service.open_report(cast.coordinator, cast.area, 2026)
    row = service.save_activity_report(cast.coordinator, report, activity, held(cast))
    attachment = attachments.add_attachment(cast.coordinator, row, io.BytesIO(PDF), "p.pdf", store=store)
    service.submit_report(cast.coordinator, report, now=datetime(2026, 11, 1, tzinfo=UTC))
    assert (report.status, report.submitted_by_id) == (ReportStatus.SUBMITTED, cast.coordinator.id)
    locked = [
        lambda: service.save_activity_report(cast.coordinator, report, activity, held(cast, participant_count="9")),
        lambda: service.update_summary(cast.coordinator, report, "Changed", ""),
        lambda: service.set_due(cast.officer, report, date(2026, 12, 1)),
        lambda: attachments.add_attachment(cast.coordinator, row, io.BytesIO(PDF), "q.pdf", store=store),
        lambda: attachments.delete_attachment(cast.coordinator, attachment),
        lambda: service.delete_activity_report(cast.coordinator, row),
    ]
    for attempt in locked:
        with pytest.raises(StateConflict) as error:
            attempt()
        assert "ask the Secretariat to reopen it" in refused(error)["status"]
    with pytest.raises(StateConflict) as error:
        service.submit_report(cast.coordinator, report)
    assert "submitted already" in refused(error)["status"]
    db.session.expire_all()
    row = db.session.get(CbmActivityReport, row.id)
    assert row.participant_count == 45 and len(row.attachments) == 1
    assert db.session.get(CbmAnnualReport, report.id).summary_en == ""


def test_a_draft_cannot_be_published(cast):
    report = service.open_report(cast.coordinator, cast.area, 2026)
    with pytest.raises(StateConflict) as error:
        service.publish_report(cast.officer, report)
    assert "submits the report first" in refused(error)["status"]
    db.session.expire_all()
    assert db.session.get(CbmAnnualReport, report.id).status == ReportStatus.DRAFT


def test_submitted_then_published_then_reopened_with_the_reason_recorded(cast):
    report = service.open_report(cast.coordinator, cast.area, 2026)
    service.submit_report(cast.coordinator, report)
    service.publish_report(cast.officer, report)
    assert report.status == ReportStatus.PUBLISHED and report.published_by_id == cast.officer.id
    with pytest.raises(RuleViolations) as error:
        service.reopen_report(cast.officer, report, "  ")
    assert "reason" in refused(error)
    service.reopen_report(cast.officer, report, "The count of participants is wrong.")
    db.session.expire_all()
    report = db.session.get(CbmAnnualReport, report.id)
    assert (report.status, report.reopened_count, report.published_at) == (ReportStatus.DRAFT, 1, None)
    entry = audit("cbm_report.reopen")[0]
    assert entry.actor_id == cast.officer.id and entry.before["status"] == "published"
    assert entry.after["reason"] == "The count of participants is wrong."
    assert [reason for _at, reason in service.reopen_reasons(report)] == ["The count of participants is wrong."]
    # A draft again: corrected and submitted a second time.
    service.update_summary(cast.coordinator, report, "Corrected.", "")
    service.submit_report(cast.coordinator, report)
    assert report.status == ReportStatus.SUBMITTED


def test_a_draft_is_not_reopened(cast):
    report = service.open_report(cast.coordinator, cast.area, 2026)
    with pytest.raises(StateConflict):
        service.reopen_report(cast.officer, report, "why")
    assert db.session.get(CbmAnnualReport, report.id).reopened_count == 0


def test_a_plan_superseded_later_keeps_the_activities_already_reported(cast):
    activity = build.activity(cast.plan)
    report = service.open_report(cast.coordinator, cast.area, 2026)
    service.save_activity_report(cast.coordinator, report, activity, held(cast))
    cast.plan.status = PaperStatus.SUPERSEDED
    db.session.commit()
    assert [line.activity.id for line in service.report_lines(report)] == [activity.id]


@pytest.mark.parametrize("language, names", [("ru", "Казахстан, Япония"), ("en", "Japan, Kazakhstan")])
def test_participants_who_are_not_members_are_named_in_the_readers_language_and_order(cast, language, names):
    activity = build.activity(cast.plan)
    report = service.open_report(cast.coordinator, cast.area, 2026)
    observer = build.member_state(MembershipStatus.OBSERVER)
    late_joiner = build.member_state(since=date(2026, 6, 1))
    observer.name_en, observer.name_ru = "Japan", "Япония"
    late_joiner.name_en, late_joiner.name_ru = "Kazakhstan", "Казахстан"
    db.session.commit()
    with reading_in(language), pytest.raises(RuleViolations) as error:
        service.save_activity_report(cast.coordinator, report, activity, held(cast, states=[observer, late_joiner]))
    assert f"not members on 2026-05-12: {names}." in refused(error)["participating_states"]
    assert activity_reports() == 0
