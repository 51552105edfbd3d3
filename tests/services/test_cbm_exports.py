"""CBM exports: the CSV files of activities and annual reports parsed back and
compared with the data (Russian text, quoting, formula injection, filters, what
each reader may see) and the compiled annual report of a dimension."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from secretariat_app.cbm.models import ActivityType, CoordinatorRole, ReportStatus
from secretariat_app.cbm.services.exports import (
    ExportFilter,
    activities_csv,
    compiled_report,
    csv_bytes,
    dimension_by_code,
    export_filename,
    neutralise,
    reports_csv,
)
from secretariat_app.domain.cbm_status import ActivityState
from secretariat_app.domain.cbm_visibility import ReaderScope, YearRange
from secretariat_app.extensions import db
from tests import cbm_builders as b

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
YEARS = YearRange(2025, 2027)
OFFICER = ReaderScope(secretariat=True)
MEMBER = ReaderScope(member=True)
OBSERVER = ReaderScope()

ACTIVITY_HEADER = [
    "Dimension", "Priority area", "Action plan", "Activity (English)", "Activity (Russian)", "Type",
    "Planned start", "Planned end", "Venue", "Host state", "Responsible state", "Status", "Held on", "Held until",
    "Participants", "Participating states (number)", "Participating states", "Outcome (English)",
    "Outcome (Russian)",
]
REPORT_HEADER = [
    "Dimension", "Priority area", "Year", "Status", "Due (UTC)", "Submitted at (UTC)", "Published at (UTC)",
    "Times reopened", "Activities planned", "Activities reported",
]


def parse(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark for Excel"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def header(data: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
def data(app_ctx):
    """SMEs (economic): a seminar reported in a draft 2026 report, a workshop not reported; energy
    (economic): a conference reported in a submitted report; ICT security (new challenges): an exercise
    reported in a published report."""
    cast = b.cbm_cast("smes")
    host, guest = b.member_state(), b.member_state()
    host.name_en, host.name_ru = "Kazakhstan", "Казахстан"
    guest.name_en, guest.name_ru = "Mongolia", "Монголия"
    seminar = b.activity(cast.plan, start=date(2026, 5, 10), end=date(2026, 5, 11), title="SME seminar")
    seminar.title_ru = "Семинар по МСП, «Астана»"
    seminar.host_state = host
    workshop = b.activity(cast.plan, start=date(2026, 9, 14), title="=HYPERLINK(\"http://x.example\",\"go\")",
                          activity_type=ActivityType.WORKSHOP)
    smes_2026 = b.annual_report(cast.area, 2026, due=date(2026, 11, 20))
    b.activity_report(seminar, smes_2026, participants=45, states=[host, guest],
                      outcome_en='Agreed "next steps", in two parts;\nsecond line.')
    seminar.report.outcome_ru = "-2+3 Итоги: согласованы дальнейшие шаги"
    seminar.report.held_until = date(2026, 5, 11)

    energy = b.area("energy", name_en="Energy security")
    energy_plan = b.paper(energy)
    b.appoint(energy, guest)
    conference = b.activity(energy_plan, start=date(2026, 3, 2), responsible=guest, title="Energy conference",
                            activity_type=ActivityType.CONFERENCE)
    energy_2026 = b.annual_report(energy, 2026, status=ReportStatus.SUBMITTED)
    energy_2026.reopened_count = 1
    b.activity_report(conference, energy_2026, participants=120, states=[guest], outcome_en="@import done")

    ict = b.area("ict_security", "new_challenges", name_en="ICT security")
    ict_plan = b.paper(ict)
    b.appoint(ict, host)
    exercise = b.activity(ict_plan, start=date(2025, 10, 1), responsible=host, title="Cyber exercise",
                          activity_type=ActivityType.EXERCISE)
    ict_2025 = b.annual_report(ict, 2025, due=date(2025, 11, 15), status=ReportStatus.PUBLISHED)
    ict_2025.published_at = datetime(2025, 12, 20, 8, 30, tzinfo=UTC)
    b.activity_report(exercise, ict_2025, participants=12, states=[host], outcome_en="Done.")
    db.session.commit()
    return {"cast": cast, "host": host, "guest": guest, "seminar": seminar, "workshop": workshop,
            "energy": energy, "ict": ict, "smes_2026": smes_2026}


def activities(scope, **filters) -> list[dict[str, str]]:
    raw = activities_csv(scope, ExportFilter(years=filters.pop("years", YEARS), **filters), NOW)
    assert header(raw) == ACTIVITY_HEADER
    return parse(raw)


def test_activities_csv_matches_the_data(data):
    rows = activities(OFFICER)
    assert [r["Activity (English)"] for r in rows] == [
        "SME seminar", "'=HYPERLINK(\"http://x.example\",\"go\")", "Energy conference", "Cyber exercise"]
    seminar = rows[0]
    assert seminar == {
        "Dimension": "Economic dimension", "Priority area": "Area smes",
        "Action plan": data["cast"].plan.document.symbol,
        "Activity (English)": "SME seminar", "Activity (Russian)": "Семинар по МСП, «Астана»",
        "Type": "seminar", "Planned start": "2026-05-10", "Planned end": "2026-05-11", "Venue": "Astana",
        "Host state": "Kazakhstan", "Responsible state": data["cast"].plan.area.coordinators[0].state.name_en,
        "Status": "reported", "Held on": "2026-05-10", "Held until": "2026-05-11", "Participants": "45",
        "Participating states (number)": "2", "Participating states": "Kazakhstan; Mongolia",
        "Outcome (English)": 'Agreed "next steps", in two parts;\nsecond line.',
        "Outcome (Russian)": "'-2+3 Итоги: согласованы дальнейшие шаги",
    }
    workshop = rows[1]
    assert (workshop["Type"], workshop["Status"], workshop["Held on"], workshop["Participants"]) == (
        "workshop", "late", "", "")
    assert rows[2]["Outcome (English)"] == "'@import done" and rows[2]["Status"] == "reported"
    assert rows[3]["Status"] == "reported" and rows[3]["Dimension"] == "New Challenges dimension"


def test_the_csv_is_utf8_with_a_bom_and_russian_names_in_russian(data):
    raw = activities_csv(OFFICER, ExportFilter(years=YEARS, area_id=data["cast"].area.id), NOW, language="ru")
    text = raw.decode("utf-8-sig")
    assert "Семинар по МСП, «Астана»" in text and "Казахстан; Монголия" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "Измерение economic" and rows[1][1] == "Область smes"
    assert raw.count(b"\r\n") >= 3  # CRLF row ends, as spreadsheets expect


def test_formula_injection_is_neutralised_only_at_the_start_of_text():
    assert [neutralise(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "a=b", "", "Итоги")] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "a=b", "", "Итоги"]
    parsed = parse(csv_bytes(["a", "b", "c"], [["=cmd|' /C calc'!A0", -3, None]]))
    assert parsed == [{"a": "'=cmd|' /C calc'!A0", "b": "-3", "c": ""}]


@pytest.mark.parametrize("filters,expected", [
    ({"years": YearRange(2026, 2026)}, ["SME seminar", "workshop", "Energy conference"]),
    ({"years": YearRange(2025, 2025)}, ["Cyber exercise"]),
    ({"dimension": "new_challenges"}, ["Cyber exercise"]),
    ({"area": "energy"}, ["Energy conference"]),
    ({"activity_state": ActivityState.LATE}, ["workshop"]),
    ({"activity_state": ActivityState.REPORTED, "state": "guest"}, ["Energy conference"]),
    ({"activity_state": ActivityState.MISSING}, []),
])
def test_activities_csv_filters(data, filters, expected):
    kwargs = {"years": filters.get("years", YEARS), "activity_state": filters.get("activity_state")}
    if "dimension" in filters:
        kwargs["dimension_id"] = dimension_by_code(filters["dimension"]).id
    if "area" in filters:
        kwargs["area_id"] = data[filters["area"]].id
    if "state" in filters:
        kwargs["state_id"] = data[filters["state"]].id
    titles = [r["Activity (English)"] for r in activities(OFFICER, **kwargs)]
    assert ["workshop" if "HYPERLINK" in t else t for t in titles] == expected


def test_each_reader_gets_only_what_they_may_read(data):
    member = {r["Activity (English)"]: r for r in activities(MEMBER)}
    assert len(member) == 4
    # The seminar's report is in a draft: its existence is known, its details are not.
    seminar = member["SME seminar"]
    assert seminar["Status"] == "reported"
    assert (seminar["Held on"], seminar["Participants"], seminar["Participating states"],
            seminar["Outcome (English)"]) == ("", "", "", "")
    assert member["Energy conference"]["Participants"] == "120"

    coordinator = ReaderScope(member=True, coordinated_area_ids=frozenset({data["cast"].area.id}))
    assert {r["Activity (English)"]: r for r in activities(coordinator)}["SME seminar"]["Participants"] == "45"

    # Observers: only the areas and years whose report the Secretariat published.
    observer = activities(OBSERVER)
    assert [r["Activity (English)"] for r in observer] == ["Cyber exercise"]
    assert observer[0]["Participants"] == "12" and observer[0]["Status"] == "reported"


def reports(scope, **filters) -> list[dict[str, str]]:
    raw = reports_csv(scope, ExportFilter(years=filters.pop("years", YEARS), **filters), NOW)
    assert header(raw) == REPORT_HEADER
    return parse(raw)


def test_reports_csv_matches_the_data(data):
    rows = reports(OFFICER)
    assert [(r["Priority area"], r["Year"]) for r in rows] == [
        ("Area smes", "2026"), ("Energy security", "2026"), ("ICT security", "2025")]
    smes, energy, ict = rows
    assert smes == {
        "Dimension": "Economic dimension", "Priority area": "Area smes", "Year": "2026", "Status": "draft",
        # End of 20 November in Astana (UTC+5).
        "Due (UTC)": "2026-11-20T19:00:00Z", "Submitted at (UTC)": "", "Published at (UTC)": "",
        "Times reopened": "0", "Activities planned": "2", "Activities reported": "1",
    }
    assert (energy["Status"], energy["Submitted at (UTC)"], energy["Times reopened"],
            energy["Activities planned"], energy["Activities reported"]) == (
        "submitted", "2026-11-01T00:00:00Z", "1", "1", "1")
    assert (ict["Status"], ict["Due (UTC)"], ict["Published at (UTC)"]) == (
        "published", "2025-11-15T19:00:00Z", "2025-12-20T08:30:00Z")


def test_reports_csv_filters_and_readers(data):
    titles = lambda rows: [r["Priority area"] for r in rows]  # noqa: E731
    assert titles(reports(OFFICER, report_status=ReportStatus.SUBMITTED)) == ["Energy security"]
    assert titles(reports(OFFICER, years=YearRange(2025, 2025))) == ["ICT security"]
    assert titles(reports(OFFICER, dimension_id=dimension_by_code("economic").id)) == [
        "Area smes", "Energy security"]
    # The coordinating state: Mongolia coordinates energy (and was appointed for it from 2020).
    assert titles(reports(OFFICER, state_id=data["guest"].id)) == ["Energy security"]
    assert titles(reports(OFFICER, state_id=data["host"].id)) == ["ICT security"]
    assert titles(reports(MEMBER)) == ["Area smes", "Energy security", "ICT security"]
    observer = reports(OBSERVER)
    assert titles(observer) == ["ICT security"] and observer[0]["Activities reported"] == "1"


def test_export_filenames():
    assert export_filename("activities", YearRange(2026, 2026)) == "cica-cbm-activities-2026.csv"
    assert export_filename("reports", YearRange(2022, 2026)) == "cica-cbm-reports-2022-2026.csv"


# The compiled report -----------------------------------------------------------------------------

def test_the_compiled_report_shows_submitted_and_published_reports_only(data):
    economic = dimension_by_code("economic")
    officer = compiled_report(OFFICER, economic, 2026, NOW)
    by_code = {entry.area.code: entry for entry in officer.areas}
    assert list(by_code) == ["smes", "energy"]
    # The SMEs report is a draft: not in the compilation, even for an officer.
    assert by_code["smes"].annual is None and by_code["smes"].activities == []
    energy = by_code["energy"]
    assert energy.annual.status == ReportStatus.SUBMITTED
    assert [(a.activity.title_en, a.report.participant_count) for a in energy.activities] == [
        ("Energy conference", 120)]
    assert [(c.state.name_en, c.role) for c in energy.coordinators] == [("Mongolia", CoordinatorRole.COORDINATOR)]
    assert [p.id for p in energy.plans] == [energy.activities[0].activity.action_plan_id]
    assert officer.submitted_areas == 1 and not officer.published_only

    observer = compiled_report(OBSERVER, economic, 2026, NOW)
    assert observer.published_only and all(entry.annual is None for entry in observer.areas)
    published = compiled_report(OBSERVER, dimension_by_code("new_challenges"), 2025, NOW)
    assert published.areas[0].annual is not None and published.areas[0].reported == 1


def test_the_compiled_report_lists_coordinators_of_one_term_start_in_the_order_recorded(data):
    """A coordinator and a co-coordinator appointed the same day: the order they were recorded,
    whatever the order of their rows in the table (an update moves a row on PostgreSQL)."""
    energy = data["energy"]
    b.appoint(energy, data["host"], role=CoordinatorRole.CO_COORDINATOR)
    first = energy.coordinators[0]
    first.term_end = date(2030, 12, 31)
    db.session.commit()
    db.session.expire_all()
    entry = {e.area.code: e for e in compiled_report(OFFICER, dimension_by_code("economic"), 2026, NOW).areas}
    assert [(c.state.name_en, c.role) for c in entry["energy"].coordinators] == [
        ("Mongolia", CoordinatorRole.COORDINATOR), ("Kazakhstan", CoordinatorRole.CO_COORDINATOR)]


def test_the_compiled_report_lists_the_activities_not_reported(data):
    data["smes_2026"].status = ReportStatus.SUBMITTED
    db.session.commit()
    entry = {e.area.code: e for e in compiled_report(MEMBER, dimension_by_code("economic"), 2026, NOW).areas}["smes"]
    assert [(a.activity.title_en[:6], a.report is not None) for a in entry.activities] == [
        ("SME se", True), ("=HYPER", False)]
    assert entry.reported == 1
