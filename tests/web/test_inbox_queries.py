"""The inbox costs a constant number of SQL statements per request, whatever
the page size: one statement for the session's user (with their roles,
delegation and its state) and one for the page rows (unread flag, circulation
time, acknowledgement and languages included); the reader's statement also
reads the generation of cached rows (core/cache_generation.py). The filters'
bodies and meetings are read again only after a body or meeting changed, in any
process (two more statements then)."""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from secretariat_app.documents.models import DocumentType
from secretariat_app.documents.services import inbox as inbox_service
from secretariat_app.documents.services import reading
from secretariat_app.extensions import db
from tests.conftest import log_in
from tests.documents_helpers import (
    T0,
    add_version,
    cast,
    circulate,
    make_document,
    meeting,
)

# The user with roles, delegation and state (Flask-Login, the page header); the page rows.
EXPECTED_STATEMENTS = 2
# And, after a body or meeting changed (through any process), the filters' choices.
EXPECTED_WITH_CHOICES = 4


@contextmanager
def counting_statements() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "after_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "after_cursor_execute", count)


def rows(html: str) -> int:
    return len(re.findall(r'<tr class="(?:unread|read)" data-document=', html))


@pytest.fixture
def two_inboxes(app_ctx):
    """Alpha's delegates have 5 documents; beta's have 60 (a full page and more),
    some read, some acknowledged, with meetings and extra languages."""
    c = cast()
    june = meeting("June SOC")
    for n in range(5):
        circulate(make_document(f"Small {n}", f"Малый {n}", circulated_at=T0 + timedelta(minutes=n)), c.alpha)
    for n in range(60):
        document = make_document(f"Large {n}", f"Большой {n}", meeting_id=june.id if n % 2 else None,
                                 doc_type=DocumentType.REPORT, circulated_at=T0 + timedelta(minutes=n))
        if n % 3 == 0:
            add_version(document, "zh", content=f"原文 {n}\n".encode(), is_original=True)
        circulate(document, c.beta)
        if n % 4 == 0:
            reading.record_receipt(c.b1, document.id)
        if n % 5 == 0:
            reading.acknowledge(c.b1, document)
    return c, june


def inbox_statements(client, query: str = "", cold: bool = False) -> tuple[int, int, list[str]]:
    client.get(f"/inbox/{query}")  # warm-up: the same request again costs the same
    if cold:
        inbox_service.forget_choices()
    with counting_statements() as statements:
        response = client.get(f"/inbox/{query}")
    assert response.status_code == 200
    return rows(response.get_data(as_text=True)), len(statements), statements


def test_statements_per_inbox_request_do_not_grow_with_the_page(two_inboxes, app_ctx, capsys):
    c, june = two_inboxes
    small, large = app_ctx.test_client(), app_ctx.test_client()
    log_in(small, c.a1.email)
    log_in(large, c.b1.email)

    five, small_count, _ = inbox_statements(small)
    fifty, large_count, statements = inbox_statements(large)
    assert (five, fifty) == (5, 50)
    assert small_count == large_count == EXPECTED_STATEMENTS, statements

    # One statement reads the page rows: the only one that touches the circulation lists.
    page_statements = [s for s in statements if "named_recipient" in s]
    assert len(page_statements) == 1 and "circulation" in page_statements[0] and "LIMIT" in page_statements[0]
    assert all(table in page_statements[0]
               for table in ("unread_mark", "read_horizon", "receipt", "acknowledgement", "version_languages"))
    # The languages to offer are the document's copy (documents/version_languages.py): no read of the versions.
    assert "document_version" not in page_statements[0]
    # With the filters' choices to read again: two more, whatever the page size.
    _, small_cold, _ = inbox_statements(small, cold=True)
    _, large_cold, _ = inbox_statements(large, cold=True)
    assert small_cold == large_cold == EXPECTED_WITH_CHOICES

    # The same on the next page and with every filter and a search.
    html = large.get("/inbox/").get_data(as_text=True)
    after = re.search(r"after=([0-9_]+)", html).group(1)
    ten, next_count, _ = inbox_statements(large, f"?after={after}")
    assert ten == 10 and next_count == EXPECTED_STATEMENTS
    filtered = f"?meeting={june.id}&year=2024&doc_type=report&language=en&state=unread"
    found, filtered_count, _ = inbox_statements(large, filtered)
    assert found == 24 and filtered_count == EXPECTED_STATEMENTS
    # Each filter alone, and the read ones (b1 read every fourth document and acknowledged every fifth).
    for one, expected in ((f"?meeting={june.id}", 30), ("?year=2024", 50), ("?doc_type=report", 50),
                          ("?language=other", 20), ("?state=read", 24),
                          ("?state=unread", 36), (f"?meeting={june.id}&state=read", 6)):
        assert inbox_statements(large, one)[:2] == (expected, EXPECTED_STATEMENTS), one
    with capsys.disabled():
        print(f"\nSQL statements per inbox request: {small_count} (5 rows), {large_count} (50 rows), "
              f"{next_count} (next page), {filtered_count} (filtered)")


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_on_postgresql_the_inbox_request_opens_no_transaction(two_inboxes, app_ctx):
    """Its two statements are lone reads (secretariat_app/core/pg_connections.py): no
    BEGIN, no COMMIT, and the connection keeps its prepared page statement."""
    c, _ = two_inboxes
    client = app_ctx.test_client()
    log_in(client, c.b1.email)
    client.get("/inbox/")  # the filters' choices read once
    seen: list[tuple[str, object]] = []

    def after(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement[:40], cursor.connection.info.transaction_status.name))

    event.listen(db.engine, "after_cursor_execute", after)
    try:
        assert client.get("/inbox/").status_code == 200
    finally:
        event.remove(db.engine, "after_cursor_execute", after)
    assert len(seen) == EXPECTED_STATEMENTS
    assert {state for _, state in seen} == {"IDLE"}, seen


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
@pytest.mark.parametrize("other_page", ["/delegation/meetings", "/decisions/", "/my/sessions/"])
def test_another_page_between_two_inboxes_leaves_the_inbox_prepared(two_inboxes, app_ctx, other_page):
    """A page that read in a transaction ends it (pg_connections: COMMIT for a transaction
    that only read) without dropping the connection's prepared statements: the next inbox
    runs the statement prepared before, its generic plan, not a new one parsed and planned
    again (psycopg drops them all at a ROLLBACK)."""
    from sqlalchemy import text

    c, _ = two_inboxes
    client = app_ctx.test_client()
    log_in(client, c.b1.email)
    db.session.remove()
    db.engine.dispose()  # one connection in the pool from here on: every request gets it
    for _ in range(6):
        assert client.get("/inbox/").status_code == 200
    assert client.get(other_page).status_code == 200
    assert client.get("/inbox/").status_code == 200
    runs = db.session.execute(text(
        "SELECT generic_plans + custom_plans FROM pg_prepared_statements WHERE statement LIKE 'WITH hz AS%'")
    ).scalars().all()
    assert runs == [7], runs  # one statement, prepared at the first inbox and run by all seven


def test_the_first_page_statement_fits_psycopgs_parse_cache():
    """psycopg keeps the parsed form of a statement up to 4,096 bytes: longer, it
    parses it again at every request (about 50 µs for the inbox's). The first
    page, the one every delegate opens, stays under it with the read horizon's
    walks (documents/read_state.py)."""
    from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH
    from sqlalchemy.dialects import postgresql

    statement = inbox_service._page_statement(inbox_service.Shape("postgresql", True))
    sql = str(statement.compile(dialect=postgresql.psycopg.dialect())).encode()
    assert "read_horizon" in sql.decode() and "unread_mark" in sql.decode() and "receipt" in sql.decode()
    assert len(sql) <= MAX_CACHED_STATEMENT_LENGTH == 4096
