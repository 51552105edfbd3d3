"""The silence procedure in a browser: an officer drafts a decision to be taken
by silence and circulates it; nobody objects, the deadline passes and the
decision is adopted the next day. A second draft is circulated and a member
delegation's written objection, recorded by the officer, stops it. In English
with the pointer, and in Russian with the keyboard alone."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from secretariat_app.accounts.models.states import MembershipStatus
from secretariat_app.core.forum_time import forum_today
from secretariat_app.decisions.services.decisions import close_silence_procedures
from secretariat_app.domain.silence import default_deadline
from tests.browser.driver import RUNS, expect
from tests.browser.reference import delegation_of
from tests.documents_helpers import body
from tests.factories import officer

# One live server and one browser for all of them (tests/browser/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.parametrize("language,keyboard", RUNS)
def test_one_draft_is_adopted_by_silence_and_an_objection_stops_another(browse, app_context, language, keyboard):
    token = uuid.uuid4().hex[:6]
    member = delegation_of(MembershipStatus.MEMBER)
    soc = body("SOC").name(language)
    deadline = default_deadline(forum_today())

    o = browse.open(language, keyboard)
    o.log_in(officer(language=language))
    adopted = draft_and_circulate(o, soc, f"Venue of the next SOC ({token})", f"Место следующего КСДЛ ({token})")
    objected = draft_and_circulate(o, soc, f"Budget of the Secretariat ({token})", f"Бюджет Секретариата ({token})")

    # A member objects to the second draft, in writing; the officer records it.
    o.click(o.link("Record an objection"))
    o.choose(o.field("Delegation"), f"{member.name(language)} ({o.t('member')})")
    o.fill(o.field("Text of the objection"), "The budget needs another reading.")
    o.click(o.button("Record the objection"))
    expect(o.page.get_by_role("status")).to_have_text(
        o.t("The objection has been recorded: the silence procedure on %(ref)s is stopped.", ref=objected))
    expect(o.page.locator("[data-status]")).to_have_text(o.t("stopped by an objection"))

    # Nobody objects to the first: the deadline passes, and the worker's nightly
    # task closes the procedure the day after (the test stands in for the clock).
    close_silence_procedures(today=deadline + timedelta(days=1))
    o.click(o.link("Decisions"))
    o.click(o.page.get_by_role("link", name=adopted, exact=True))
    expect(o.page.locator("[data-status]")).to_have_text(o.t("adopted"))
    adopted_on = o.page.locator("dt", has_text=o.exact("Adopted on")).locator("xpath=following-sibling::dd[1]")
    expect(adopted_on).to_have_text(o.day(deadline + timedelta(days=1)))
    browse.finish()


def draft_and_circulate(o, body_name: str, english: str, russian: str) -> str:
    """A draft decision of the SOC taken by silence, circulated with the proposed deadline; its reference."""
    o.click(o.link("Decisions"))
    o.click(o.link("New decision"))
    o.choose(o.field("Body"), body_name)
    o.choose(o.field("Taken"), o.t("by the silence procedure"))
    o.fill(o.field("Title in English"), english)
    o.fill(o.field("Title in Russian"), russian)
    o.fill(o.field("Text in English"), "The Committee decides as proposed.")
    o.click(o.button("Save"))
    reference = o.page.locator("h1 small").inner_text().strip("()")
    expect(o.page.get_by_role("status")).to_have_text(o.t("Decision %(ref)s has been saved.", ref=reference))
    o.click(o.link("Circulate for silence"))
    deadline = default_deadline(forum_today())
    expect(o.field("Deadline (silence can be broken until the end of this day)")).to_have_value(deadline.isoformat())
    o.click(o.button("Circulate for silence"))
    expect(o.page.get_by_role("status")).to_have_text(
        o.t("Decision %(ref)s is under silence until %(day)s.", ref=reference, day=o.day(deadline)))
    expect(o.page.locator("[data-status]")).to_have_text(o.t("under silence"))
    return reference
