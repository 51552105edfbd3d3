"""The text a reader sees on a page, and the Latin words in it that a Russian
page should not show (tests/web/test_russian_pages.py).

The text is what an HTML parser (the standard library's) gives outside
`<script>`, `<style>` and `<code>`, and outside elements marked as written in
another language (`lang="en"`: the English title of a bilingual record, a
link to the English version); attribute values are never text. A Latin
word is allowed when it is
- part of a symbol or identifier written with slashes (CICA/SOC/2026/1,
  SOC/2025/DEC/2, Asia/Almaty): every part starts with a capital or a digit;
- an e-mail address;
- a proper name the caller passes (the reference data's codes and names with
  no Russian form, the names of the people on the pages);
- one of the few words in ALLOWED below, each with its reason.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

# Every word here is allowed on every Russian page; keep the list short.
ALLOWED = frozenset({
    # Distribution markings, printed in English on the documents in both languages (as the UN's "Distr.").
    "GENERAL", "LIMITED", "RESTRICTED",
    # Names of file formats and of the paper size, as the programs that open them name them.
    "PDF", "DOCX", "XLSX", "PPTX", "ODT", "ODS", "RTF", "TXT", "PNG", "JPEG", "CSV", "ICS", "ZIP", "HTML", "A4", "TOML",
    # The time zone everyone names so; the standards and the encoding the help texts cite.
    "UTC", "ISO", "QR", "UTF-8",
    # The programming interface (/api/v1), as the ministries' IT staff who use it name it in Russian too.
    "API",
    # The programs the help texts name (calendars, spreadsheets, authenticator apps).
    "Outlook", "Apple", "Google", "Thunderbird", "Excel", "LibreOffice", "Microsoft", "Authenticator",
    "FreeOTP", "Aegis",
})

_SKIPPED = {"script", "style", "code"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_'’.-]*[A-Za-z0-9]|[A-Za-z]")
_SYMBOL = re.compile(r"^[A-Z0-9][\w.+-]*(/[A-ZА-Я0-9][\w.+-]*)+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PUNCTUATION = "()[]{},;:!?«»\"'“”„…·—–"


class _VisibleText(HTMLParser):
    """Collects the text outside the skipped elements: `<script>`, `<style>`,
    `<code>`, and any element marked as written in another language than the
    page's (`lang="en"` on the English title of a document, say)."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.skipped: str | None = None  # the tag of the skipped element we are in
        self.depth = 0  # open elements of that tag, itself included
        self.parts: list[str] = []

    def _skips(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        lang = dict(attrs).get("lang")
        return tag in _SKIPPED or (lang is not None and not lang.startswith(self.language))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        if self.skipped is None and self._skips(tag, attrs):
            self.skipped, self.depth = tag, 1
        elif tag == self.skipped:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == self.skipped:
            self.depth -= 1
            if not self.depth:
                self.skipped = None

    def handle_data(self, data: str) -> None:
        if self.skipped is None:
            self.parts.append(data)


def visible_text(html: str, language: str = "ru") -> str:
    parser = _VisibleText(language)
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)


def latin_words(html: str, names: Iterable[str] = ()) -> list[str]:
    """The Latin words of the page's visible text that are none of the allowed
    kinds above; `names`: proper names and codes to allow (whole names, split
    into words here)."""
    allowed = set(ALLOWED)
    for name in names:
        allowed.update(_WORD.findall(name))
    found = []
    for token in visible_text(html).split():
        bare = token.strip(_PUNCTUATION + ".")
        if not re.search(r"[A-Za-z]", bare):
            continue
        if _SYMBOL.match(bare) or _EMAIL.match(bare):
            continue
        found += [word for word in _WORD.findall(bare) if word not in allowed]
    return found
