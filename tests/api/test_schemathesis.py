"""schemathesis against the app served over HTTP, with a delegate's token and an
officer's: for every operation of the OpenAPI document, generated requests, valid
and not, never get a 5xx, and every answer conforms to the document (status,
media type, headers, body). A few examples an operation and mode keep `make test`
short, derandomised so that CI does not flicker (raise MAX_EXAMPLES, or drop
derandomize, to explore further by hand); the access rules themselves are proven
both ways in test_api_access.py.

On PostgreSQL only, production's database: on SQLite the same walk ran no line of the app that
the PostgreSQL walk did not, but the SQLite halves of the dialect branches (the search terms'
FTS5 table, the read marks' and downloads' statements, the connection's pragmas), which the
SQLite runs of the search, inbox, download and reading tests run; it cost as long again.

The operations are walked here rather than through schemathesis' pytest plugin,
whose lazy schema fixtures do not run under pytest 9 (they read a node attribute
pytest no longer has)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from secretariat_app.decisions.models import Decision, DecisionStatus, Procedure
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Invitation
from secretariat_app.permissions.tokens import Scope
from tests.api.helpers import LiveServer, bearer, token_for
from tests.api.negotiation_helpers import beta_proposes, negotiation
from tests.cbm_builders import activity, annual_report, cbm_cast
from tests.documents_helpers import body, cast, library, meeting

MAX_EXAMPLES = 5
# Every check but one: a request valid by the document may still break a rule only the
# service knows (a body id that does not exist, a meeting that ends before it starts),
# which answers 422 with the page's message, documented for each operation that takes values.
EXCLUDED = [positive_data_acceptance]


@dataclass
class Live:
    url: str
    tokens: dict[str, str]


@pytest.fixture
def live(app, app_ctx):
    c = cast()
    library(c)
    beta_proposes(c, negotiation(c))
    k = cbm_cast()
    activity(k.plan)
    annual_report(k.area, year=2025, due=date(2025, 11, 20))
    held = meeting("SOC 2027", start=datetime(2027, 6, 1, 4, tzinfo=UTC))
    db.session.add(Invitation(meeting_id=held.id, delegation_id=c.alpha.id))
    db.session.add(Decision(reference="SOC/2027/DEC/1", body_id=body().id, procedure=Procedure.MEETING,
                            status=DecisionStatus.ADOPTED, title_en="Adopted", title_ru="Принято"))
    db.session.commit()
    tokens = {"delegate": token_for(c.a1, Scope.READ, Scope.ACKNOWLEDGE, Scope.NEGOTIATE, Scope.REGISTER),
              "officer": token_for(c.officer, Scope.READ, Scope.OFFICER),
              "coordinator": token_for(k.coordinator, Scope.READ, Scope.REPORT)}
    with LiveServer(app) as server:
        yield Live(server.url, tokens)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_no_operation_answers_5xx_or_outside_its_schema(live):
    schema = schemathesis.openapi.from_url(f"{live.url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 44
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            def check(case):
                for token in live.tokens.values():
                    case.call_and_validate(base_url=live.url, headers=bearer(token), excluded_checks=EXCLUDED)

            check()
