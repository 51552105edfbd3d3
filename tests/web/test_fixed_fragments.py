"""core/fixed_fragments.py: the parts of pages written once per language and
script root, with the reader's values put in their holes. What it serves must
be what a fresh render gives, for every reader; the reader's values must be
escaped; and a fragment may read nothing its key does not account for."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import render_template, template_rendered
from jinja2 import nodes

from secretariat_app.core import fixed_fragments
from tests.conftest import log_in
from tests.factories import DelegationFactory, delegate

TEMPLATES = Path(fixed_fragments.__file__).resolve().parents[1]
FOOTER = re.compile(r"<footer>.*?</footer>", re.DOTALL)
ACCOUNT = re.compile(r'<form method="get" action="[^"]*/search/".*?</div>', re.DOTALL)


def _fixed_calls(app) -> dict[str, set[str]]:
    """Every fragment some template writes with fixed(), and the holes it is given."""
    found: dict[str, set[str]] = {}
    for path in TEMPLATES.glob("**/templates/**/*.html"):
        tree = app.jinja_env.parse(path.read_text())
        for call in tree.find_all(nodes.Call):
            if isinstance(call.node, nodes.Name) and call.node.name == "fixed":
                assert isinstance(call.args[0], nodes.Const), f"{path}: fixed() names its fragment as a literal"
                found.setdefault(call.args[0].value, set()).update(kw.key for kw in call.kwargs if kw.key != "by")
    return found


def test_the_fragments_read_nothing_but_translations_url_for_and_their_holes(app):
    """A fragment written once per language and script root must read nothing
    else, or another reader would be served what it read for the first. (The
    navigation also reads the reader's kind and the page, which main_nav puts in
    its key: tests/web/test_navigation_cache.py.)"""
    calls = _fixed_calls(app)
    assert {"_header_tools.html", "_footer.html", "inbox/_intro.html", "inbox/_table_head.html"} <= set(calls)
    for name, holes in calls.items():
        if name == "_nav.html":
            continue
        source = app.jinja_env.loader.get_source(app.jinja_env, name)[0]
        tree = app.jinja_env.parse(source)
        defined = {node.name for node in tree.find_all(nodes.Name) if node.ctx in ("store", "param")}
        free = {node.name for node in tree.find_all(nodes.Name) if node.ctx == "load"} - defined
        assert free <= {"_", "url_for"} | holes, (name, free - {"_", "url_for"} - holes)


def _page(app, user, language: str, script_root: str = "") -> str:
    client = app.test_client()
    log_in(client, user.email)
    response = client.get("/inbox/", headers={"Accept-Language": language},
                          environ_overrides={"SCRIPT_NAME": script_root})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_second_reader_is_served_the_fragments_with_their_own_values(app, app_ctx, language):
    fixed_fragments._KEPT.clear()
    first = delegate(DelegationFactory(), name="First Reader", language=language, timezone="Asia/Tokyo")
    second = delegate(DelegationFactory(), name='Second <b>"&" Reader</b>', language=language, timezone="Europe/Moscow")
    rendered: list[str] = []

    def seen(sender, template, context, **extra):
        rendered.append(template.name)

    with template_rendered.connected_to(seen, app):
        page_one = _page(app, first, language)
        count = len(rendered)
        page_two = _page(app, second, language)
    fragments = {"_header_tools.html", "_footer.html", "inbox/_intro.html", "inbox/_table_head.html"}
    assert fragments <= set(rendered[:count]), "the first page renders the fragments"
    assert not fragments & set(rendered[count:]), "the second reader is served them from the cache"

    for user, page in ((first, page_one), (second, page_two)):
        delegation = user.delegation_name(language)
        account = ACCOUNT.search(page).group(0)
        assert f'<span class="who">{_escaped(user.name)} · {_escaped(delegation)}</span>' in account
        assert "<b>" not in account  # the name is text, not markup
        token = re.search(r'name="csrf_token" value="([^"]+)"', account).group(1)
        assert token and token != "\x00token\x00"
        assert user.timezone in FOOTER.search(page).group(0)
    # The same as a fresh render of the fragments for the second reader.
    with app.test_request_context("/inbox/", headers={"Accept-Language": language}):
        from flask_babel import refresh
        refresh()
        assert render_template("inbox/_table_head.html") in page_two
        assert render_template("inbox/_intro.html") in page_two
        fresh_footer = render_template("_footer.html", zone=second.timezone)
        assert fresh_footer.strip() in FOOTER.search(page_two).group(0)
    english, russian = ("Unread first", "Сначала непрочитанные") if language == "en" else \
        ("Сначала непрочитанные", "Unread first")
    assert english in page_two and russian not in page_two


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")


def test_the_key_keeps_languages_and_script_roots_apart(app, app_ctx):
    fixed_fragments._KEPT.clear()
    english, russian = delegate(language="en"), delegate(language="ru")
    page_en, page_ru = _page(app, english, "en"), _page(app, russian, "ru")
    assert ">My profile</a>" in page_en and ">My profile</a>" not in page_ru
    mounted = _page(app, english, "en", script_root="/cica")
    assert 'action="/cica/search/"' in mounted and 'href="/cica/my/profile/"' in mounted
    assert 'action="/search/"' in _page(app, english, "en")


def test_a_hole_written_through_a_filter_is_refused(app, monkeypatch):
    """A hole must come out as it was given, once: else its marker would be
    lost or changed, and the reader's value would not be written."""
    template = app.jinja_env.from_string("<p>{{ who|upper }}</p>")
    monkeypatch.setattr(fixed_fragments, "render_template", lambda name, **values: template.render(**values))
    with app.test_request_context("/"):
        fixed_fragments._KEPT.clear()
        with pytest.raises(RuntimeError, match="each must be written once"):
            fixed_fragments.fixed("upper.html", who="x")
