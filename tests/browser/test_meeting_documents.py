"""One meeting's documents, from the Secretariat to the delegations, in a browser:
an officer schedules an SOC with its SWG and agenda, confirms it, creates,
uploads and circulates a LIMITED document; a member's delegate finds it in the
inbox, reads it, acknowledges it, registers participants, downloads the
meeting's own calendar file and takes the calendar feed; an observer's delegate
is refused it. In English with the pointer, and in Russian with the keyboard alone."""
from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from secretariat_app.accounts.models.states import MembershipStatus
from secretariat_app.core.forum_time import forum_today
from tests.browser.driver import RUNS, expect
from tests.browser.reference import delegation_of
from tests.documents_helpers import body
from tests.documents_setup import PDF
from tests.factories import delegate, officer

# One live server and one browser for all of them (tests/browser/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
ALMATY = ZoneInfo("Asia/Almaty")  # the scheduling form's time zone, which the officer leaves as it is


@pytest.mark.parametrize("language,keyboard", RUNS)
def test_a_limited_document_goes_from_the_officer_to_the_members_only(browse, app_context, tmp_path,
                                                                        language, keyboard):
    token = uuid.uuid4().hex[:6]
    # In 2 to 14 months (the calendar feed carries the coming two years), at 10:00 where it meets.
    start = datetime.combine(forum_today(), time(10)) + timedelta(days=60 + int(token, 16) % 360)
    member, observer = delegation_of(MembershipStatus.MEMBER), delegation_of(MembershipStatus.OBSERVER)
    people = dict(officer=officer(language=language), delegate=delegate(member, language=language),
                  observer=delegate(observer, language=language))
    soc_body, swg_body = body("SOC").name(language), body("SWG").name(language)
    ru = language == "ru"
    soc, swg = f"SOC {token}", f"SWG {token}"
    titles = {soc: f"КСДЛ {token}", swg: f"СРГ {token}"}
    shown = {name: titles[name] if ru else name for name in titles}
    items = [("Opening of the session", "Открытие сессии"), ("Confidence-building measures", "Меры доверия")]
    document_title = (f"Draft report {token}", f"Проект доклада {token}")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(PDF + token.encode())

    # The officer schedules the SOC, gives it its agenda, schedules the SWG that prepares it, confirms the SOC.
    o = browse.open(language, keyboard)
    o.log_in(people["officer"])
    schedule(o, soc_body, soc, titles[soc], start)
    expect(o.page.get_by_role("status")).to_contain_text(o.t("The meeting “%(title)s” has been saved.",
                                                             title=shown[soc]))
    expect(o.page.get_by_role("heading", level=1)).to_have_text(f"{soc_body}: {shown[soc]}")
    o.click(o.link("Manage the agenda"))
    for english, russian in items:
        o.fill(o.field("Item (English)"), english)
        o.fill(o.field("Item (Russian)"), russian)
        o.click(o.button("Save the item"))
        expect(o.page.get_by_role("status")).to_have_text(o.t("The item has been added to the agenda."))
    expect(o.page.locator("tbody tr")).to_have_count(2)
    expect(o.page.locator("tbody tr").nth(1)).to_contain_text(items[1][1] if ru else items[1][0])
    o.click(o.link("Back to the meeting"))
    expect(o.page.locator("#agenda")).to_contain_text(items[0][1] if ru else items[0][0])

    soc_url = o.page.url
    schedule(o, swg_body, swg, titles[swg], start - timedelta(days=3),
             prepares=f"{o.day(start.date())} · {shown[soc]}")
    expect(o.page.locator("#prepares")).to_contain_text(shown[soc])
    o.click(o.page.locator("#prepares").get_by_role("link"))
    assert o.page.url == soc_url
    expect(o.page.locator("#prepared-by")).to_contain_text(shown[swg])
    o.click(o.button("Confirm"))
    expect(o.page.get_by_role("status")).to_have_text(o.t("The meeting has been confirmed."))
    expect(o.page.locator("#status")).to_contain_text(o.t("confirmed"))

    # ... creates a LIMITED document for its first item, uploads the English original and circulates it.
    o.click(o.link("New document for this meeting"))
    o.choose(o.field("Distribution level"), o.t("LIMITED (member delegations)"))
    o.choose(o.field("Agenda item (of that meeting)"), f"{shown[soc]} · 1. {items[0][ru]}")
    o.fill(o.field("Title (English)"), document_title[0])
    o.fill(o.field("Title (Russian)"), document_title[1])
    o.click(o.button("Save"))
    saved = o.page.get_by_role("status")
    expect(saved).to_contain_text(re.compile(re.escape(o.t("Document %(symbol)s has been saved as a draft.",
                                                           symbol="@")).replace("@", ".+")))
    symbol = o.page.locator("dl dd").first.inner_text().strip()
    assert symbol.startswith("CICA/SOC/"), symbol
    o.click(o.link("Upload a language version"))
    o.tick(o.field("This is the original language of the document"))
    o.attach(o.field("File (PDF, DOCX, XLSX, PPTX, ODT, ODS, RTF, TXT, PNG or JPEG)"), pdf)
    o.click(o.button("Upload"))
    expect(o.page.get_by_role("status")).to_contain_text(symbol)
    english_row = o.page.locator('tr[data-language="en"]')
    expect(english_row).to_contain_text(f"(en) · {o.t('original')}")
    expect(english_row.locator('[data-state="current"]')).to_have_text(o.t("current"))
    o.click(o.link("Circulate"))
    o.pick(o.field("the delegations invited to the document's meeting"))
    o.click(o.button("Circulate"))
    expect(o.page.get_by_role("status")).to_contain_text(symbol)
    expect(o.page.get_by_role("heading", level=1)).to_contain_text(document_title[ru])

    # A member's delegate finds it in the inbox, reads it, acknowledges it ...
    d = browse.open(language, keyboard)
    d.log_in(people["delegate"])
    d.click(d.link("Inbox"))
    row = d.page.locator("tbody tr", has_text=symbol)
    expect(row).to_contain_text(document_title[ru])
    d.click(row.get_by_role("link").first)
    expect(d.page.get_by_role("heading", level=1)).to_have_text(symbol)
    expect(d.page.locator("#status")).to_have_text(d.t("circulated"))
    document_path = urlsplit(d.page.url).path
    english = d.page.locator("#languages").get_by_role("link", name=d.t("English"))
    file_path = english.get_attribute("href")
    status, headers, held = d.open_file(english)  # a PDF opens in the browser
    assert status == 200 and headers["content-type"] == "application/pdf", (status, headers)
    assert held == pdf.read_bytes()
    d.click(d.button("Acknowledge receipt on behalf of my delegation"))
    expect(d.page.get_by_role("status")).to_have_text(
        d.t("Receipt of %(symbol)s acknowledged on behalf of your delegation.", symbol=symbol))

    # ... registers two participants for the SOC, and puts it in their calendar.
    d.click(d.link("Meetings"))
    d.click(d.page.get_by_role("link", name=shown[soc]))
    for name, function in (("Aigerim Sadykova", "Head of delegation"), ("Timur Akhmetov", "Adviser")):
        d.fill(d.field("Name"), name)
        d.fill(d.field("Function (e.g. Head of delegation)"), function)
        d.click(d.button("Register"))
        expect(d.page.get_by_role("status")).to_have_text(d.t("%(name)s has been registered.", name=name))
    expect(d.page.locator("#participants tbody tr")).to_have_count(2)
    # The meeting's own .ics ("Add to my calendar"): one event, at the hours it was scheduled for, in UTC.
    meeting_path = urlsplit(d.page.url).path
    download = d.download(d.link("Add to my calendar (.ics)"))
    assert re.fullmatch(r"meeting-\d+\.ics", download.suggested_filename), download.suggested_filename
    event = one_event(Calendar.from_ical(Path(download.path()).read_bytes()))
    assert str(event["SUMMARY"]) == shown[soc], event["SUMMARY"]
    assert event.decoded("DTSTART") == start.replace(tzinfo=ALMATY).astimezone(UTC), event.decoded("DTSTART")
    assert event.decoded("DTEND") == start.replace(hour=18, tzinfo=ALMATY).astimezone(UTC)
    assert "Astana" in str(event["LOCATION"]) and str(event["URL"]).endswith(meeting_path)
    # ... and the feed, from the profile: it carries the same meeting (the same UID, so calendars merge them).
    d.click(d.link("My profile"))
    d.click(d.button("Make a new feed address"))
    feed = d.page.locator("#https-url").input_value()
    calendar = Calendar.from_ical(d.page.request.get(feed).body())
    summaries = {str(fed["UID"]): str(fed["SUMMARY"]) for fed in calendar.walk("VEVENT")}
    assert summaries.get(str(event["UID"])) == shown[soc], summaries

    # An observer's delegate does not see it, and is refused it by its address.
    b = browse.open(language, keyboard)
    b.log_in(people["observer"])
    b.click(b.link("Inbox"))
    expect(b.page.locator("main")).not_to_contain_text(symbol)
    for path in (document_path, file_path):
        response = b.goto(path)
        assert response.status in (403, 404), (path, response.status)
        expect(b.page.locator("main")).not_to_contain_text(document_title[ru])
        expect(b.page.get_by_role("heading", level=1)).to_have_text(str(response.status))
    browse.finish()


def schedule(o, body_name: str, english: str, russian: str, start: datetime, prepares: str | None = None) -> None:
    """From anywhere: Meetings, then the scheduling form, filled and saved."""
    o.click(o.link("Meetings"))
    o.click(o.link("Schedule a meeting"))
    o.choose(o.field("Body"), body_name)
    o.fill(o.field("Title (English)"), english)
    o.fill(o.field("Title (Russian)"), russian)
    o.fill_time(o.field("Starts (local time of the meeting)"), f"{start:%Y-%m-%dT%H:%M}")
    o.fill_time(o.field("Ends (local time of the meeting)"), f"{start:%Y-%m-%dT18:00}")
    o.fill(o.field("City"), "Astana")
    if prepares:
        o.choose(o.field("Prepares the SOC (SWG sessions only)"), prepares)
    o.click(o.button("Save"))


def one_event(calendar: Calendar):
    """A downloaded meeting file: published (not an invitation), with one event."""
    assert str(calendar["METHOD"]) == "PUBLISH", calendar["METHOD"]
    events = calendar.walk("VEVENT")
    assert len(events) == 1, events
    return events[0]
