"""The CBM overview pages: who may open them (both ways), what members and
observers see in the matrix, the CSV downloads, the compiled report in English
and Russian, and a matrix that costs a fixed number of SQL statements."""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from freezegun import freeze_time

from secretariat_app.cbm.models import ActivityType, ReportStatus
from secretariat_app.extensions import db
from tests import cbm_builders as b
from tests.conftest import log_in
from tests.factories import delegate
from tests.web.test_inbox_queries import counting_statements

NOW = "2026-12-01 09:00:00"  # the 2026 reports were due on 20 November
URLS = ("/cbm/overview", "/cbm/export/activities.csv", "/cbm/export/reports.csv",
        "/cbm/compiled/economic/2026?lang=en")


@pytest.fixture
def frozen():
    with freeze_time(NOW):
        yield


@pytest.fixture
def cast(app_ctx, frozen):
    """SMEs: a seminar reported and a workshop whose deadline passed, in a draft annual report for 2026;
    energy: a conference reported in a submitted report."""
    cast = b.cbm_cast()
    seminar = b.activity(cast.plan, start=date(2026, 5, 10), title="SME seminar")
    seminar.title_ru = "Семинар по МСП"
    b.activity(cast.plan, start=date(2026, 9, 14), title="SME workshop")
    draft = b.annual_report(cast.area, 2026, due=date(2026, 11, 20))
    b.activity_report(seminar, draft, participants=45, outcome_en="Secret draft outcome")

    energy = b.area("energy", name_en="Energy security")
    energy.name_ru = "Энергетическая безопасность"
    plan = b.paper(energy)
    state = b.member_state()
    b.appoint(energy, state)
    conference = b.activity(plan, start=date(2026, 3, 2), responsible=state, title="Energy conference",
                            activity_type=ActivityType.CONFERENCE)
    conference.title_ru = "Конференция по энергетике"
    submitted = b.annual_report(energy, 2026, status=ReportStatus.SUBMITTED)
    submitted.summary_en, submitted.summary_ru = "A good year.", "Удачный год."
    report = b.activity_report(conference, submitted, participants=120, states=[state],
                               outcome_en="Declaration adopted.")
    report.outcome_ru = "Принята декларация."
    db.session.commit()
    cast.energy, cast.submitted = energy, submitted
    return cast


def cell(html: str, area_id: int, year: int) -> str:
    row = re.search(rf'<tr class="cbm-area-row" data-area="{area_id}">(.*?)</tr>', html, re.S).group(1)
    return re.search(rf'<td class="cbm-cell[^"]*" data-year="{year}"[^>]*>(.*?)</td>', row, re.S).group(0)


def text_of(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def parse_csv(response) -> list[dict[str, str]]:
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


# Access ----------------------------------------------------------------------------------------

def test_anonymous_readers_are_sent_to_log_in(client, app_ctx):
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url


def test_a_user_whose_state_is_neither_member_nor_observer_is_refused(client, app_ctx):
    outsider = delegate()  # a delegation whose state holds no membership
    log_in(client, outsider.email)
    for url in URLS:
        assert client.get(url).status_code == 403, url


def test_officers_members_and_observers_may_read(cast, client, app_ctx):
    for user in (cast.officer, cast.member, cast.observer, cast.coordinator):
        reader = app_ctx.test_client()
        log_in(reader, user.email)
        for url in URLS:
            assert reader.get(url).status_code == 200, (user.email, url)


# The matrix ------------------------------------------------------------------------------------

def test_a_member_sees_one_reported_and_one_late(cast, client):
    log_in(client, cast.member.email)
    html = client.get("/cbm/overview").get_data(as_text=True)
    smes = cell(html, cast.area.id, 2026)
    assert 'data-state="late"' in smes and "1 reported · 1 late" in text_of(smes)
    energy = cell(html, cast.energy.id, 2026)
    assert 'data-state="reported"' in energy and "1 reported" in text_of(energy)
    assert 'data-state="none"' in cell(html, cast.area.id, 2025)
    # The annual report's page is linked where the reader may read it: not the SMEs draft.
    assert f'/cbm/reports/{cast.submitted.id}"' in energy and "/cbm/reports/" not in smes
    assert "<th scope=\"col\">2022</th>" in html and "<th scope=\"col\">2027</th>" not in html
    assert "Legend" in html and "Observers and partners: an activity counts as reported only once" in html


def test_an_observer_counts_only_published_reports(cast, client):
    log_in(client, cast.observer.email)
    html = client.get("/cbm/overview").get_data(as_text=True)
    smes = text_of(cell(html, cast.area.id, 2026))
    assert "2 late" in smes and "reported" not in smes
    # The energy report is submitted, awaiting publication: neither reported nor late to an observer.
    energy = cell(html, cast.energy.id, 2026)
    assert 'data-state="planned"' in energy and "1 planned" in text_of(energy)
    assert "You are reading the overview as an observer." in html
    cast.submitted.status = ReportStatus.PUBLISHED
    db.session.commit()
    html = client.get("/cbm/overview").get_data(as_text=True)
    assert 'data-state="reported"' in cell(html, cast.energy.id, 2026)


def test_the_overview_is_in_the_readers_language(cast, client):
    cast.member.language = "ru"
    db.session.commit()
    log_in(client, cast.member.email)
    html = client.get("/cbm/overview").get_data(as_text=True)
    assert "Энергетическая безопасность" in html and "Energy security" not in html


def test_the_overview_headings_labels_and_filters_are_translated(cast, client):
    cast.member.language = "ru"
    db.session.commit()
    log_in(client, cast.member.email)
    html = client.get("/cbm/overview").get_data(as_text=True)
    assert "<h1>Осуществление мер доверия</h1>" in html
    assert "<title>Обзор осуществления мер доверия" in html
    assert "Приоритетная область" in html and "все измерения" in html  # the filters of the exports
    assert "доклад представлен" in html and "просрочено" in html  # the states of the activities
    assert "Implementation of confidence building measures" not in html and "Priority area" not in html


def test_years_and_rotation(cast, client):
    for code in b.DIMENSION_CODES:
        b.dimension(code)
    log_in(client, cast.member.email)
    html = client.get("/cbm/overview?from_year=2024&to_year=2027").get_data(as_text=True)
    assert re.findall(r'<th scope="col">(\d{4})</th>', html) == ["2024", "2025", "2026", "2027"]
    assert "This year (2026): Military Political dimension." in html
    assert "Next year (2027): Economic dimension." in html
    rotation = html.split('class="cbm-rotation"')[1]
    assert 'data-year="2022"' not in rotation and 'data-year="2029"' in rotation  # three years back, three ahead
    assert re.search(r'data-year="2025">\s*<td>2025</td>\s*<td>Environmental dimension</td>', rotation)
    assert re.search(r'data-year="2028">\s*<td>2028</td>\s*<td>New Challenges dimension</td>', rotation)


def test_a_refused_range_of_years_is_explained_and_the_default_shown(cast, client):
    log_in(client, cast.member.email)
    response = client.get("/cbm/overview?from_year=2026&to_year=2020")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The last year cannot come before the first." in html
    assert re.findall(r'<th scope="col">(\d{4})</th>', html) == ["2022", "2023", "2024", "2025", "2026"]
    assert client.get("/cbm/overview?from_year=abc").status_code == 200


def test_activities_held_on_the_page(cast, client):
    log_in(client, cast.officer.email)
    html = client.get("/cbm/overview").get_data(as_text=True)
    # The officer counts the draft's seminar too: two activities, one participating state, 165 participants.
    assert ('<td data-total="activities">2</td><td data-total="states">1</td>'
            '<td data-total="participants">165</td>') in html
    member = client.application.test_client()
    log_in(member, cast.member.email)
    html = member.get("/cbm/overview").get_data(as_text=True)
    assert '<td data-total="activities">1</td>' in html


# Exports ---------------------------------------------------------------------------------------

def test_the_activities_csv_download(cast, client):
    log_in(client, cast.member.email)
    response = client.get("/cbm/export/activities.csv?from_year=2026&to_year=2026")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="cica-cbm-activities-2026.csv"'
    rows = {r["Activity (English)"]: r for r in parse_csv(response)}
    assert set(rows) == {"SME seminar", "SME workshop", "Energy conference"}
    assert (rows["SME seminar"]["Status"], rows["SME workshop"]["Status"]) == ("reported", "late")
    assert rows["SME seminar"]["Activity (Russian)"] == "Семинар по МСП"
    # The draft's details stay with its coordinators and the Secretariat.
    assert rows["SME seminar"]["Outcome (English)"] == "" and "Secret draft outcome" not in response.get_data(True)
    assert rows["Energy conference"]["Outcome (Russian)"] == "Принята декларация."


def test_the_coordinator_and_the_observer_downloads(cast, client, app_ctx):
    log_in(client, cast.coordinator.email)
    rows = {r["Activity (English)"]: r for r in parse_csv(client.get("/cbm/export/activities.csv"))}
    assert rows["SME seminar"]["Outcome (English)"] == "Secret draft outcome"
    observer = app_ctx.test_client()
    log_in(observer, cast.observer.email)
    assert parse_csv(observer.get("/cbm/export/activities.csv")) == []
    assert parse_csv(observer.get("/cbm/export/reports.csv")) == []


def test_the_reports_csv_download_with_filters(cast, client):
    log_in(client, cast.member.email)
    response = client.get("/cbm/export/reports.csv?report_status=submitted&from_year=2022&to_year=2026")
    assert response.headers["Content-Disposition"] == 'attachment; filename="cica-cbm-reports-2022-2026.csv"'
    rows = parse_csv(response)
    assert [(r["Priority area"], r["Status"], r["Activities planned"], r["Activities reported"]) for r in rows] == [
        ("Energy security", "submitted", "1", "1")]
    rows = parse_csv(client.get(f"/cbm/export/reports.csv?area={cast.area.id}"))
    assert [(r["Priority area"], r["Status"], r["Due (UTC)"]) for r in rows] == [
        ("Area smes", "draft", "2026-11-20T19:00:00Z")]
    # Unknown filter values are ignored, not errors; an unknown dimension matches nothing.
    garbage = client.get("/cbm/export/activities.csv?area=abc&activity_state=bogus&state=x&report_status=?")
    assert garbage.status_code == 200 and len(parse_csv(garbage)) == 3
    assert parse_csv(client.get("/cbm/export/activities.csv?dimension=99999")) == []


def test_a_refused_range_of_years_returns_to_the_overview(cast, client):
    log_in(client, cast.member.email)
    response = client.get("/cbm/export/activities.csv?from_year=2026&to_year=2001")
    assert response.status_code == 302 and "/cbm/overview" in response.headers["Location"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Choose a year from 2004" in html


def test_a_refused_range_returns_with_the_filters_and_nothing_else(cast, client):
    """The query string goes back to the overview as the filters it holds: url_for's
    own options (_scheme, _external, _anchor, _method) are not the reader's to set:
    _method=POST, or _scheme without _external, was a server error."""
    log_in(client, cast.member.email)
    response = client.get("/cbm/export/activities.csv?from_year=2026&to_year=2001&area=3"
                          "&_scheme=https&_anchor=top&_method=POST")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/cbm/overview?") and "#" not in location
    assert sorted(location.split("?")[1].split("&")) == ["area=3", "from_year=2026", "to_year=2001"]


# The compiled report ---------------------------------------------------------------------------

def test_the_compiled_report_in_english_and_russian(cast, client):
    log_in(client, cast.member.email)
    english = client.get("/cbm/compiled/economic/2026?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "cbm_print.css" in english
    assert "CICA CBM implementation — Economic dimension — 2026" in english
    assert "Energy conference" in english and "Declaration adopted." in english and "A good year." in english
    assert "Participants" in english and "Конференция" not in english
    russian = client.get("/cbm/compiled/economic/2026?lang=ru").get_data(as_text=True)
    assert '<html lang="ru">' in russian
    assert '<p class="doc-subtitle">Измерение economic</p>' in russian and "Энергетическая безопасность" in russian
    assert "Конференция по энергетике" in russian and "Принята декларация." in russian and "Удачный год." in russian
    assert "Участники" in russian and "Declaration adopted." not in russian


def test_the_compiled_report_marks_text_given_only_in_the_other_language(cast, client):
    cast.submitted.summary_ru = ""
    db.session.commit()
    log_in(client, cast.member.email)
    russian = client.get("/cbm/compiled/economic/2026?lang=ru").get_data(as_text=True)
    assert re.search(r'<span class="fallback text" lang="en">A good year.</span>\s*<em class="fallback-note">', russian)


def test_the_compiled_report_shows_no_draft_and_observers_only_published(cast, client, app_ctx):
    log_in(client, cast.officer.email)
    html = client.get("/cbm/compiled/economic/2026").get_data(as_text=True)
    assert "Secret draft outcome" not in html and "No annual report for 2026 has been submitted." in html
    assert "Declaration adopted." in html

    observer = app_ctx.test_client()
    log_in(observer, cast.observer.email)
    html = observer.get("/cbm/compiled/economic/2026").get_data(as_text=True)
    assert "Declaration adopted." not in html and "No annual report for 2026 has been published." in html
    cast.submitted.status = ReportStatus.PUBLISHED
    db.session.commit()
    assert "Declaration adopted." in observer.get("/cbm/compiled/economic/2026").get_data(as_text=True)


def test_the_compiled_report_of_nothing_is_not_found(cast, client):
    log_in(client, cast.member.email)
    for url in ("/cbm/compiled/nonsense/2026", "/cbm/compiled/economic/2026?lang=fr",
                "/cbm/compiled/economic/1900", "/cbm/compiled/economic/2999"):
        assert client.get(url).status_code == 404, url


# The cost of the matrix -------------------------------------------------------------------------

# The reader (user with delegation, memberships, areas coordinated), the catalogue (dimensions, areas),
# the annual reports, the December SOC sessions, the activities, the reports held and their
# participating states, the states of the export filter: whatever the number of areas.
EXPECTED_STATEMENTS = 11


def _populate(areas: int, offset: int) -> None:
    participants = [b.member_state() for _ in range(3)]
    for n in range(areas):
        area_ = b.area(f"area{offset + n}", "economic" if n % 2 else "human")
        state = b.member_state()
        b.appoint(area_, state)
        plan = b.paper(area_)
        annual = b.annual_report(area_, 2026, status=ReportStatus.SUBMITTED if n % 3 else ReportStatus.DRAFT)
        for month in (3, 6, 9):
            done = b.activity(plan, start=date(2026, month, 1), responsible=state)
            if month != 9:
                b.activity_report(done, annual, states=participants[: 1 + n % 3])
        b.activity(plan, start=date(2027, 2, 1), responsible=state)


def overview_statements(client) -> tuple[int, list[str]]:
    client.get("/cbm/overview?from_year=2023&to_year=2027")  # warm-up
    with counting_statements() as statements:
        response = client.get("/cbm/overview?from_year=2023&to_year=2027")
    assert response.status_code == 200
    return len(statements), statements


def test_the_matrix_costs_a_fixed_number_of_statements(app_ctx, frozen, capsys):
    cast = b.cbm_cast()
    log_in_client = app_ctx.test_client()
    log_in(log_in_client, cast.coordinator.email)
    _populate(2, 0)
    small, _ = overview_statements(log_in_client)
    _populate(12, 100)
    large, statements = overview_statements(log_in_client)
    html = log_in_client.get("/cbm/overview?from_year=2023&to_year=2027").get_data(as_text=True)
    assert html.count('class="cbm-area-row"') == 15
    assert small == large == EXPECTED_STATEMENTS, statements
    with capsys.disabled():
        print(f"\nSQL statements per overview request: {small} (3 areas), {large} (15 areas)")
