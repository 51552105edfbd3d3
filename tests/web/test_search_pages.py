"""The search page and the search box in the header: ranked documents with the
matching passage marked, the inbox's filters, meetings, decisions and CBM
reports beside, in English and Russian; never a document (nor a passage of one)
the reader may not read; a constant number of statements; the read limit."""
from __future__ import annotations

import re

from flask import current_app

from secretariat_app.documents.models import Document, FileText, TextStatus
from secretariat_app.documents.signals import file_text_changed
from secretariat_app.extensions import db
from tests.conftest import log_in
from tests.documents_helpers import READS, cast, circulate, library, make_document, meeting
from tests.web.test_inbox_queries import counting_statements

HIT = re.compile(r'<li class="(?:unread|read)" data-document="(\d+)">')


def give_text(document: Document, text: str) -> None:
    version = document.versions[0]
    row = db.session.get(FileText, version.file_sha256) or FileText(sha256=version.file_sha256)
    row.status, row.text = TextStatus.EXTRACTED, text
    db.session.add(row)
    db.session.commit()
    file_text_changed.send(current_app._get_current_object(), sha256=version.file_sha256)


def found(response) -> set[int]:
    assert response.status_code == 200, response.status_code
    return {int(n) for n in HIT.findall(response.get_data(as_text=True))}


def test_every_page_has_the_search_box(app_ctx, client, login):
    c = cast()
    login(c.a1)
    page = client.get("/inbox/").get_data(as_text=True)
    assert 'action="/search/"' in page and 'name="q"' in page
    assert client.get("/search/").status_code == 200


def test_a_delegate_finds_only_what_they_may_read_and_no_passage_of_the_rest(app_ctx):
    c = cast()
    docs = library(c)
    for key, document in docs.items():
        give_text(document, f"Shared preamble on maritime safety. Private clause {key.lower()}marker.")
    by_id = {d.id: key for key, d in docs.items()}
    for who in ("a1", "b1", "g1"):
        client = app_ctx.test_client()
        log_in(client, getattr(c, who).email)
        response = client.get("/search/?q=maritime")
        html = response.get_data(as_text=True)
        assert {by_id[n] for n in found(response)} == READS[who], who
        assert "<mark>maritime</mark>" in html
        for key in docs:
            assert (f"{key.lower()}marker" in html) == (key in READS[who]), (who, key)
            assert (docs[key].symbol + "<") in html or key not in READS[who]
        # The Russian page says the same.
        ru = client.get("/search/?q=maritime", headers={"Accept-Language": "ru"})
        assert {by_id[n] for n in found(ru)} == READS[who]


def test_the_inbox_hands_words_to_the_search_with_its_filters(app_ctx, client, login):
    c = cast()
    june = meeting("June SOC")
    a = make_document("Fisheries report", "Доклад о рыболовстве", meeting_id=june.id)
    b = make_document("Fisheries note", "Записка о рыболовстве")
    for document in (a, b):
        circulate(document, c.alpha)
    login(c.a1)
    assert found(client.get("/inbox/?q=fishery")) == {a.id, b.id}
    assert found(client.get(f"/inbox/?q=рыболовство&meeting={june.id}")) == {a.id}
    assert found(client.get(f"/search/?q=fisheries&meeting={june.id}&state=unread")) == {a.id}
    page = client.get("/search/?q=fisheries&year=abc").get_data(as_text=True)
    assert 'role="alert"' in page  # an invalid filter is shown and ignored
    assert "No document you may read matches" in client.get("/search/?q=zzzqqqxj").get_data(as_text=True)


def test_meetings_and_decisions_beside_the_documents(app_ctx, client, login):
    c = cast()
    held = meeting("Ministerial conference on drought")
    paper = make_document("Drought paper", "Записка о засухе")
    circulate(paper, c.alpha)
    login(c.a1)
    page = client.get("/search/?q=droughts").get_data(as_text=True)
    assert f'href="/inbox/?meeting={held.id}"' in page  # a delegate reaches a meeting through the inbox
    assert f'href="/inbox/{paper.id}"' in page and f'href="/documents/{paper.id}"' not in page
    officer = app_ctx.test_client()
    log_in(officer, c.officer.email)
    page = officer.get("/search/?q=droughts").get_data(as_text=True)
    assert f'href="/meetings/{held.id}"' in page and f'href="/documents/{paper.id}"' in page


def test_statements_do_not_grow_with_the_results(app_ctx, client, login):
    c = cast()
    for n in range(30):
        circulate(make_document(f"Irrigation paper {n}", f"Записка об орошении {n}"), c.alpha)
    circulate(make_document("Lonely aquifer", "Одинокий водоносный горизонт"), c.alpha)
    login(c.a1)
    counts = {}
    for query in ("irrigation", "aquifer", "zzzqqqxj", "орошения", "irrigation&page=2"):
        client.get(f"/search/?q={query}")  # warm: the filters' choices, compiled statements
        with counting_statements() as statements:
            response = client.get(f"/search/?q={query}")
        counts[query] = (len(found(response)), len(statements))
    assert counts["irrigation"][0] == 20 and counts["aquifer"][0] == 1 and counts["zzzqqqxj"][0] == 0
    assert counts["irrigation&page=2"][0] == 10 and counts["орошения"][0] == 20
    # The reader's row, then one statement for the search: on the first page the documents, meetings,
    # decisions and reports together (the delegation's membership, which the reports' rule reads, is
    # kept in the process), on later pages the documents alone.
    assert {n for _, n in counts.values()} == {2}, counts
    filtered = {}
    for query in ("irrigation&year=2024", "irrigation&state=unread", "irrigation&language=ru"):
        client.get(f"/search/?q={query}")
        with counting_statements() as statements:
            client.get(f"/search/?q={query}")
        filtered[query] = len(statements)
    # Filtered (documents only: the meetings, decisions and reports are left out): the same.
    assert set(filtered.values()) == {2}, filtered


def test_the_31st_search_in_a_minute_is_refused(app_ctx, client, login):
    c = cast()
    login(c.a1)
    statuses = [client.get(f"/search/?q=word{i}").status_code for i in range(30)]
    assert statuses == [200] * 30
    assert client.get("/search/?q=more").status_code == 429
    assert client.get("/search/").status_code == 200  # no words: not a search


def test_words_alone_are_read_as_the_filter_form_reads_them(app):
    """The search's fast path (documents/inbox/forms.words_only: no form built) gives the
    filters and paging arguments InboxFilterForm gives, and leaves anything else to it."""
    from werkzeug.datastructures import MultiDict

    from secretariat_app.documents.inbox.forms import WORDS_MAX_LENGTH, InboxFilterForm, words_only

    for query in ({"q": "energy security"}, {"q": "  water  ", "page": "2"}, {"q": ""}, {}, {"q": "безопасность"}):
        args = MultiDict(query)
        with app.test_request_context(query_string=query):
            form = InboxFilterForm(args)
            form.validate()
            assert words_only(args) == (form.to_filters(), form.query_args()), query
    for refused in ({"q": "x" * (WORDS_MAX_LENGTH + 1)}, {"q": "water", "year": "2012"},
                    MultiDict([("q", "a"), ("q", "b")])):
        assert words_only(MultiDict(refused)) is None, refused
