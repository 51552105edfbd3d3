"""The words of the OpenAPI document, in the reader's language: its description, each operation's
summary and description, each parameter's, response's and schema field's description.

The document is written in English by the code (api/openapi.py, the views' summaries and
docstrings, the schemas' field descriptions); `translated` gives a copy with each of these
texts passed through the catalogue (secretariat_app/translations). Babel finds them in
api/spec_messages.py, which lists them all and is written from the document itself:

    PYTHONPATH=. .venv/bin/python -m secretariat_app.api.spec_text   # after changing a text

tests/api/test_openapi.py fails while that list is not the document's, or a text has no
Russian translation."""
from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

MESSAGES = Path(__file__).with_name("spec_messages.py")
METHODS = ("get", "post", "put", "patch", "delete")
_NESTED = ("properties", "$defs")
_ONE = ("items", "additionalProperties")
_MANY = ("anyOf", "allOf", "oneOf", "prefixItems")


def _schema_places(schema: Any) -> Iterator[dict[str, Any]]:
    """Every (sub)schema of `schema` that may carry a description."""
    if not isinstance(schema, dict):
        return
    yield schema
    for key in _NESTED:
        for nested in (schema.get(key) or {}).values():
            yield from _schema_places(nested)
    for key in _ONE:
        yield from _schema_places(schema.get(key))
    for key in _MANY:
        for nested in schema.get(key) or []:
            yield from _schema_places(nested)


def _places(document: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """(object, key) of each text the reader reads, in the document's order."""
    yield document.setdefault("info", {}), "description"
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method not in METHODS or not isinstance(operation, dict):
                continue
            yield operation, "summary"
            yield operation, "description"
            for parameter in operation.get("parameters", []):
                yield parameter, "description"
                for place in _schema_places(parameter.get("schema")):
                    yield place, "description"
            for response in operation.get("responses", {}).values():
                yield response, "description"
    for schema in document.get("components", {}).get("schemas", {}).values():
        for place in _schema_places(schema):
            yield place, "description"


def texts(document: dict[str, Any]) -> list[str]:
    """Each distinct text of the document, in its order."""
    found: dict[str, None] = {}
    for place, key in _places(document):
        if isinstance(place.get(key), str) and place[key]:
            found.setdefault(place[key], None)
    return list(found)


def translated(document: dict[str, Any], gettext: Callable[[str], str]) -> dict[str, Any]:
    """A copy of `document` with each text as `gettext` gives it."""
    copied = copy.deepcopy(document)
    for place, key in _places(copied):
        if isinstance(place.get(key), str) and place[key]:
            place[key] = gettext(place[key])
    return copied


def messages_source(document: dict[str, Any]) -> str:
    """api/spec_messages.py for `document`: each text marked for Babel."""
    lines = ["# ruff: noqa: E501  (each text on one line, as the document holds it)",
             '"""The texts of the OpenAPI document, for Babel to extract (written by api/spec_text.py:',
             '`python -m secretariat_app.api.spec_text`; do not edit by hand)."""',
             "from secretariat_app.domain.violations import N_", "", "MESSAGES = ("]
    lines += [f"    N_({text!r})," for text in sorted(texts(document))]  # sorted: the same file from any run
    lines.append(")")
    return "\n".join(lines) + "\n"


def main() -> None:
    from config import TestConfig
    from secretariat_app import create_app
    from secretariat_app.api.openapi import english_spec

    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        MESSAGES.write_text(messages_source(english_spec()))
    print(f"wrote {MESSAGES}")


if __name__ == "__main__":
    main()
