"""The delegate's inbox, as a service: exactly what was circulated to the
reader, unread first then newest, filters, search in both languages and
paging by key."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from secretariat_app.documents.models import Document, DocumentType, DocumentVersion
from secretariat_app.documents.services import reading
from secretariat_app.documents.services.inbox import Cursor, InboxFilters, inbox_page
from secretariat_app.extensions import db
from secretariat_app.permissions import documents as document_access
from secretariat_app.search.services import find_documents
from tests.documents_helpers import (
    READS,
    T0,
    add_version,
    body,
    cast,
    circulate,
    library,
    make_document,
    meeting,
)


@pytest.fixture
def world(app_ctx):
    c = cast()
    return c, library(c)


def symbols_of(page) -> list[str]:
    return [row.symbol for row in page.rows]


def keys(docs, page) -> set[str]:
    by_id = {d.id: key for key, d in docs.items()}
    return {by_id[row.document_id] for row in page.rows}


@pytest.mark.parametrize("who", ["a1", "a2", "b1", "g1"])
def test_the_inbox_holds_exactly_what_was_circulated_to_the_reader(world, who):
    c, docs = world
    user = getattr(c, who)
    assert keys(docs, inbox_page(user)) == READS[who]
    # The SQL of the inbox and domain.visibility give the same answer for every document.
    everything = db.session.scalars(select(Document.id)).all()
    readable = {d for d in everything if document_access.may_read_document(user, d)}
    assert {row.document_id for row in inbox_page(user).rows} == readable


def test_drafts_never_appear_even_with_a_circulation_row(world):
    c, docs = world
    assert docs["D1"].id not in {row.document_id for row in inbox_page(c.a1).rows}


def test_restricted_only_to_the_named_person_not_their_colleague(world):
    c, docs = world
    assert docs["R1"].id in {r.document_id for r in inbox_page(c.a1).rows}
    assert docs["R1"].id not in {r.document_id for r in inbox_page(c.a2).rows}
    assert not document_access.may_read_document(c.a2, docs["R1"].id)


def test_unread_first_then_newest_circulation(world):
    c, docs = world
    page = inbox_page(c.a1)
    expected = sorted(READS["a1"], key=lambda k: docs[k].circulated_at, reverse=True)
    assert [docs[k].symbol for k in expected] == symbols_of(page)
    assert all(row.unread for row in page.rows)
    reading.record_receipt(c.a1, docs["G2"].id)
    reading.record_receipt(c.a1, docs["W1"].id)
    page = inbox_page(c.a1)
    unread = [k for k in expected if k not in {"G2", "W1"}]
    assert symbols_of(page) == [docs[k].symbol for k in unread] + [docs["W1"].symbol, docs["G2"].symbol]
    assert [row.unread for row in page.rows] == [True] * len(unread) + [False, False]
    # Reading is personal: a colleague's inbox is unchanged.
    assert all(row.unread for row in inbox_page(c.a2).rows)


def test_rows_carry_time_languages_and_acknowledgement(world):
    c, docs = world
    add_version(docs["G1"], "zh", is_original=True)
    reading.acknowledge(c.a2, docs["G1"])
    row = next(r for r in inbox_page(c.a1).rows if r.document_id == docs["G1"].id)
    assert row.circulated_at == docs["G1"].circulated_at
    assert [language for language, _ in row.languages] == ["en", "ru", "zh"]
    assert row.acknowledged is True  # by a colleague, for the delegation
    assert next(r for r in inbox_page(c.b1).rows if r.document_id == docs["G1"].id).acknowledged is False


# Filters and search ------------------------------------------------------------------

@pytest.fixture
def shelf(app_ctx):
    c = cast()
    june, july = meeting("June SOC"), meeting("July SWG", code="SWG")
    hour = timedelta(hours=1)
    items = {
        "budget": make_document("Draft budget for 2025", "Проект бюджета на 2025 год", meeting_id=june.id,
                                doc_type=DocumentType.DRAFT_DECISION, circulated_at=T0),
        "report": make_document("Annual report", "Годовой доклад", year=2023, meeting_id=june.id,
                                circulated_at=T0 + hour),
        "swg": make_document("Working group budget note", "Записка рабочей группы о бюджете", code="SWG",
                             meeting_id=july.id, doc_type=DocumentType.INFORMATION_NOTE, languages=("en",),
                             circulated_at=T0 + 2 * hour),
        "russian": make_document("", "Концепция безопасности", languages=("ru", "kk"),
                                 doc_type=DocumentType.CONCEPT_PAPER, circulated_at=T0 + 3 * hour),
    }
    for document in items.values():
        circulate(document, c.alpha)
    return c, items, june, july


def test_each_row_carries_its_own_documents_fields(shelf):
    """The page's columns are unpacked by position: every field must come from
    the right column, the meeting's included."""
    c, items, june, _ = shelf
    june.number = 7
    items["report"].level = items["report"].level.LIMITED
    db.session.commit()
    rows = {row.document_id: row for row in inbox_page(c.a1).rows}
    assert set(rows) == {document.id for document in items.values()}
    for document in items.values():
        row, held = rows[document.id], document.meeting
        assert (row.symbol, row.title_en, row.title_ru, row.doc_type, row.level, row.status) == (
            document.symbol, document.title_en, document.title_ru, document.doc_type, document.level, document.status)
        assert (row.meeting_id, row.meeting_number, row.meeting_title_en, row.meeting_title_ru) == (
            (held.id, held.number, held.title_en, held.title_ru) if held else (None, None, None, None))
        assert (row.unread, row.acknowledged) == (True, False)
    assert rows[items["budget"].id].meeting_number == 7 and rows[items["report"].id].level.value == "limited"


def found(c, items, **filters) -> set[str]:
    by_id = {d.id: key for key, d in items.items()}
    return {by_id[r.document_id] for r in inbox_page(c.a1, InboxFilters(**filters)).rows}


def test_filter_by_meeting_body_year_and_type(shelf):
    c, items, june, july = shelf
    assert found(c, items, meeting_id=june.id) == {"budget", "report"}
    assert found(c, items, meeting_id=july.id) == {"swg"}
    assert found(c, items, body_id=body("SWG").id) == {"swg"}
    assert found(c, items, body_id=body("SOC").id) == {"budget", "report", "russian"}
    assert found(c, items, year=2023) == {"report"}
    assert found(c, items, doc_type=DocumentType.CONCEPT_PAPER) == {"russian"}
    assert found(c, items, meeting_id=june.id, year=2024) == {"budget"}


def test_filter_by_language_version(shelf):
    c, items, *_ = shelf
    assert found(c, items, language="en") == {"budget", "report", "swg"}
    assert found(c, items, language="ru") == {"budget", "report", "russian"}
    assert found(c, items, language="kk") == {"russian"}
    assert found(c, items, language="other") == {"russian"}


def test_another_language_lists_a_document_once_read_or_not_and_pages_by_key(shelf):
    """Another language's documents, through the lists' copy (documents/list_filters.py):
    a document with two versions in other languages is one row, one given its version in
    another language after it was circulated comes too, read and unread rows both come,
    and the next page starts after the last."""
    c, items, *_ = shelf
    items["many"] = make_document("Joint statement", "Совместное заявление", languages=("en", "kk", "zh"),
                                  circulated_at=T0 + timedelta(hours=4))
    add_version(items["many"], "zh")  # a newer file of the same language: still one row
    circulate(items["many"], c.alpha)
    assert found(c, items, language="other") == {"russian", "many"}
    assert len(inbox_page(c.a1, InboxFilters(language="other")).rows) == 2
    add_version(items["swg"], "ar")  # an original added after circulation: the lists learn it
    assert found(c, items, language="other") == {"russian", "many", "swg"}
    db.session.execute(delete(DocumentVersion).where(DocumentVersion.document_id == items["swg"].id,
                                                     DocumentVersion.language == "ar"))
    db.session.commit()
    assert found(c, items, language="other") == {"russian", "many"}
    reading.record_receipt(c.a1, items["russian"].id)
    page = inbox_page(c.a1, InboxFilters(language="other"), per_page=1)
    assert [(row.document_id, row.unread) for row in page.rows] == [(items["many"].id, True)]
    rest = inbox_page(c.a1, InboxFilters(language="other"), page.next_cursor, per_page=1)
    assert [(row.document_id, row.unread) for row in rest.rows] == [(items["russian"].id, False)]
    assert rest.next_cursor is None
    assert found(c, items, language="other", state="unread") == {"many"}
    assert found(c, items, language="other", state="read") == {"russian"}


@pytest.mark.parametrize("search,expected", [
    ("budget", {"budget", "swg"}),
    ("BUDGET", {"budget", "swg"}),
    ("budget working", {"swg"}),  # words are ANDed
    ("бюджет", {"budget", "swg"}),  # Russian, in either title, any form
    ("БЮДЖЕТА", {"budget", "swg"}),  # бюджета, бюджете: one word
    ("Доклад", {"report"}),
    ("доклад", {"report"}),
    ("концепция", {"russian"}),
    ("CICA/SWG/2024/1", {"swg"}),
    ("soc/2023", {"report"}),
    ("budget доклад", set()),
    ("100%", set()),
])
def test_search_by_symbol_and_title_words_in_either_language(shelf, search, expected):
    """Words go to the full-text search (search.services), over the same shelf."""
    c, items, *_ = shelf
    by_symbol = {d.symbol: key for key, d in items.items()}
    hits, _ = find_documents(c.a1, search)
    assert {by_symbol[hit.symbol] for hit in hits} == expected


def test_the_read_and_unread_filters(shelf):
    c, items, *_ = shelf
    reading.record_receipt(c.a1, items["swg"].id)
    db.session.commit()
    assert found(c, items, state="read") == {"swg"}
    assert found(c, items, state="unread") == {"budget", "report", "russian"}
    assert found(c, items, state="unread", year=2023) == {"report"}
    assert found(c, items, state="read", year=2023) == set()


# Paging by key -------------------------------------------------------------------------

def test_paging_walks_every_row_once_across_the_unread_and_read_parts(app_ctx):
    c = cast()
    documents = [make_document(f"Note {n}", f"Записка {n}", circulated_at=T0 + timedelta(minutes=n))
                 for n in range(7)]
    for document in documents:
        circulate(document, c.alpha)
    for document in documents[2:5]:
        reading.record_receipt(c.a1, document.id)
    seen, cursor, pages = [], None, 0
    while True:
        page = inbox_page(c.a1, cursor=cursor, per_page=3)
        pages += 1
        seen += [(r.unread, r.document_id) for r in page.rows]
        assert len(page.rows) <= 3
        if page.next_cursor is None:
            break
        cursor = Cursor.parse(page.next_cursor.token())
    assert pages == 3
    unread = [d.id for d in reversed(documents) if d not in documents[2:5]]
    read = [d.id for d in reversed(documents[2:5])]
    assert seen == [(True, d) for d in unread] + [(False, d) for d in read]


def test_a_cursor_survives_its_token_and_a_bad_token_is_the_first_page():
    at = T0 + timedelta(microseconds=123457)
    assert Cursor.parse(Cursor(True, at, 42).token()) == Cursor(True, at, 42)
    for bad in (None, "", "x", "2_1_1", "1_x_1", "1_1", "1_99999999999999999999999_1"):
        assert Cursor.parse(bad) is None
