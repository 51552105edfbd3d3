"""The JSON API, version 1 (blueprint "api", /api/v1): the same services and the same
rules as the pages, for the delegations' and the Secretariat's own systems.

- routes_inbox.py: the delegate's inbox (filters, words, paging, synchronisation);
- routes_documents.py: a document with its versions, a version's file, acknowledging receipt;
- routes_meetings.py: meetings, decisions, and who a token acts for;
- routes_officers.py: the Secretariat's documents: a draft, a file, circulating, where it went;
- routes_notices.py: the notices that could not be sent (the Secretariat's);
- routes_cbm.py: a CBM coordinator's areas, activities and annual reports, what happened at each
  activity and the files attached to it;
- routes_participants.py: a delegation's participants in a meeting it is invited to;
- routes_negotiations.py: negotiated texts, with their paragraphs, proposals and positions;
- routes_negotiation_acts.py: a delegation's proposals, stances and positions; the chair's decisions;
- routes_officer_meetings.py: the Secretariat's meetings: scheduling, changing, their status;
- errors.py: a broken rule of a service as a 422 problem;
- routes_reference.py: the OpenAPI document and its readable reference page.

Every request is authenticated by its bearer token (api/authentication.py), never by
a cookie; CSRF does not apply; each token is rate-limited (API_RATE_LIMIT). Every
view declares @access as a page does, and the scope it needs (@requires_scope)."""
import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any

from apiflask import APIBlueprint
from flask import Response
from pydantic import BaseModel

from secretariat_app.api.authentication import rate_limit, rate_limit_key
from secretariat_app.extensions import csrf, limiter

JSON = "application/json"


class Blueprint(APIBlueprint):
    """APIFlask's blueprint, but a view's pydantic answer is written to JSON by pydantic itself
    (model_dump_json, in Rust), not turned into a dict (model_dump) that Flask's json module then
    encodes again: the same document, in a third of the time for a page of the inbox. The model
    was validated when the view made it; APIFlask's own path serves any other answer."""

    def output(self, schema: Any, status_code: int = 200, *args: Any,  # type: ignore[override]  # passed on
               **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        declare = super().output(schema, status_code, *args, **kwargs)

        def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
            @wraps(view)
            def dumped(*view_args: Any, **view_kwargs: Any) -> Any:
                answer = view(*view_args, **view_kwargs)
                if isinstance(answer, BaseModel):
                    return Response(answer.model_dump_json(by_alias=True), status=status_code, mimetype=JSON)
                return answer
            return declare(dumped)
        return decorate


    def doc(self, *args: Any, **kwargs: Any  # type: ignore[override]  # passed on as given
            ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """APIFlask's, but the operation's description is the view's whole docstring: given a summary,
        APIFlask would still take the docstring's first line for one and describe with the rest."""
        def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
            if "description" not in kwargs and view.__doc__:
                kwargs["description"] = inspect.cleandoc(view.__doc__)
            return APIBlueprint.doc(self, *args, **kwargs)(view)
        return decorate


bp = Blueprint("api", __name__, url_prefix="/api/v1", tag="API")
csrf.exempt(bp)  # no cookie authenticates these requests: nothing to forge
limiter.limit(rate_limit, key_func=rate_limit_key, scope="api")(bp)

from secretariat_app.api.v1 import (  # noqa: E402,F401
    errors,
    routes_cbm,
    routes_documents,
    routes_inbox,
    routes_meetings,
    routes_negotiation_acts,
    routes_negotiations,
    routes_notices,
    routes_officer_meetings,
    routes_officers,
    routes_participants,
    routes_reference,
)
