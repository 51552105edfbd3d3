"""What every page a journey visits must pass: axe-core (0 critical, 0 serious
violations) and no sideways scroll at 1280 px and at 390 px; and, when a journey
is driven by the keyboard, a visible focus on each element it reaches.

Problems are collected rather than raised at once, so that one run names every
page and rule at fault; the test fails at its end (Driver.finish) with all of them."""
from __future__ import annotations

from urllib.parse import urlsplit

WIDE = {"width": 1280, "height": 900}  # where every journey runs
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = ("critical", "serious")

# The element's own focus indicator, as the browser draws it: an outline or a box shadow.
FOCUS_STYLE_JS = """el => {
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return {outline, shadow: style.boxShadow !== 'none',
          tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || el.name || '').trim().slice(0, 60)};
}"""


AXE_RUN_JS = "axe.run(document, {resultTypes: ['violations']})"


def axe_source() -> str:
    """axe-core as axe-playwright-python bundles it; injected into each document by the context."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


class VisitChecks:
    def __init__(self, page, wide: dict):
        self.page = page
        self.wide = wide
        self.problems: list[str] = []
        self.visited: list[str] = []  # every document the page loaded, in order
        self.checked: set[str] = set()
        self.files: set[str] = set()  # files the browser showed itself (a PDF in its viewer): no page of the app
        page.on("framenavigated", lambda frame: frame == page.main_frame and self.visited.append(frame.url))

    def where(self) -> str:
        parts = urlsplit(self.page.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def page_loaded(self) -> None:
        """The checks of the page now shown; once per document loaded."""
        self.page.wait_for_load_state("load")
        where = self.where()
        self.accessibility(where)
        self.fits(where)
        self.checked.add(self.page.url)

    def accessibility(self, where: str) -> None:
        results = self.page.evaluate(AXE_RUN_JS)
        for violation in results["violations"]:
            if violation["impact"] in BLOCKING_IMPACTS:
                targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
                self.problems.append(f"axe {violation['impact']} {violation['id']} on {where}: {targets}")

    def fits(self, where: str) -> None:
        for size in (self.wide, PHONE):
            self.page.set_viewport_size(size)
            scroll, inner = self.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if scroll > inner:
                self.problems.append(f"{where} at {size['width']} px is {scroll} px wide (window {inner})")
        self.page.set_viewport_size(self.wide)

    def file_shown(self, response) -> None:
        """A file the browser showed in place of a page; it must not be an HTML page (those are checked)."""
        content_type = response.header_value("content-type") or ""
        if content_type.split(";")[0].strip() in ("text/html", "application/xhtml+xml"):
            self.problems.append(f"{response.url} was taken for a file but is a page ({content_type})")
        self.files.add(response.url)

    def focus_visible(self, handle) -> None:
        style = handle.evaluate(FOCUS_STYLE_JS)
        if not (style["outline"] or style["shadow"]):
            self.problems.append(f"no visible focus on <{style['tag']}> “{style['text']}” at {self.where()}")

    def unchecked(self) -> list[str]:
        return [url for url in self.visited if url not in self.checked | self.files and url != "about:blank"]
