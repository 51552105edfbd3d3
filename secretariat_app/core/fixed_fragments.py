"""Parts of pages whose text depends only on the page's language and the script
root (and on what `by` names): rendered once per process and key, then written
again as they are on every page, with the reader's few values (`holes`) put in
their places, escaped. The layout's header, footer and main navigation and the
inbox's fixed text are such parts: rendered on every request they cost about
forty template calls (translations, url_for), a tenth of an inbox page's Python.

A fragment is rendered with its holes as markers (a NUL character around the
hole's name), then cut at them; a hole must therefore be written as it is
(`{{ who }}`, or as a translation's variable), not through a filter, and every
hole given must come out exactly once (else the render raises).

Kept per process and never invalidated across processes, safely: the key holds
the language, the script root and `by`, computed on every request; the
templates and catalogues change only with a deployment, which restarts every
process. A fragment must read nothing else: its template's free names are held
to translations, url_for and its holes (tests/web/test_fixed_fragments.py; the
navigation, which reads the reader's kind and the page, in
tests/web/test_navigation_cache.py)."""
from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request
from markupsafe import Markup, escape

from secretariat_app.core.localisation import current_language

_KEPT: dict[tuple[Any, ...], tuple[str, ...]] = {}
_KEPT_AT_MOST = 4096  # fragments × languages × (kinds × pages for the navigation): a few hundred in practice
_MARK = "\x00"


def fixed(name: str, by: tuple[Any, ...] = (), **holes: Any) -> Markup:
    """Template `name` as rendered for this language, script root and `by`, with
    `holes` (values of this request) written in their places, escaped."""
    key = (id(current_app), current_language(), request.script_root, name, by, tuple(holes))
    parts = _KEPT.get(key)
    if parts is None:
        parts = _cut(name, tuple(holes))
        if len(_KEPT) >= _KEPT_AT_MOST:
            _KEPT.clear()
        _KEPT[key] = parts
    if len(parts) == 1:
        return Markup(parts[0])
    html = [parts[0]]
    for index in range(1, len(parts), 2):
        html.append(str(escape(holes[parts[index]])))
        html.append(parts[index + 1])
    return Markup("".join(html))


def _cut(name: str, holes: tuple[str, ...]) -> tuple[str, ...]:
    """The fragment's text cut at its holes: text, hole name, text, ... text."""
    parts = tuple(str(render_template(name, **{hole: Markup(f"{_MARK}{hole}{_MARK}") for hole in holes}))
                  .split(_MARK))
    found = parts[1::2]
    if sorted(found) != sorted(holes):
        raise RuntimeError(f"{name}: its holes {holes} came out as {found}: each must be written once, as it is")
    return parts
