"""The top navigation: a Secretariat officer's daily work in the bar, the
administration pages under one "Administration" disclosure menu (a <details>,
no JavaScript), every one of them linked from the Secretariat dashboard too;
a delegate's navigation unchanged."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from flask import url_for

from tests.conftest import log_in
from tests.factories import delegate, officer

DAILY = [("admin.dashboard", "Dashboard"), ("meetings.calendar", "Meetings"), ("documents.archive", "Documents"),
         ("decisions.index", "Decisions"), ("negotiations.index", "Negotiations"), ("cbm.index", "CBMs"),
         ("cbm.overview", "CBM overview"), ("chair.index", "Chairmanship"), ("cycles.overview", "Rhythm")]
ADMINISTRATION = [("admin.states", "States and memberships"), ("admin.delegations", "Delegations"),
                  ("admin.users", "Users"), ("admin.staff", "Staff"), ("admin.audit_log", "Audit log"),
                  ("notices.failed", "Failed notices")]
DELEGATE = [("delegation.home", "My delegation"), ("inbox.index", "Inbox"), ("delegation.meetings", "Meetings"),
            ("decisions.index", "Decisions"), ("negotiations.index", "Negotiations"), ("cbm.index", "CBMs"),
            ("cbm.overview", "CBM overview")]


@dataclass
class Link:
    href: str
    text: str = ""
    current: str | None = None  # its aria-current


@dataclass
class Page:
    """What a page shows in its main navigation and in its <main>."""
    bar: list[Link] = field(default_factory=list)  # links of the nav outside any menu
    menus: list[dict] = field(default_factory=list)  # {"summary", "classes", "open", "links"}
    main: list[Link] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.page = Page()
        self.in_nav = self.in_main = self.in_summary = False
        self.menu: dict | None = None
        self.link: Link | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "main-nav" in (attrs.get("class") or "").split():
            self.in_nav = True
        elif tag == "main":
            self.in_main = True
        elif tag == "details" and self.in_nav:
            self.menu = {"summary": "", "classes": (attrs.get("class") or "").split(), "open": "open" in attrs,
                         "links": []}
            self.page.menus.append(self.menu)
        elif tag == "summary" and self.menu is not None:
            self.in_summary = True
        elif tag == "a" and (self.in_nav or self.in_main):
            self.link = Link(attrs.get("href", ""), current=attrs.get("aria-current"))
            if self.in_main:
                self.page.main.append(self.link)
            elif self.menu is not None:
                self.menu["links"].append(self.link)
            else:
                self.page.bar.append(self.link)

    def handle_endtag(self, tag):
        if tag == "nav":
            self.in_nav = False
        elif tag == "main":
            self.in_main = False
        elif tag == "details":
            self.menu = None
        elif tag == "summary":
            self.in_summary = False
        elif tag == "a":
            self.link = None

    def handle_data(self, data):
        if self.link is not None:
            self.link.text += data.strip()
        elif self.in_summary:
            self.menu["summary"] += data.strip()


def read(client, url: str, **kwargs) -> Page:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    reader = _Reader()
    reader.feed(response.get_data(as_text=True))
    return reader.page


def urls(app, pages: list[tuple[str, str]]) -> list[tuple[str, str]]:
    with app.test_request_context():
        return [(url_for(endpoint), label) for endpoint, label in pages]


def pairs(links: list[Link]) -> list[tuple[str, str]]:
    return [(link.href, link.text) for link in links]


def test_an_officer_has_the_daily_work_in_the_bar_and_administration_in_one_menu(app, app_ctx, client):
    log_in(client, officer().email)
    page = read(client, "/admin/")
    assert pairs(page.bar) == urls(app, DAILY)
    assert len(page.menus) == 1
    menu = page.menus[0]
    assert menu["summary"] == "Administration"
    assert not menu["open"]  # closed until asked for: it does not cover the page
    assert pairs(menu["links"]) == urls(app, ADMINISTRATION)


def test_every_page_of_the_menu_opens_for_an_officer(app, app_ctx, client):
    log_in(client, officer().email)
    for href, _label in pairs(read(client, "/admin/").menus[0]["links"]):
        assert client.get(href).status_code == 200, href


def test_the_page_being_shown_is_marked_in_the_navigation(app, app_ctx, client):
    log_in(client, officer().email)
    meetings, = (href for href, label in urls(app, DAILY) if label == "Meetings")
    users, = (href for href, label in urls(app, ADMINISTRATION) if label == "Users")

    page = read(client, meetings)
    assert [link.href for link in page.bar if link.current == "page"] == [meetings]
    assert not any(link.current for link in page.menus[0]["links"])
    assert "is-current" not in page.menus[0]["classes"]

    page = read(client, users)
    assert not any(link.current for link in page.bar)
    assert [link.href for link in page.menus[0]["links"] if link.current == "page"] == [users]
    assert "is-current" in page.menus[0]["classes"]


def test_the_dashboard_links_to_every_administration_page(app, app_ctx, client):
    log_in(client, officer().email)
    main_links = pairs(read(client, "/admin/").main)
    for href, label in urls(app, ADMINISTRATION):
        assert (href, label) in main_links, (href, label)


def test_a_delegate_keeps_their_navigation_and_has_no_administration_menu(app, app_ctx, client):
    log_in(client, delegate().email)
    page = read(client, "/delegation/")
    assert page.menus == []
    assert pairs(page.bar) == urls(app, DELEGATE)
    assert "Administration" not in client.get("/delegation/").get_data(as_text=True)


def test_the_menu_speaks_russian(app, app_ctx, client):
    log_in(client, officer(language="ru").email)
    page = read(client, "/admin/")
    assert page.menus[0]["summary"] == "Администрирование"
    assert ("Журнал изменений" in {link.text for link in page.menus[0]["links"]})  # "Audit log"
    assert "Administration" not in client.get("/admin/").get_data(as_text=True)


def test_the_navigation_is_rendered_once_per_kind_of_reader_language_and_page(app, app_ctx):
    """secretariat_app/core/navigation.py: the same reader kind, language and page reuse
    what was rendered; another kind, language or page renders its own."""
    from flask import template_rendered

    from secretariat_app.core import fixed_fragments

    fixed_fragments._KEPT.clear()
    rendered: list[str] = []

    def seen(sender, template, context, **extra):
        if template.name == "_nav.html":
            rendered.append(template.name)

    first, second, other, russian = (app.test_client() for _ in range(4))
    log_in(first, delegate(name="D1").email)
    log_in(second, delegate(name="D2").email)
    log_in(other, officer(name="O").email)
    log_in(russian, delegate(name="D3", language="ru").email)
    with template_rendered.connected_to(seen, app):
        pages = [first.get("/inbox/"), second.get("/inbox/"), first.get("/inbox/")]
        assert len(rendered) == 1
        assert all('href="/inbox/"' in page.get_data(as_text=True) for page in pages)
        assert first.get("/delegation/").status_code == 200  # another page: aria-current moves
        assert len(rendered) == 2
        officer_page = other.get("/admin/").get_data(as_text=True)
        assert len(rendered) == 3 and "Administration" in officer_page
        russian_page = russian.get("/inbox/").get_data(as_text=True)
        assert len(rendered) == 4 and "Входящие" in russian_page
