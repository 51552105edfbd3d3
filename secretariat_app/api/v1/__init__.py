"""The JSON API, version 1 (blueprint "api", /api/v1): the same services and the same
rules as the pages, for the delegations' and the Secretariat's own systems.

- routes_inbox.py: the delegate's inbox (filters, words, paging, synchronisation);
- routes_documents.py: a document with its versions, a version's file, acknowledging receipt;
- routes_meetings.py: meetings, decisions, and who a token acts for;
- routes_officers.py: the Secretariat's documents: a draft, a file, circulating, where it went;
- routes_notices.py: the notices that could not be sent (the Secretariat's);
- routes_cbm.py: a CBM coordinator's areas, activities and annual reports;
- routes_participants.py: a delegation's participants in a meeting it is invited to;
- routes_negotiations.py: negotiated texts, with their paragraphs, proposals and positions;
- routes_negotiation_acts.py: a delegation's proposals, stances and positions; the chair's decisions;
- routes_officer_meetings.py: the Secretariat's meetings: scheduling, changing, their status;
- errors.py: a broken rule of a service as a 422 problem;
- routes_reference.py: the OpenAPI document and its readable reference page.

Every request is authenticated by its bearer token (api/authentication.py), never by
a cookie; CSRF does not apply; each token is rate-limited (API_RATE_LIMIT). Every
view declares @access as a page does, and the scope it needs (@requires_scope)."""
from apiflask import APIBlueprint

from secretariat_app.api.authentication import rate_limit, rate_limit_key
from secretariat_app.extensions import csrf, limiter

bp = APIBlueprint("api", __name__, url_prefix="/api/v1", tag="API")
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
