"""GET /api/v1/inbox: exactly what the inbox page lists, in its order, with its
filters and its search, paged by cursor; and with `updated_since`, what changed
for the reader since then (a circulation, a new version, a status)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from secretariat_app.documents.models import DocumentStatus
from secretariat_app.documents.services.inbox import inbox_page
from secretariat_app.extensions import db
from tests.api.helpers import bearer, token_for
from tests.documents_helpers import (
    READS,
    add_version,
    cast,
    circulate,
    library,
    shelf_of_three,
)

EPOCH = "1970-01-01T00:00:00Z"


@pytest.fixture
def world(app_ctx):
    c = cast()
    return c, library(c)


def listed(client, secret: str, query: str = "") -> list[dict]:
    response = client.get(f"/api/v1/inbox?{query}", headers=bearer(secret))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["items"]


def every_page(client, secret: str, query: str) -> list[dict]:
    items, cursor = [], None
    for _ in range(50):
        response = client.get(f"/api/v1/inbox?{query}" + (f"&cursor={cursor}" if cursor else ""),
                              headers=bearer(secret))
        assert response.status_code == 200
        body = response.get_json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the pages never ended")


def keys(docs, items) -> set[str]:
    by_id = {d.id: k for k, d in docs.items()}
    return {by_id[item["id"]] for item in items}


@pytest.mark.parametrize("who", ["a1", "a2", "b1", "g1"])
def test_each_delegate_gets_exactly_their_inbox_in_the_pages_order(world, client, who):
    c, docs = world
    user = getattr(c, who)
    secret = token_for(user)
    items = listed(client, secret)
    assert keys(docs, items) == READS[who]
    assert [item["id"] for item in items] == [row.document_id for row in inbox_page(user).rows]
    assert keys(docs, every_page(client, secret, "per_page=2")) == READS[who]  # paged by key, nothing twice
    assert len(every_page(client, secret, "per_page=2")) == len(READS[who])
    assert keys(docs, every_page(client, secret, f"updated_since={EPOCH}&per_page=3")) == READS[who]


def test_an_officer_has_no_inbox(world, client):
    c, _ = world
    response = client.get("/api/v1/inbox", headers=bearer(token_for(c.officer)))
    assert response.status_code == 403 and response.mimetype == "application/problem+json"


def test_the_rows_say_what_the_page_says(world, client):
    c, docs = world
    item = next(i for i in listed(client, token_for(c.a1)) if i["id"] == docs["W1"].id)
    assert item["symbol"] == docs["W1"].symbol and item["status"] == "withdrawn" and item["level"] == "limited"
    assert item["unread"] is True and item["acknowledged"] is False and item["languages"] == ["en", "ru"]


@pytest.fixture
def shelf(app_ctx):
    return shelf_of_three()


@pytest.mark.parametrize("query,expected", [
    ("", {"budget", "report", "note"}),
    ("q=budget", {"budget"}),
    ("q=%D0%B4%D0%BE%D0%BA%D0%BB%D0%B0%D0%B4", {"report"}),  # доклад
    ("year=2023", {"report"}),
    ("language=en", {"budget", "note"}),
    ("language=other", set()),
    ("doc_type=report", {"budget", "report", "note"}),
    ("doc_type=decision", set()),
    ("state=read", set()),
])
def test_the_pages_filters_and_search(shelf, client, query, expected):
    c, items, _ = shelf
    secret = token_for(c.a1)
    assert keys(items, listed(client, secret, query)) == expected
    if not query.startswith("q="):  # synchronising takes the same filters
        assert keys(items, listed(client, secret, f"{query}&updated_since={EPOCH}")) == expected


def test_filter_by_meeting(shelf, client):
    c, items, june = shelf
    assert keys(items, listed(client, token_for(c.a1), f"meeting={june.id}")) == {"budget"}


def test_updated_since_lists_what_changed_in_id_order_and_resumes(shelf, client):
    c, items, _ = shelf
    secret = token_for(c.a1)
    first = listed(client, secret, f"updated_since={EPOCH}")
    assert [item["id"] for item in first] == sorted(item["id"] for item in first)
    since = max(datetime.fromisoformat(item["updated_at"]) for item in first).isoformat()
    assert listed(client, secret, f"updated_since={since.replace('+', '%2B')}") == []
    # A new language version, and a withdrawal, are changes; the untouched document is not.
    add_version(items["report"], "en")
    items["note"].status = DocumentStatus.WITHDRAWN
    db.session.commit()
    changed = listed(client, secret, f"updated_since={since.replace('+', '%2B')}")
    assert keys(items, changed) == {"report", "note"}
    assert next(i for i in changed if i["id"] == items["note"].id)["status"] == "withdrawn"
    assert next(i for i in changed if i["id"] == items["report"].id)["languages"] == ["en", "ru"]


def test_a_later_circulation_to_the_delegation_is_a_change(shelf, client):
    c, items, _ = shelf
    secret = token_for(c.b1)
    assert listed(client, secret, f"updated_since={EPOCH}") == []
    now = datetime.now(UTC)
    circulate(items["budget"], c.beta, at=now)
    changed = listed(client, secret, f"updated_since={(now - timedelta(seconds=1)).isoformat().replace('+', '%2B')}")
    assert keys(items, changed) == {"budget"}


@pytest.mark.parametrize("query", ["updated_since=yesterday", "updated_since=2024-01-01T00:00:00",
                                   "per_page=1001", "doc_type=memo", "state=maybe", "year=1800", "language=e n"])
def test_invalid_values_are_422(shelf, client, query):
    c, _, _ = shelf
    response = client.get(f"/api/v1/inbox?{query}", headers=bearer(token_for(c.a1)))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"


def test_a_cursor_that_is_not_one_starts_at_the_beginning(shelf, client):
    c, items, _ = shelf
    secret = token_for(c.a1)
    assert keys(items, listed(client, secret, "cursor=nonsense")) == {"budget", "report", "note"}


def test_the_inbox_page_answer_is_the_models_document_byte_for_byte(shelf, client):
    """The busiest answer is written from the rows, not through the models: it must be what
    InboxPage would write, value for value and byte for byte (times, choices, absent fields)."""
    from secretariat_app.api.schemas.documents import InboxPage
    from secretariat_app.api.v1.routes_inbox import page_document

    c, items, june = shelf
    secret = token_for(c.a1)
    for query in ("", "per_page=1", f"meeting={june.id}"):
        response = client.get(f"/api/v1/inbox?{query}", headers=bearer(secret))
        assert response.status_code == 200 and response.mimetype == "application/json"
        modelled = InboxPage.model_validate_json(response.get_data())
        assert response.get_data(as_text=True) == modelled.model_dump_json()
    page = inbox_page(c.a1, per_page=2)
    assert InboxPage.model_validate(page_document(page)).model_dump(mode="json") == \
        {**page_document(page), "items": [
            {**item, "circulated_at": item["circulated_at"].isoformat().replace("+00:00", "Z")}
            for item in page_document(page)["items"]]}
    assert page_document(page)["next_cursor"] is not None
