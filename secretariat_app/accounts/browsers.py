"""A browser's user agent in a few words a person recognises ("Firefox 128 on Windows")."""
from __future__ import annotations

import re

from flask_babel import gettext as _

# First match wins: Edge, Opera and others also say "Chrome" and "Safari".
BROWSERS = (
    ("Edge", re.compile(r"\bEdg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"\bOPR/(\d+)")),
    ("Yandex Browser", re.compile(r"\bYaBrowser/(\d+)")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/(\d+)")),
    ("Firefox", re.compile(r"\b(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"\b(?:Chrome|CriOS)/(\d+)")),
    ("Safari", re.compile(r"\bVersion/(\d+)[\d.]*(?: Mobile/\S+)? Safari/")),
)
SYSTEMS = (
    ("iPhone", re.compile(r"\biPhone\b")),
    ("iPad", re.compile(r"\biPad\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("macOS", re.compile(r"\bMac OS X\b|\bMacintosh\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Linux", re.compile(r"\bLinux\b")),
)
RAW_LENGTH = 60


def describe_browser(user_agent: str | None) -> str:
    """"Firefox 128 on Windows", "Safari 17 on iPhone"; what it cannot name, as
    given (shortened); an empty one as "unknown browser"."""
    agent = (user_agent or "").strip()
    browser = next((f"{name} {found.group(1)}" for name, pattern in BROWSERS if (found := pattern.search(agent))),
                   None)
    system = next((name for name, pattern in SYSTEMS if pattern.search(agent)), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    if browser or system:
        return browser or system or ""
    if not agent:
        return _("unknown browser")
    return agent if len(agent) <= RAW_LENGTH else agent[:RAW_LENGTH - 1] + "…"
