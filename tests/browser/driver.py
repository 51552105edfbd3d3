"""A journey's hands: one set of actions (go, click, fill, choose, tick, attach)
done either with the pointer or with the keyboard alone (Tab to the element,
then Enter, typing, arrow keys or Space), so the same journey runs both ways.

Every action that loads a page waits for it and has it checked (checks.py);
labels and button names are given in English and shown to the browser in the
reader's language through the app's own catalogue (`t`)."""
from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path

import pyotp
import pytest
from babel.support import NullTranslations, Translations

try:
    from playwright.sync_api import expect
except ImportError:  # the `chromium` fixture says so: a skip on a laptop, a failure under CI=true
    expect = None

from tests.browser.checks import VisitChecks
from tests.factories import PASSWORD, TOTP_SECRET

__all__ = ["RUNS", "Driver", "expect"]

# How each journey runs: in English with the pointer, and in Russian with the
# keyboard alone (so both languages, and every step by keyboard, are covered).
RUNS = [pytest.param("en", False, id="en"), pytest.param("ru", True, id="ru-keyboard")]

TRANSLATIONS = Path(__file__).resolve().parents[2] / "secretariat_app" / "translations"
MAX_TABS = 400
# The months as the pages write a day ("20 December 2026", "20 декабря 2026"), written
# out here rather than taken from the app or Babel, so that the journeys check the style.
MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
           "ноября", "декабря"),
}


@cache
def catalogue(language: str) -> NullTranslations:
    if language == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [language], domain="messages")


class Driver:
    def __init__(self, page, language: str, keyboard: bool):
        self.page = page
        self.language = language
        self.keyboard = keyboard
        self.checks = VisitChecks(page, page.viewport_size)

    # Words -----------------------------------------------------------------------

    def t(self, message: str, **params) -> str:
        """`message` as the reader sees it (the app's catalogue), with its parameters."""
        text = catalogue(self.language).gettext(message)
        return text % params if params else text

    def exact(self, message: str, **params) -> re.Pattern:
        """The whole visible text, translated: a name that is not just a part of a longer one."""
        return re.compile(rf"^\s*{re.escape(self.t(message, **params))}\s*$")

    def day(self, value: date) -> str:
        """A day in the one date style of the pages, in the reader's language."""
        return f"{value.day} {MONTHS[self.language][value.month - 1]} {value.year}"

    # Locators -----------------------------------------------------------------------

    def field(self, label: str, **params):
        return self.page.get_by_label(self.t(label, **params), exact=True)

    def button(self, name: str, **params):
        return self.page.get_by_role("button", name=self.exact(name, **params))

    def link(self, name: str, **params):
        return self.page.get_by_role("link", name=self.exact(name, **params))

    # Pages -------------------------------------------------------------------------

    def goto(self, path: str):
        """Open an address (a bookmark, or a link from a mail); the page is checked."""
        response = self.page.goto(path)
        self.checks.page_loaded()
        return response

    def log_in(self, user) -> None:
        """Through the login form, and for staff the code their authenticator app
        shows now (pyotp with the factories' secret; each journey's staff log in once)."""
        self.goto("/auth/login")
        self.fill(self.field("E-mail"), user.email)
        self.fill(self.field("Password"), PASSWORD)
        self.click(self.button("Log in"))
        if self.page.url.endswith("/auth/second-factor"):
            self.fill(self.field("Code from your authenticator app, or a recovery code"),
                      pyotp.TOTP(TOTP_SECRET).now())
            self.click(self.button("Verify"))
        expect(self.page).not_to_have_url(re.compile(r"/auth/"))

    # Actions -----------------------------------------------------------------------

    def click(self, locator, navigates: bool = True) -> None:
        """Follow a link or press a button; a page it loads is checked."""
        if navigates:
            with self.page.expect_navigation():
                self._press(locator)
            self.checks.page_loaded()
        else:
            self._press(locator)

    def _press(self, locator) -> None:
        if self.keyboard:
            self.tab_to(locator)
            self.page.keyboard.press("Enter")
        else:
            locator.click()

    def fill(self, locator, text: str) -> None:
        if self.keyboard:
            self.tab_to(locator)
            self.page.keyboard.press("Control+A")
            self.page.keyboard.press("Delete")
            self.page.keyboard.type(text)
        else:
            locator.fill(text)

    def fill_time(self, locator, value: str) -> None:
        """A datetime-local field, `value` as YYYY-MM-DDTHH:MM. By keyboard, typed
        segment by segment as headless chromium lays the field out whatever the
        page's language (mm/dd/yyyy, hh:mm AM/PM; the year takes up to six digits,
        so Tab moves on from it); the value the field then holds is checked."""
        if self.keyboard:
            day, time = value.split("T")
            year, month, dom = day.split("-")
            hour, minute = (int(part) for part in time.split(":"))
            self.tab_to(locator)
            self.page.keyboard.type(f"{month}{dom}{year}")
            self.page.keyboard.press("Tab")
            self.page.keyboard.type(f"{(hour + 11) % 12 + 1:02d}{minute:02d}{'P' if hour >= 12 else 'A'}")
        else:
            locator.fill(value)
        actual = locator.input_value()
        assert actual == value, f"the field holds {actual!r}, not {value!r}"

    def fill_date(self, locator, value: str) -> None:
        """A date field, `value` as YYYY-MM-DD; by keyboard typed as chromium lays it out (mm/dd/yyyy)."""
        if self.keyboard:
            year, month, day = value.split("-")
            self.tab_to(locator)
            self.page.keyboard.type(f"{month}{day}{year}")
        else:
            locator.fill(value)
        actual = locator.input_value()
        assert actual == value, f"the field holds {actual!r}, not {value!r}"

    def choose(self, locator, label: str) -> None:
        """The option of a select whose text is `label` (already in the reader's words)."""
        if self.keyboard:
            self.tab_to(locator)
            labels = locator.evaluate("s => Array.from(s.options, o => o.text.trim())")
            target = labels.index(label)
            current = locator.evaluate("s => s.selectedIndex")
            key = "ArrowDown" if target > current else "ArrowUp"
            for _ in range(abs(target - current)):
                self.page.keyboard.press(key)
            assert locator.evaluate("s => s.selectedIndex") == target
        else:
            locator.select_option(label=label)

    def tick(self, locator) -> None:
        if self.keyboard:
            self.tab_to(locator)
            self.page.keyboard.press("Space")
            assert locator.is_checked()
        else:
            locator.check()

    def pick(self, radio) -> None:
        """A radio button; by keyboard, Tab into its group, then the arrow keys to it."""
        if self.keyboard:
            name = radio.get_attribute("name")
            group = self.page.locator(f'input[type="radio"][name="{name}"]')
            self.tab_to(group)
            for _ in range(group.count()):
                if radio.is_checked():
                    break
                self.page.keyboard.press("ArrowDown")
            assert radio.is_checked()
        else:
            radio.check()

    def attach(self, locator, path: Path) -> None:
        """A file input: by keyboard, Space opens the file chooser, where the file is picked."""
        if self.keyboard:
            self.tab_to(locator)
            with self.page.expect_file_chooser() as chooser:
                self.page.keyboard.press("Space")
            chooser.value.set_files(path)
        else:
            locator.set_input_files(path)

    def download(self, locator):
        """Follow a link that gives a file; returns Playwright's Download."""
        with self.page.expect_download() as download:
            self._press(locator)
        return download.value

    def open_file(self, locator):
        """Follow a link to a file the browser shows itself (a PDF opens in its viewer),
        then go back to the page; returns the status and headers the file came with,
        and its bytes as this person's browser gets them from its address (the body
        of a navigation the PDF viewer took over is the viewer's own page)."""
        with self.page.expect_navigation() as navigation:
            self._press(locator)
        response = navigation.value
        self.checks.file_shown(response)
        status, headers = response.status, response.all_headers()
        self.page.go_back()
        self.checks.page_loaded()
        return status, headers, self.page.request.get(response.url).body()

    def tab_to(self, locator) -> None:
        """Press Tab until `locator` (or one of the elements it finds) has the focus,
        as a keyboard user does; one already focused counts (autofocus). It must get
        there, and show that it has the focus."""
        handles = locator.element_handles()
        assert handles, f"{locator} is not on {self.checks.where()}"
        focused = "(el, others) => [el, ...others].find(x => x === document.activeElement) || null"
        for attempt in range(MAX_TABS + 1):
            if attempt:
                self.page.keyboard.press("Tab")
            active = handles[0].evaluate_handle(focused, handles[1:]).as_element()
            if active is not None:
                self.checks.focus_visible(active)
                return
        raise AssertionError(f"{locator} is not reached with Tab on {self.checks.where()}")

    # Findings ---------------------------------------------------------------------------

    def problems(self) -> list[str]:
        """What the visited pages showed, and any page visited but not checked."""
        return self.checks.problems + [f"visited but not checked: {url}" for url in self.checks.unchecked()]
