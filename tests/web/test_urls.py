"""core.urls: a URL built once with a placeholder id, then filled in per row,
is exactly what url_for builds for that row, under a script root too."""
from __future__ import annotations

import pytest
from flask import url_for

from secretariat_app.core.urls import url_template


@pytest.mark.parametrize("script_root", ["", "/cica"])
@pytest.mark.parametrize("endpoint,argument", [("inbox.document", "document_id"),
                                               ("documents.download", "version_id")])
def test_a_template_fills_in_what_url_for_builds(app, script_root, endpoint, argument):
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": script_root}):
        template = url_template(endpoint, argument)
        for value in (1, 9, 10, 987, 2**31 - 1):
            assert template(value) == url_for(endpoint, **{argument: value})
        assert template.prefix.startswith(script_root + "/")


def test_a_query_argument_works_the_same(app):
    with app.test_request_context("/"):
        assert url_template("inbox.index", "page")(3) == url_for("inbox.index", page=3)
