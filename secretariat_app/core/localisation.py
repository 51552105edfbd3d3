"""Language and time zone of the person reading the page."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TypeGuard, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale
from babel.dates import format_date as format_day_in
from babel.dates import format_datetime as format_datetime_in
from babel.units import format_unit
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import format_datetime, get_locale, get_timezone, get_translations
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from wtforms import SelectChoice

from secretariat_app.core.problems import API_OPEN_PATHS
from secretariat_app.extensions import babel


def select_locale() -> str:
    """The profile's language first, then the browser's, then English; for the JSON
    API (/api/), the request's Accept-Language first: a program says what it reads."""
    languages = current_app.config["LANGUAGES"]
    if request.path.startswith("/api/"):
        # The reference and its document may be asked for in a language by address (?lang=ru).
        chosen = request.args.get("lang") if request.path in API_OPEN_PATHS else None
        if chosen in languages:
            return str(chosen)
        # Only the token's owner, once known (g._login_user): a cookie never names the API's reader.
        asked = request.accept_languages.best_match(languages)
        reader = g.get("_login_user")
        if not asked and getattr(reader, "is_authenticated", False) and reader.language in languages:
            asked = reader.language
        return str(asked or current_app.config["BABEL_DEFAULT_LOCALE"])
    reader = current_user._get_current_object()
    if getattr(reader, "is_authenticated", False) and reader.language in languages:
        language: str = reader.language
        return language
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """The profile's time zone; the forum's (FORUM_TIMEZONE) for a person without one
    (as their profile page says) and for a visitor who is not logged in."""
    reader = current_user._get_current_object()
    if getattr(reader, "is_authenticated", False) and is_known_timezone(reader.timezone):
        zone: str = reader.timezone
        return zone
    forum_zone: str = current_app.config["FORUM_TIMEZONE"]
    return forum_zone


def is_known_timezone(name: str | None) -> TypeGuard[str]:
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def current_language() -> str:
    """The language the current page is rendered in (en or ru). The locale Flask-Babel chose
    for this request (or force_locale set) is read where Flask-Babel keeps it, once chosen,
    and named by its language: a page asks a dozen times, and get_locale() with the locale's
    str() cost five times as much."""
    kept = getattr(g, "_flask_babel", None) if g else None
    locale = getattr(kept, "babel_locale", None) or get_locale()
    if locale is None:
        return "en"
    return _language_name(locale)


def _language_name(locale: Locale) -> str:
    if locale.territory or locale.script or locale.variant:
        return str(locale)
    language: str = locale.language
    return language


def reader_language() -> str:
    """The page's language inside a request, English outside one (CLI, Celery):
    for names put into a message that the request translates and shows."""
    return current_language() if has_request_context() else "en"


T = TypeVar("T")


def name_key(name: str) -> tuple[str, str, str]:
    """Sort key of a name in an alphabetical list: case does not count, and
    Russian ё sorts with е (as in dictionaries), not after я."""
    folded = name.casefold()
    return folded.replace("ё", "е"), folded, name


def by_name(items: Iterable[T], language: str | None = None,
            of: Callable[[T], Any] | None = None) -> list[T]:
    """`items` in the alphabetical order of the names the reader sees: states,
    delegations (anything with `.name(language)`), or rows holding one, which
    `of` gives (e.g. `of=lambda invitation: invitation.delegation`). `language`
    is the page's by default; services that sort are given it by their caller.
    Python sorts what the page has loaded anyway: no statement more, and the
    same order on SQLite and PostgreSQL whatever the database's collation."""
    language = language or current_language()
    named: Callable[[T], Any] = of or (lambda item: item)
    return sorted(items, key=lambda item: name_key(named(item).name(language)))


def timezone_choices() -> list[SelectChoice]:
    return [SelectChoice(name, name) for name in sorted(available_timezones()) if "/" in name or name == "UTC"]


# The one way pages show a moment and a day, in both languages (the mails use
# the same patterns: notices/services/rendering.py): "6 December 2026, 05:38",
# "6 декабря 2026, 05:38"; 24-hour clock, month in words.
DATE_PATTERN = "d MMMM y"
DATETIME_PATTERN = "d MMMM y, HH:mm"


@lru_cache(maxsize=8)
def _month_names(language: str) -> dict[int, str]:
    """The months as DATETIME_PATTERN's MMMM writes them ("December", "декабря")."""
    return dict(Locale.parse(language).months["format"]["wide"])


def datetime_in_words(moment: datetime, language: str) -> str:
    """DATETIME_PATTERN for a moment already in the reader's zone, for the pages
    that write hundreds of rows (the inbox): the same text as `local_datetime`."""
    # The hour and minute written by hand: strftime's "%H:%M" costs five times as much (a page writes fifty).
    return f"{moment.day} {_month_names(language)[moment.month]} {moment.year}, {moment.hour:02d}:{moment.minute:02d}"


def local_datetime(value: datetime | None, zone: str | None = None) -> str:
    """A UTC moment in the reader's zone, or in `zone` (a meeting's) followed
    by the zone's name: "21 December 2026, 10:00 (Asia/Almaty)"."""
    if value is None:
        return ""
    if zone and is_known_timezone(zone):
        shown_in_zone = format_datetime_in(value, DATETIME_PATTERN, tzinfo=ZoneInfo(zone), locale=reader_language())
        return f"{shown_in_zone} ({zone})"
    shown: str = format_datetime(value, DATETIME_PATTERN)
    return shown


def local_date(value: date | datetime | None) -> str:
    """A day ("6 December 2026"); a moment is taken in the reader's zone first.
    Outside a request (a service called from a task) a day comes in English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(str(get_timezone() or "UTC")))
        value = value.date()
    language = reader_language()
    if language in _IN_WORDS:  # the same text, without Babel's pattern parse per call (a search page writes 20)
        return date_in_words(value, language)
    return str(format_day_in(value, DATE_PATTERN, locale=language))


_IN_WORDS = ("en", "ru")  # the languages whose DATE_PATTERN date_in_words writes (tests/web/test_russian_labels.py)


def date_in_words(day: date, language: str) -> str:
    """DATE_PATTERN ("d MMMM y") in English or Russian: "6 December 2026", "6 декабря 2026"."""
    return f"{day.day} {_month_names(language)[day.month]} {day.year}"


def file_size(size: int | None) -> str:
    """A file's size in the page's language: "57 bytes", "1.5 kB" / "57 байт", "1,5 кБ"."""
    if size is None:
        return ""
    language = current_language()
    if size < 1000:
        return str(format_unit(size, "digital-byte", length="long", locale=language))
    value, units = size / 1000, ["digital-kilobyte", "digital-megabyte", "digital-gigabyte"]
    while value >= 1000 and len(units) > 1:
        value, units = value / 1000, units[1:]
    return str(format_unit(value, units[0], length="short", format="#,##0.#", locale=language))


def _page_gettext() -> dict[str, Callable[..., str]]:
    """Jinja's `_()`, `gettext()` and `ngettext()` bound to this page's catalogue, looked up
    once per render rather than at every call (a page holds dozens). The same
    behaviour as the callables Flask-Babel installs (Jinja's "newstyle" gettext:
    escaped, then formatted with the variables)."""
    translations = get_translations()

    @pass_context
    def gettext(context: Context, string: str, **variables: Any) -> str:
        translated: str = translations.ugettext(string)
        if context.eval_ctx.autoescape:
            translated = Markup(translated)
        return translated % variables

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        translated: str = translations.ungettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            translated = Markup(translated)
        return translated % variables

    # `_` too: Jinja's own `_` (the i18n extension's alias) looks `gettext` up in the context at
    # every call and calls it through a second Context.call; a page holds about twenty.
    return {"gettext": gettext, "ngettext": ngettext, "_": gettext}


def register_localisation(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.context_processor(_page_gettext)
    app.jinja_env.filters["datetime"] = local_datetime
    app.jinja_env.filters["date"] = local_date
    app.jinja_env.filters["filesize"] = file_size
    # The names templates used before the one style (branches written before it still use them).
    app.jinja_env.filters["localtime"] = local_datetime
    app.jinja_env.filters["isodate"] = local_date
    app.jinja_env.filters["filesizeformat"] = file_size
    app.jinja_env.filters["by_name"] = by_name
    app.jinja_env.globals["current_locale"] = current_language
    app.jinja_env.globals["current_timezone"] = lambda: str(get_timezone() or "UTC")
