"""A coordinator's year in a browser: they plan an activity of their area's
approved action plan, open the annual report, write what happened and submit
it; an officer reopens it with a reason; the coordinator submits it again and
the officer publishes it. In English with the pointer, and in Russian with the
keyboard alone."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from secretariat_app.core.forum_time import forum_today
from tests import cbm_builders as build
from tests.browser.driver import RUNS, expect
from tests.factories import officer

# One live server and one browser for all of them (tests/browser/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.parametrize("language,keyboard", RUNS)
def test_a_coordinator_reports_the_year_and_the_secretariat_publishes_it(browse, app_context, language, keyboard):
    token = uuid.uuid4().hex[:6]
    area = build.area(f"a{token}", "economic", name_en=f"Area {token}")
    held = forum_today() - timedelta(days=20)  # a one-day activity, three weeks ago
    year = held.year
    build.paper(area, period=(date(year, 1, 1), date(year + 1, 12, 31)))  # the action plan the SOC approved
    coordinator = build.coordinator_user(area, language=language)
    state = coordinator.delegation.state.name(language)
    area_name, ru = area.name(language), language == "ru"
    activity = (f"Workshop {token}", f"Семинар {token}")

    c = browse.open(language, keyboard)
    c.log_in(coordinator)
    c.click(c.link("CBMs"))
    c.click(c.page.get_by_role("link", name=area_name).first)
    c.click(c.link("Plan an activity"))
    c.fill(c.field("Title in English"), activity[0])
    c.fill(c.field("Title in Russian"), activity[1])
    c.choose(c.field("Type"), c.t("workshop"))
    c.fill_date(c.field("Planned first day"), held.isoformat())
    c.fill_date(c.field("Planned last day"), held.isoformat())
    c.fill(c.field("Venue"), "Astana")
    c.choose(c.field("Responsible state (a member state)"), state)
    c.click(c.button("Save"))
    expect(c.page.get_by_role("status")).to_have_text(c.t("The activity %(title)s has been saved.",
                                                          title=activity[ru]))

    c.fill(c.field("Open the annual report for"), str(year))
    c.click(c.button("Open"))
    expect(c.page.get_by_role("status")).to_have_text(c.t("The annual report for %(year)d has been opened.",
                                                          year=year))
    heading = c.t("Implementation report for %(year)s: %(area)s", year=year, area=area_name)
    expect(c.page.get_by_role("heading", level=1)).to_have_text(heading)
    c.click(c.link("Report what happened"))
    expect(c.field("Held on (first day)")).to_have_value(held.isoformat())  # as planned
    c.fill(c.field("Number of participants"), "35")
    c.fill(c.field("Outcome in English"), "Thirty-five officials trained in risk assessment.")
    c.click(c.button("Save the activity report"))
    expect(c.page.get_by_role("status")).to_have_text(c.t("What happened at %(title)s has been recorded.",
                                                          title=activity[ru]))
    submit(c, year)

    # The officer reopens it with a reason ...
    reason = f"Give the participating states ({token})."
    o = browse.open(language, keyboard)
    o.log_in(officer(language=language))
    open_report(o, area_name, year)
    o.click(o.link("Reopen for correction"))
    o.fill(o.field("Why is the report reopened?"), reason)
    o.click(o.button("Reopen for correction"))
    expect(o.page.get_by_role("status")).to_have_text(
        o.t("The report is a draft again; the coordinators can correct and submit it."))

    # ... the coordinator sees why, corrects and submits again; the officer publishes it.
    open_report(c, area_name, year)
    expect(c.page.locator("main")).to_contain_text(reason)
    c.click(c.link("Correct what happened"))
    c.tick(c.page.get_by_role("checkbox", name=state, exact=True))
    c.click(c.button("Save the activity report"))
    submit(c, year)
    open_report(o, area_name, year)
    o.click(o.button("Publish (observers may read it)"))
    expect(o.page.get_by_role("status")).to_have_text(o.t("The report has been published."))
    browse.finish()


def open_report(d, area_name: str, year: int) -> None:
    d.click(d.link("CBMs"))
    d.click(d.page.get_by_role("link", name=area_name).first)
    d.click(d.link("Report for %(year)s", year=year))


def submit(c, year: int) -> None:
    """Submit the report, which the coordinator is first asked to confirm (it locks the report)."""
    c.click(c.link("Submit to the Secretariat"))
    expect(c.page.get_by_role("heading", level=1)).to_have_text(
        c.t("Submit the implementation report for %(year)d to the Secretariat?", year=year))
    c.click(c.button("Yes, submit the report"))
    expect(c.page.get_by_role("status")).to_have_text(
        c.t("The report has been submitted. It is locked now: for a correction, ask the Secretariat to reopen it."))
