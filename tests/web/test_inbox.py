"""The delegate's inbox pages, as delegates of two member states and an
observer see them: exactly what was circulated to them, unread first,
filters, search, paging, the document page with its receipt, and the
acknowledgement of receipt."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.documents.models import Acknowledgement, Receipt
from secretariat_app.extensions import db
from tests.conftest import post_form
from tests.documents_helpers import (
    READS,
    T0,
    cast,
    circulate,
    library,
    make_document,
    meeting,
    shelf_of_three,
)

# A row of the inbox, or a document found by words (the search's page: search/index.html).
ROW = re.compile(r'<(?:tr|li) class="(unread|read)" data-document="(\d+)">')


@pytest.fixture
def world(app_ctx):
    c = cast()
    return c, library(c)


def rows(response) -> list[tuple[bool, int]]:
    assert response.status_code == 200, response.status_code
    return [(state == "unread", int(doc)) for state, doc in ROW.findall(response.get_data(as_text=True))]


def keys(docs, listed) -> set[str]:
    by_id = {d.id: k for k, d in docs.items()}
    return {by_id[doc] for _, doc in listed}


def receipts(user) -> int:
    return db.session.scalar(select(func.count(Receipt.id)).where(Receipt.user_id == user.id))


def test_anonymous_is_sent_to_log_in_and_officers_are_refused(app_ctx, client, login):
    c = cast()
    assert "/auth/login" in client.get("/inbox/").headers["Location"]
    login(c.officer)
    assert client.get("/inbox/").status_code == 403
    assert client.get("/inbox/1").status_code == 403


@pytest.mark.parametrize("who", ["a1", "a2", "b1", "g1"])
def test_each_delegate_sees_exactly_what_was_circulated_to_them(world, client, login, who):
    c, docs = world
    login(getattr(c, who))
    assert keys(docs, rows(client.get("/inbox/"))) == READS[who]
    for key, document in docs.items():
        expected = 200 if key in READS[who] else 404
        assert client.get(f"/inbox/{document.id}").status_code == expected, key


def test_not_circulated_is_404_exactly_like_nonexistent(world, client, login):
    c, docs = world
    login(c.g1)
    hidden = client.get(f"/inbox/{docs['L1'].id}")
    missing = client.get("/inbox/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_data(as_text=True) == missing.get_data(as_text=True)


def test_opening_marks_it_read_once_and_moves_it_down(world, client, login):
    c, docs = world
    login(c.b1)
    before = rows(client.get("/inbox/"))
    assert all(unread for unread, _ in before)
    assert client.get(f"/inbox/{docs['G1'].id}").status_code == 200
    assert client.get(f"/inbox/{docs['G1'].id}").status_code == 200
    assert receipts(c.b1) == 1
    after = rows(client.get("/inbox/"))
    assert after[-1] == (False, docs["G1"].id)
    assert [doc for _, doc in after[:-1]] == [doc for _, doc in before if doc != docs["G1"].id]


def test_the_document_page_shows_titles_status_and_downloads(world, client, login):
    c, docs = world
    login(c.a1)
    page = client.get(f"/inbox/{docs['G1'].id}").get_data(as_text=True)
    assert docs["G1"].symbol in page and "G1 title" in page and "G1 заголовок" in page
    for version in docs["G1"].versions:
        assert f"/documents/versions/{version.id}/download" in page
    withdrawn = client.get(f"/inbox/{docs['W1'].id}").get_data(as_text=True)
    assert "This document has been withdrawn." in withdrawn and "Circulated in error" in withdrawn


def test_superseded_links_to_the_revision_only_if_circulated_to_the_reader(world, client, login, app_ctx):
    c, docs = world
    login(c.a1)
    page = client.get(f"/inbox/{docs['S1'].id}").get_data(as_text=True)
    assert "This document has been superseded." in page and "Replaced by the revision" in page
    assert f'href="/inbox/{docs["S1R"].id}"' in page
    other = app_ctx.test_client()
    post_form(other, "/auth/login", {"email": c.b1.email, "password": "correct horse battery"})
    page = other.get(f"/inbox/{docs['S1'].id}").get_data(as_text=True)
    assert "This document has been superseded." in page
    assert docs["S1R"].symbol not in page and f"/inbox/{docs['S1R'].id}" not in page


def test_acknowledge_once_for_the_delegation(world, client, login):
    c, docs = world
    login(c.a1)
    url = f"/inbox/{docs['L1'].id}/acknowledge"
    response = post_form(client, url, {}, page=f"/inbox/{docs['L1'].id}", follow_redirects=True)
    assert "acknowledged on behalf of your delegation" in response.get_data(as_text=True)
    response = post_form(client, url, {}, page=f"/inbox/{docs['L1'].id}", follow_redirects=True)
    assert "already acknowledged" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Acknowledgement.id))) == 1
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "document.acknowledge")) == 1
    page = client.get(f"/inbox/{docs['L1'].id}").get_data(as_text=True)
    assert "Your delegation acknowledged receipt on" in page
    assert (True, docs["L1"].id) not in rows(client.get("/inbox/"))


def test_acknowledging_what_was_not_circulated_to_me_is_404(world, client, login):
    c, docs = world
    login(c.g1)
    response = post_form(client, f"/inbox/{docs['L1'].id}/acknowledge", {}, page="/inbox/")
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(Acknowledgement.id))) == 0


# Filters, search, paging ------------------------------------------------------------

@pytest.fixture
def shelf(app_ctx):
    return shelf_of_three()


@pytest.mark.parametrize("query,expected", [
    ("", {"budget", "report", "note"}),
    ("q=budget", {"budget"}),
    ("q=%D0%91%D0%AE%D0%94%D0%96%D0%95%D0%A2", {"budget"}),  # БЮДЖЕТ
    ("q=%D0%B4%D0%BE%D0%BA%D0%BB%D0%B0%D0%B4", {"report"}),  # доклад
    ("q=CICA%2FSWG", {"note"}),
    ("year=2023", {"report"}),
    ("language=en", {"budget", "note"}),
    ("doc_type=report", {"budget", "report", "note"}),
    ("doc_type=decision", set()),
    ("year=abc", {"budget", "report", "note"}),  # an invalid filter is shown and ignored
])
def test_filters_and_search_on_the_page(shelf, client, login, query, expected):
    c, items, _ = shelf
    login(c.a1)
    assert keys(items, rows(client.get(f"/inbox/?{query}"))) == expected


def test_filter_by_meeting_and_body_on_the_page(shelf, client, login):
    c, items, june = shelf
    login(c.a1)
    assert keys(items, rows(client.get(f"/inbox/?meeting={june.id}"))) == {"budget"}
    from tests.documents_helpers import body
    assert keys(items, rows(client.get(f"/inbox/?body={body('SWG').id}"))) == {"note"}
    page = client.get("/inbox/?year=abc").get_data(as_text=True)
    assert 'role="alert"' in page


def test_fifty_a_page_with_a_next_link_that_keeps_the_filters(app_ctx, client, login):
    c = cast()
    for n in range(52):
        document = make_document(f"Paper {n}", f"Документ {n}", languages=("en",),
                                 circulated_at=T0 + timedelta(minutes=n))
        circulate(document, c.beta)
    login(c.b1)
    first = client.get("/inbox/?language=en")
    listed = rows(first)
    assert len(listed) == 50
    link = re.search(r'href="([^"]+)" rel="next"', first.get_data(as_text=True)).group(1).replace("&amp;", "&")
    assert "language=en" in link and "after=" in link
    second = rows(client.get(link))
    assert len(second) == 2 and not set(second) & set(listed)
    assert 'rel="next"' not in client.get(link).get_data(as_text=True)


def test_a_row_shows_each_field_escaped_and_in_the_readers_zone(app_ctx, client, login):
    """One row, in full: the symbol linked (bold and tagged while unread), the
    title escaped with its status and level tags, the type, the numbered
    meeting, the time in the reader's zone, a link per language, and whether
    the delegation acknowledged."""
    from secretariat_app.documents.models import (
        DistributionLevel,
        DocumentStatus,
        DocumentType,
    )

    c = cast()
    held = meeting("June <SOC>")
    held.number = 7
    c.a1.timezone = "Asia/Almaty"  # UTC+5
    db.session.commit()
    document = make_document("Budget <b>&</b> plan", "Бюджет", meeting_id=held.id, level=DistributionLevel.LIMITED,
                             status=DocumentStatus.SUPERSEDED, doc_type=DocumentType.DRAFT_DECISION,
                             languages=("en", "ru", "zh"), circulated_at=T0)
    circulate(document, c.alpha)
    versions = {version.language: version.id for version in document.versions}
    login(c.a1)
    page = client.get("/inbox/").get_data(as_text=True)
    row = re.search(rf'<tr class="unread" data-document="{document.id}">.*?</tr>', page, re.S).group(0)
    cells = [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
    assert cells[0] == (f'<strong><a href="/inbox/{document.id}">{document.symbol}</a></strong> '
                        '<span class="tag tag-info">unread</span>')
    assert cells[1] == ('Budget &lt;b&gt;&amp;&lt;/b&gt; plan <span class="tag tag-warning">superseded</span> '
                        '<span class="tag">LIMITED</span>')
    assert cells[2] == "draft decision"
    assert cells[3] == "No. 7 · June &lt;SOC&gt;"
    assert cells[4] == "1 March 2024, 14:00"  # 09:00 UTC in Almaty
    assert cells[5] == " ".join(f'<a href="/documents/versions/{versions[code]}/download" hreflang="{code}">'
                                f'{code.upper()}</a>' for code in ("en", "ru", "zh"))
    assert cells[6] == "no"
    post_form(client, f"/inbox/{document.id}/acknowledge", {}, page=f"/inbox/{document.id}")  # opening it reads it
    row = re.search(rf'<tr class="read" data-document="{document.id}">.*?</tr>',
                    client.get("/inbox/").get_data(as_text=True), re.S).group(0)
    assert re.findall(r"<td>(.*?)</td>", row, re.S)[-1] == "yes"
    assert f'<td><a href="/inbox/{document.id}">{document.symbol}</a></td>' in row


def test_the_rows_escape_text_as_markupsafe_does():
    """documents/inbox/routes.py writes the rows by hand with markupsafe's C escape: the
    same text as escape() for every character it changes, and text it leaves alone."""
    from markupsafe import escape

    from secretariat_app.documents.inbox.routes import _escape

    for text in ("", "plain", "A & B <i>x</i> \"quoted\" 'single'", "Решение & <b>", "&amp; already", "\x00\u2028"):
        assert _escape(text) == str(escape(text))
