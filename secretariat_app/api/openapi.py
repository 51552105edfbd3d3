"""The OpenAPI document as APIFlask generates it from the views and their schemas,
finished here once per process: bearer authentication for every operation, the
problem details (RFC 9457) of every error an operation can answer, and a file's
download as any media type."""
from __future__ import annotations

from typing import Any, cast

from apiflask import APIFlask
from flask import current_app
from flask_babel import get_locale, gettext

from secretariat_app.api.schemas.problems import Problem
from secretariat_app.api.spec_text import translated

SPEC_KEY = "api_openapi"  # app.extensions: the document in each language, made once per process
ENGLISH = "en"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
SCHEME = "bearerAuth"
# What any operation may answer besides its own, and why.
COMMON_ERRORS = {
    "400": "The request could not be understood.",
    "401": "No access token, or one unknown, revoked or expired.",
    "403": "The token's owner, or its scopes, may not do this.",
    "404": "Nothing there, or nothing the token's owner may read.",
    # An id past what a key holds matches no route; where the address has operations of other
    # methods, the router answers that the address does not take this one.
    "405": "This address does not accept that kind of request.",
    "429": "Too many requests with this token: wait as Retry-After says.",
}
DESCRIPTION = """The JSON API of the CICA Secretariat: the same documents, meetings and decisions as the
site, under the same rules.

**Authentication.** Make a personal access token on your profile page ("API access tokens"),
choose its scopes, and send it with every request as `Authorization: Bearer <token>`. A token
acts with its owner's rights, never more, narrowed by its scopes; cookies are never read.

**Errors** are problem details (RFC 9457, `application/problem+json`) whose `detail` is the message
the site shows, in the language of `Accept-Language` (English or Russian).

**Synchronisation.** `GET /api/v1/inbox?updated_since=...` lists what changed for you (in the order of
the documents' ids); page on with `next_cursor`, and give the latest `updated_at` you saw next
time. Each file's SHA-256 is in the document's `versions`."""


def _problem_schema() -> dict[str, Any]:
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    return schema


def _parameter(parameter: dict[str, Any]) -> None:
    """A query parameter is given or not, never null: its schema without pydantic's null
    alternative, its description where readers (and the reference page) look for it."""
    schema = parameter.get("schema", {})
    options = [option for option in schema.get("anyOf", []) if option != {"type": "null"}]
    if "anyOf" in schema and len(options) == 1:
        rest = {key: value for key, value in schema.items() if key not in ("anyOf", "default", "title")}
        schema = {**options[0], **rest}
        parameter["schema"] = schema
    if "description" in schema:
        parameter.setdefault("description", schema["description"])


def finish(document: dict[str, Any]) -> dict[str, Any]:
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    problem = _problem_schema()
    for name, nested in problem.pop("$defs", {}).items():
        schemas[name] = nested
    schemas["Problem"] = problem
    for unused in ("HTTPError", "ValidationError"):
        schemas.pop(unused, None)
    components["securitySchemes"] = {SCHEME: {"type": "http", "scheme": "bearer",
                                              "description": "A personal access token (cica_...)."}}
    document["security"] = [{SCHEME: []}]
    document.setdefault("info", {})["description"] = DESCRIPTION
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for parameter in operation.get("parameters", []):
                _parameter(parameter)
            responses = operation["responses"]
            for status, description in COMMON_ERRORS.items():
                responses.setdefault(status, {"description": description})
            if "requestBody" in operation:
                responses.setdefault("413", {"description": "What was sent is larger than the system accepts."})
            for status, response in responses.items():
                if status[0] in "45":
                    response["content"] = {"application/problem+json": {"schema": PROBLEM_REF}}
                elif "*/*" in response.get("content", {}):
                    response["content"] = {"*/*": response["content"]["*/*"]}
    return document


def english_spec() -> dict[str, Any]:
    """The finished document as the code writes it, made once per process (the views do not
    change while it runs)."""
    app = cast(APIFlask, current_app)
    documents = app.extensions.setdefault(SPEC_KEY, {})
    if ENGLISH not in documents:
        documents[ENGLISH] = finish(cast(dict[str, Any], app.spec))
    return cast(dict[str, Any], documents[ENGLISH])


def spec() -> dict[str, Any]:
    """The finished document in the request's language (core/localisation.py: `?lang=`, then
    Accept-Language), each language's made once per process."""
    language = str(get_locale() or ENGLISH)
    documents = current_app.extensions.setdefault(SPEC_KEY, {})
    if language not in documents:
        documents[language] = translated(english_spec(), gettext)
    return cast(dict[str, Any], documents[language])
