"""The guard of core/navigation.py's assumptions. It renders the main
navigation once per kind of reader, language, page (endpoint) and script root,
and serves that to everyone else with the same key. That is right only if the
navigation depends on nothing else: these tests render it fresh for another
reader of the same kind (another role within the kind, another delegation,
name, time zone), on another URL of the same page (other arguments), and
compare it with what the cache served; and they hold _nav.html to reading
nothing but what the key accounts for."""
from __future__ import annotations

import re

import pytest
from flask import render_template, template_rendered
from flask_login import login_user
from jinja2 import nodes

from secretariat_app.accounts.models.people import Role
from secretariat_app.core import fixed_fragments, navigation
from tests.conftest import log_in
from tests.factories import DelegationFactory, UserFactory, admin, delegate, officer

NAV = re.compile(r'<nav class="main-nav".*?</nav>', re.DOTALL)

# Per kind of reader: two people of that kind who differ in everything but the
# kind, and pages each opens on two URLs of the same endpoint (the second with
# other arguments). (Anonymous visitors are shown no navigation: base.html.)
KINDS = {
    "secretariat": (lambda language: admin(language=language, timezone="Europe/Moscow"),
                    lambda language: officer(language=language, timezone="Asia/Almaty"),
                    [("/admin/", "/admin/?tab=x"), ("/documents/", "/documents/?q=abc&page=2"),
                     ("/decisions/", "/decisions/?year=2024")]),
    "delegate": (lambda language: delegate(DelegationFactory(), language=language, timezone="Asia/Tokyo"),
                 lambda language: UserFactory(roles=[Role.COORDINATOR], delegation=DelegationFactory(),
                                              language=language, timezone="UTC"),
                 [("/delegation/", "/delegation/?x=1"), ("/inbox/", "/inbox/?after=1_2_3"),
                  ("/my/notices/", "/my/notices/?page=2")]),
    "no kind": (lambda language: UserFactory(language=language),  # an account of no role and no delegation
                lambda language: UserFactory(language=language, timezone="America/New_York"),
                [("/my/notices/", "/my/notices/?page=2"), ("/decisions/", "/decisions/?year=2023")]),
}


def nav_of(html: str) -> str:
    found = NAV.search(html)
    assert found, "no main navigation on the page"
    return found.group(0)


def fresh_nav(app, user, url: str, language: str, script_root: str = "") -> str:
    """_nav.html rendered now for `user` on `url`, past the cache (in an application
    context of its own, as a request has: Flask-Babel keeps the locale in `g`)."""
    with app.app_context(), app.test_request_context(url, headers={"Accept-Language": language},
                                                     environ_overrides={"SCRIPT_NAME": script_root}):
        login_user(user)
        return nav_of(render_template("_nav.html"))


def visit(app, user, url: str, language: str, script_root: str = "") -> str:
    client = app.test_client()
    log_in(client, user.email)
    response = client.get(url, headers={"Accept-Language": language}, environ_overrides={"SCRIPT_NAME": script_root})
    assert response.status_code == 200, (url, response.status_code)
    return nav_of(response.get_data(as_text=True))


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_what_the_cache_serves_is_what_a_fresh_render_gives(app, app_ctx, kind, language):
    make_first, make_second, pages = KINDS[kind]
    first, second = make_first(language), make_second(language)
    rendered: list[str] = []

    def seen(sender, template, context, **extra):
        if template.name == "_nav.html":
            rendered.append(template.name)

    for url, other_url in pages:
        fixed_fragments._KEPT.clear()
        with template_rendered.connected_to(seen, app):
            before = len(rendered)
            served_first = visit(app, first, url, language)
            served_second = visit(app, second, other_url, language)
            assert len(rendered) - before == 1, f"{kind} {url}: the second reader was not served from the cache"
        assert served_first == fresh_nav(app, first, url, language), (kind, language, url)
        assert served_second == fresh_nav(app, second, other_url, language), (kind, language, other_url)


def test_the_key_keeps_apart_what_the_navigation_depends_on(app, app_ctx):
    """Kind, language, page and script root each give their own navigation."""
    fixed_fragments._KEPT.clear()
    english, russian, officer_en = delegate(language="en"), delegate(language="ru"), officer(language="en")
    inbox = visit(app, english, "/inbox/", "en")
    assert visit(app, russian, "/inbox/", "ru") == fresh_nav(app, russian, "/inbox/", "ru") != inbox
    dashboard = visit(app, officer_en, "/admin/", "en")  # the officer's bar marks the page shown
    assert visit(app, officer_en, "/documents/", "en") == fresh_nav(app, officer_en, "/documents/", "en") != dashboard
    assert visit(app, officer_en, "/decisions/", "en") != visit(app, english, "/decisions/", "en")
    mounted = visit(app, english, "/inbox/", "en", script_root="/cica")
    assert mounted == fresh_nav(app, english, "/inbox/", "en", script_root="/cica") != inbox
    assert 'href="/cica/inbox/"' in mounted


def test_the_navigation_reads_only_what_its_cache_key_accounts_for(app):
    """_nav.html may read the reader only through is_secretariat and is_delegate
    (the kind), the request only for its endpoint (the page), and otherwise
    translations (the language) and url_for (the script root). Anything else
    would be served to readers it was not rendered for: add it to the key in
    core/navigation.py, or leave it out of the navigation."""
    source = app.jinja_env.loader.get_source(app.jinja_env, "_nav.html")[0]
    tree = app.jinja_env.parse(source)
    defined = ({node.name for node in tree.find_all(nodes.Name) if node.ctx in ("store", "param")}
               | {macro.name for macro in tree.find_all(nodes.Macro)})
    free = {node.name for node in tree.find_all(nodes.Name) if node.ctx == "load"} - defined
    assert free == {"_", "url_for", "request", "is_secretariat", "is_delegate", "current_user"}
    read_of = {name: {node.attr for node in tree.find_all(nodes.Getattr)
                      if isinstance(node.node, nodes.Name) and node.node.name == name}
               for name in ("request", "current_user")}
    assert read_of == {"request": {"endpoint"}, "current_user": set()}
    uses_of_user = [call.node.name for call in tree.find_all(nodes.Call)
                    if isinstance(call.node, nodes.Name)
                    and any(isinstance(arg, nodes.Name) and arg.name == "current_user" for arg in call.args)]
    names = [node for node in tree.find_all(nodes.Name) if node.name == "current_user"]
    assert sorted(uses_of_user) == ["is_delegate", "is_secretariat"] and len(names) == 2
    # ...and the key is made of those: the kind and the endpoint (main_nav's `by`), the language
    # and the script root (fixed_fragments.fixed's own).
    assert {"is_secretariat", "is_delegate", "endpoint"} <= set(navigation.main_nav.__code__.co_names)
    assert {"current_language", "script_root"} <= set(fixed_fragments.fixed.__code__.co_names)
