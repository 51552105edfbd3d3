"""The OpenAPI 3.1 document (/api/v1/openapi.json) and its readable reference page
(/api/v1/), both open to anyone: they describe the API, never its data. The
document is APIFlask's, generated from the views and their typed schemas
(api/openapi.py finishes it); the page is rendered from that same document."""
from __future__ import annotations

from flask import Response, json, render_template
from flask_babel import get_locale

from secretariat_app.api.openapi import spec
from secretariat_app.api.v1 import bp
from secretariat_app.permissions import Audience, access

METHODS = ("get", "post", "put", "patch", "delete")


@bp.get("/openapi.json")
@bp.doc(hide=True)
@access(Audience.PUBLIC)
def openapi() -> Response:
    """The document in the language of ?lang= or Accept-Language (its texts: api/spec_text.py)."""
    response = Response(json.dumps(spec()), mimetype="application/json")
    response.headers["Content-Language"] = str(get_locale())
    response.vary.add("Accept-Language")
    return response


@bp.get("/")
@bp.doc(hide=True)
@access(Audience.PUBLIC)
def reference() -> str:
    """The readable reference, in the language of ?lang= or Accept-Language."""
    document = spec()
    operations = [(method.upper(), path, operation) for path, item in document["paths"].items()
                  for method, operation in item.items() if method in METHODS]
    tags = sorted({(operation.get("tags") or [""])[0] for _m, _p, operation in operations})
    return render_template("api/reference.html", spec=document, tags=tags, operations=operations,
                           schemas=document.get("components", {}).get("schemas", {}), language=str(get_locale()))
