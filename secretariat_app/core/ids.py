"""Ids in URLs: `<int:...>` matches only what a database id can be.

Every table's key is an INTEGER: 32 bits on PostgreSQL (64 on SQLite). Werkzeug's
int converter accepts any number of digits, and an id past 2**31 - 1 reached
PostgreSQL and failed there ("integer out of range", a 500; past 2**63 - 1 on
SQLite too; schemathesis found it through the API). With this converter such a
URL matches no route, so it is a 404 like any other unknown id."""
from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

LARGEST_ID = 2**31 - 1  # PostgreSQL's INTEGER, every table's key


class IdConverter(IntegerConverter):
    """The int converter, bounded to what a key holds unless a route asks otherwise."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def register_id_converter(app: Flask) -> None:
    """Before any route is added: every `<int:...>` in the URL map is bounded."""
    app.url_map.converters["int"] = IdConverter
