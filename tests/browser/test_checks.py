"""The page checks can fail: a page with an axe violation, a page wider than
the window and an element whose focus is not shown are each reported (served
by a route of the browser context itself, no app needed)."""
from __future__ import annotations

import pytest

from tests.browser.checks import WIDE, VisitChecks, axe_source

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

BAD_PAGE = """<!doctype html><html lang="en"><head><title>Bad</title></head><body><main>
<h1>Bad</h1><img src="x.png"><div style="width: 700px">wide on a phone</div>
<button style="outline: none">No ring</button></main></body></html>"""
TEXT_HTML = "text/html; charset=utf-8"
GOOD_PAGE = """<!doctype html><html lang="en"><head><title>Good</title></head><body><main>
<h1>Good</h1><p>Fits.</p><button>Ring</button></main></body></html>"""


def serving(html: str):
    return lambda route, _request: route.fulfill(body=html, content_type=TEXT_HTML)


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport=WIDE, bypass_csp=True)
    context.add_init_script(script=axe_source())
    for name, html in (("bad", BAD_PAGE), ("good", GOOD_PAGE)):
        context.route(f"http://checks.test/{name}", serving(html))
    yield context.new_page()
    context.close()


def test_each_check_reports_what_it_finds(page):
    checks = VisitChecks(page, WIDE)
    page.goto("http://checks.test/bad")
    checks.page_loaded()
    page.keyboard.press("Tab")
    checks.focus_visible(page.get_by_role("button").element_handle())
    found = "\n".join(checks.problems)
    assert "axe critical image-alt on /bad: img" in found
    assert "/bad at 390 px is" in found and "/bad at 1280 px" not in found
    assert "no visible focus on <button> “No ring” at /bad" in found
    assert len(checks.problems) == 3, found

    checks.problems.clear()
    page.goto("http://checks.test/good")
    checks.page_loaded()
    page.keyboard.press("Tab")
    checks.focus_visible(page.get_by_role("button").element_handle())
    assert checks.problems == [] and checks.unchecked() == []


def test_a_page_taken_for_a_file_is_reported_and_a_file_is_not_left_unchecked(page):
    checks = VisitChecks(page, WIDE)
    page.route("http://checks.test/file.pdf", lambda route, _request: route.fulfill(
        body=b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))
    checks.file_shown(page.goto("http://checks.test/file.pdf"))
    assert checks.problems == [] and checks.unchecked() == []
    response = page.goto("http://checks.test/good")
    checks.file_shown(response)
    assert checks.problems == [f"http://checks.test/good was taken for a file but is a page ({TEXT_HTML})"]
    assert checks.unchecked() == []  # the page was taken for a file, and reported as such above
