"""Full-text search as a service, on SQLite (FTS5 with Snowball stems) and on
PostgreSQL (tsvector, GIN, websearch_to_tsquery, ts_headline) alike: word
forms in both languages, ranking, the passage, the text of the files, the
inbox's filters, and never a document (or a passage of one) the reader may
not read."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import current_app
from sqlalchemy import delete, select

from secretariat_app.accounts.models.states import MembershipStatus
from secretariat_app.cbm.models import ReportStatus
from secretariat_app.core.forum_time import forum_today
from secretariat_app.decisions.models import Decision, DecisionStatus, Procedure
from secretariat_app.documents.models import Document, DocumentStatus, FileText, TextStatus
from secretariat_app.documents.services.inbox import READ, UNREAD, InboxFilters
from secretariat_app.documents.services.reading import record_receipt
from secretariat_app.documents.signals import file_text_changed
from secretariat_app.extensions import db
from secretariat_app.search import fulltext, indexing
from secretariat_app.search.models import SearchEntry, SearchKind
from secretariat_app.search.services import find_beside, find_documents
from tests import cbm_builders as b
from tests.documents_helpers import READS, add_version, body, cast, circulate, library, make_document, meeting


def give_text(document: Document, language: str, text: str) -> None:
    """What the extraction worker does: the text of the version's file, committed, then the signal."""
    version = next(v for v in reversed(document.versions) if v.language == language)
    row = db.session.get(FileText, version.file_sha256) or FileText(sha256=version.file_sha256)
    row.status, row.text = TextStatus.EXTRACTED, text
    db.session.add(row)
    db.session.commit()
    file_text_changed.send(current_app._get_current_object(), sha256=version.file_sha256)


def symbols(user, query: str, **filters) -> list[str]:
    found, _ = find_documents(user, query, InboxFilters(search=query, **filters))
    return [hit.symbol for hit in found]


@pytest.fixture
def world(app_ctx):
    c = cast()
    return c, library(c)


def test_word_forms_match_in_russian_and_english(app_ctx):
    c = cast()
    energy = make_document("Concept paper on energy security", "Концептуальная записка об энергетической безопасности")
    meetings = make_document("Report of the meeting", "Доклад о совещании")
    other = make_document("Budget", "Бюджет")
    for document in (energy, meetings, other):
        circulate(document, c.alpha)
    assert symbols(c.a1, "энергетическая безопасность") == [energy.symbol]
    assert symbols(c.a1, "безопасностью") == [energy.symbol]
    assert symbols(c.a1, "meetings") == [meetings.symbol]
    assert symbols(c.a1, "совещания") == [meetings.symbol]
    assert symbols(c.a1, "Securities") == [energy.symbol]
    assert symbols(c.a1, "zzzqqqxj") == []
    assert symbols(c.a1, "energy -security") == []  # websearch syntax: a word excluded
    assert set(symbols(c.a1, "energy or budget")) == {energy.symbol, other.symbol}
    assert symbols(c.a1, '"energy security"') == [energy.symbol]  # a phrase
    assert symbols(c.a1, '"security energy"') == []
    # A symbol, whole or in pieces.
    assert symbols(c.a1, other.symbol) == [other.symbol]
    assert symbols(c.a1, other.symbol.replace("CICA/", "")) == [other.symbol]


def test_the_text_of_every_language_version_is_searched_and_marked(app_ctx):
    c = cast()
    document = make_document("Note", "Записка")
    circulate(document, c.alpha)
    assert symbols(c.a1, "desalination") == []
    give_text(document, "en", "The Secretariat notes progress on water desalination projects in the region.")
    give_text(document, "ru", "Секретариат отмечает прогресс проектов опреснения воды в регионе.")
    found, more = find_documents(c.a1, "desalinated", InboxFilters())
    assert [hit.symbol for hit in found] == [document.symbol] and not more
    assert "<mark>desalination</mark>" in str(found[0].passage)
    found, _ = find_documents(c.a1, "опреснение", InboxFilters())
    assert "<mark>опреснения</mark>" in str(found[0].passage)


def test_a_replaced_version_and_changed_titles_are_indexed_again(app_ctx):
    c = cast()
    document = make_document("First title", "Первый заголовок", languages=("en",))
    circulate(document, c.alpha)
    give_text(document, "en", "Original wording about fisheries.")
    assert symbols(c.a1, "fisheries") == [document.symbol]
    add_version(document, "en", b"%PDF-1.4\n% another file\n%%EOF\n")  # replaced: its text is not read yet
    db.session.refresh(document)
    assert symbols(c.a1, "fisheries") == []
    give_text(document, "en", "Revised wording about forestry.")
    assert symbols(c.a1, "forestry") == [document.symbol]
    document.title_en = "Renamed paper"
    db.session.commit()
    assert symbols(c.a1, "renamed") == [document.symbol] and symbols(c.a1, "first") == []


def test_names_find_each_other_in_their_russian_forms(app_ctx):
    """The Snowball stemmer stems "Астана" to "аста" but "Астане" to "астан"
    (and "Казахстан" to "казахста", "Казахстане" to "казахстан"): a long
    Russian stem matches by its prefix, so every form of a name finds the others,
    in the titles and in the texts, with the passage marked."""
    c = cast()
    astana = make_document("Meeting in the capital", "Совещание в Астане")
    kazakhstan = make_document("Note", "Записка Казахстана")
    in_text = make_document("Minutes", "Протокол")
    peace = make_document("World order", "Мировой порядок")
    for document in (astana, kazakhstan, in_text, peace):
        circulate(document, c.alpha)
    give_text(in_text, "ru", "Делегации собрались в Астану.")
    for form in ("Астана", "Астане", "Астаной", "Астаны", "астану"):
        assert set(symbols(c.a1, form)) == {astana.symbol, in_text.symbol}, form
    for form in ("Казахстан", "Казахстане", "Казахстана", "Казахстаном"):
        assert symbols(c.a1, form) == [kazakhstan.symbol], form
    found, _ = find_documents(c.a1, "Астана", InboxFilters())
    passage = next(str(hit.passage) for hit in found if hit.symbol == in_text.symbol)
    assert "<mark>Астану</mark>" in passage
    # A short stem matches whole: "мир" (peace) does not find "Мировой" (world).
    assert symbols(c.a1, "мир") == []
    assert symbols(c.a1, "мировой") == [peace.symbol]


def test_ranked_titles_above_texts(app_ctx):
    c = cast()
    in_text = make_document("Annual note", "Ежегодная записка")
    in_title = make_document("Tourism concept", "Концепция туризма")
    for document in (in_text, in_title):
        circulate(document, c.alpha)
    give_text(in_text, "en", "Among other things, tourism was discussed.")
    assert symbols(c.a1, "tourism") == [in_title.symbol, in_text.symbol]


@pytest.mark.parametrize("who", ["a1", "a2", "b1", "g1"])
def test_search_finds_exactly_what_the_reader_may_read(world, who):
    """Every document of the library shares the word "title" and its text holds
    "confidential": the results are exactly what the reader may read, and no
    passage holds a word of a document they may not."""
    c, docs = world
    for key, document in docs.items():
        give_text(document, "en", f"Confidential content {key.lower()}secret.")
    user = getattr(c, who)
    by_symbol = {d.symbol: key for key, d in docs.items()}
    titled = symbols(user, "title")
    assert {by_symbol[s] for s in titled} == READS[who]
    found, _ = find_documents(user, "confidential", InboxFilters(), per_page=50)
    assert {by_symbol[hit.symbol] for hit in found} == READS[who]
    # Once each, though R1 reached a1 both by name and through alpha's circulation row.
    assert len(titled) == len(set(titled)) and len(found) == len({hit.symbol for hit in found})
    passages = " ".join(str(hit.passage) for hit in found)
    for key in docs:
        assert (f"{key.lower()}secret" in passages) == (key in READS[who]), key
    # Searching for a hidden document's own words finds nothing at all.
    for key in set(docs) - READS[who]:
        assert symbols(user, f"{key.lower()}secret") == []


def test_the_secretariat_finds_drafts_too(world):
    c, docs = world
    assert docs["D1"].symbol in symbols(c.officer, "D1")


def test_filters_like_the_inbox(app_ctx):
    c = cast()
    june = meeting("June SOC")
    a = make_document("Water paper", "Водная записка", year=2024, meeting_id=june.id, languages=("en",))
    bb = make_document("Water report", "Водный доклад", code="SWG", year=2023, languages=("ru",))
    zh = make_document("Water table", "Водная таблица", year=2022, languages=("en", "zh"))
    for document in (a, bb, zh):
        circulate(document, c.alpha)
    record_receipt(c.a1, a.id)
    record_receipt(c.a1, zh.id)
    db.session.commit()
    assert set(symbols(c.a1, "water")) == {a.symbol, bb.symbol, zh.symbol}
    assert symbols(c.a1, "water", meeting_id=june.id) == [a.symbol]
    assert symbols(c.a1, "water", body_id=body("SWG").id) == [bb.symbol]
    assert symbols(c.a1, "water", year=2023) == [bb.symbol]
    assert symbols(c.a1, "water", language="ru") == [bb.symbol]
    assert symbols(c.a1, "water", language="other") == [zh.symbol]
    assert symbols(c.a1, "water", language="zh") == [zh.symbol]
    assert set(symbols(c.a1, "water", state=READ)) == {a.symbol, zh.symbol}
    assert symbols(c.a1, "water", state=UNREAD) == [bb.symbol]
    assert set(symbols(c.a2, "water", state=UNREAD)) == {a.symbol, bb.symbol, zh.symbol}  # a1's reading is theirs


def test_pages_of_results(app_ctx):
    c = cast()
    for n in range(25):
        circulate(make_document(f"Sanitation paper {n}", f"Записка {n}", languages=()), c.alpha)
    first, more = find_documents(c.a1, "sanitation", InboxFilters(), page=1)
    second, more_after = find_documents(c.a1, "sanitation", InboxFilters(), page=2)
    assert (len(first), more, len(second), more_after) == (20, True, 5, False)
    assert not {h.symbol for h in first} & {h.symbol for h in second}


def test_meetings_decisions_and_reports_each_as_far_as_the_reader_may_see(app_ctx):
    c = cast()
    meeting("Desertification conference")
    adopted = Decision(reference="SOC/2024/DEC/1", body_id=body("SOC").id, procedure=Procedure.MEETING,
                       status=DecisionStatus.ADOPTED, title_en="On desertification", title_ru="Об опустынивании",
                       text_en="The SOC decided on desertification measures.", adopted_on=date(2024, 3, 1))
    draft = Decision(reference="SOC/2024/DEC/2", body_id=body("SOC").id, procedure=Procedure.MEETING,
                     status=DecisionStatus.DRAFT, title_en="Draft on desertification", title_ru="Проект",
                     text_en="A draft about desertification and hushhush.")
    db.session.add_all([adopted, draft])
    db.session.commit()
    area = b.area(name_en="Desertification control")
    b.annual_report(area, status=ReportStatus.DRAFT)

    found = find_beside(c.a1, "desertification")
    assert [h.title_en for h in found[SearchKind.MEETING]] == ["Desertification conference"]
    assert [h.label for h in found[SearchKind.DECISION]] == ["SOC/2024/DEC/1"]
    assert "<mark>desertification</mark>" in str(found[SearchKind.DECISION][0].passage)
    assert found[SearchKind.CBM_REPORT] == []  # a draft annual report is the coordinators' and the Secretariat's
    assert find_beside(c.a1, "hushhush")[SearchKind.DECISION] == []
    found = find_beside(c.officer, "desertification")
    assert {h.label for h in found[SearchKind.DECISION]} == {"SOC/2024/DEC/1", "SOC/2024/DEC/2"}
    assert [(h.title_en, h.label) for h in found[SearchKind.CBM_REPORT]] == [("Desertification control", "2026")]


def test_a_membership_changed_changes_the_reports_found_at_once(app_ctx):
    """The search keeps each state's membership in the process (permissions.cbm.reader_scope,
    kept): a change to a membership is seen by the next search, in either direction."""
    c = cast()
    b.annual_report(b.area(name_en="Desertification control"), status=ReportStatus.SUBMITTED)

    def reports(user) -> list[str]:
        return [h.title_en for h in find_beside(user, "desertification")[SearchKind.CBM_REPORT]]

    assert reports(c.a1) == ["Desertification control"]  # a member reads submitted reports
    assert reports(c.g1) == []  # an observer reads published ones only
    c.gamma.state.memberships[0].status = MembershipStatus.MEMBER
    c.alpha.state.memberships[0].valid_to = forum_today() - timedelta(days=1)
    db.session.commit()
    assert reports(c.g1) == ["Desertification control"]
    assert reports(c.a1) == []  # no status today: nothing outside the areas they coordinate


def test_a_meeting_is_found_by_its_russian_city(app_ctx):
    c = cast()
    held = meeting("Desertification conference")
    held.city_ru = "Астана"
    db.session.commit()
    assert [h.title_en for h in find_beside(c.officer, "Астана")[SearchKind.MEETING]] == [held.title_en]


def test_deleted_objects_leave_the_index(app_ctx):
    c = cast()
    document = make_document("Ephemeral draft", "Черновик", status=DocumentStatus.DRAFT, languages=())
    assert symbols(c.officer, "ephemeral") == [document.symbol]
    db.session.delete(document)
    db.session.commit()
    assert symbols(c.officer, "ephemeral") == []
    assert db.session.scalars(select(SearchEntry).where(SearchEntry.kind == "document")).all() == []


def test_rebuild_indexes_what_exists(app_ctx):
    """What the migration does on upgrade: every object indexed from the tables."""
    c = cast()
    document = make_document("Glaciers report", "Доклад о ледниках", languages=("en",))
    circulate(document, c.alpha)
    give_text(document, "en", "Melting glaciers.")
    db.session.execute(delete(SearchEntry))
    db.session.commit()
    assert symbols(c.a1, "glacier") == []
    indexing.rebuild(db.session.connection())
    db.session.commit()
    assert symbols(c.a1, "glacier") == [document.symbol]
    assert symbols(c.a1, "melted") == [document.symbol]


def test_the_sqlite_side_reads_queries_as_websearch_to_tsquery_does():
    assert fulltext.fts5_expression("Energy security") == '("energi" AND "secur")'
    assert fulltext.fts5_expression('"energy security" or безопасность') == '("energi" + "secur") OR ("безопас"*)'
    assert fulltext.fts5_expression("energy -security") == '(("energi") NOT "secur")'
    assert fulltext.fts5_expression("-alone") == ""
    assert fulltext.fts5_expression("CICA/SOC/2024/17") == '("cica" AND "soc" AND "2024" AND "17")'
    assert fulltext.marked("a <b> \x02c\x03") == "a &lt;b&gt; <mark>c</mark>"



@pytest.mark.parametrize("way", ["index", "walk", None])
def test_a_year_or_a_meeting_is_read_from_the_list_walked(app_ctx, monkeypatch, way):
    """A delegate's search filtered by year or meeting walks the lists' copies of the
    document's year and meeting (circulation's, named_recipient's) or, for rare words,
    starts from the index of the words: both find the same documents."""
    from secretariat_app.documents.models import DistributionLevel
    from secretariat_app.search import word_stats

    monkeypatch.setattr(word_stats, "way", lambda query, candidates: way)
    c = cast()
    june = meeting("June SOC")
    circulated = make_document("Irrigation paper", "Записка об орошении", year=2023, meeting_id=june.id)
    other_year = make_document("Irrigation note", "Заметка об орошении", year=2022)
    named = make_document("Irrigation memo", "Памятка об орошении", year=2023,
                          level=DistributionLevel.RESTRICTED)
    circulate(circulated, c.alpha)
    circulate(other_year, c.alpha)
    circulate(named, named=(c.a1,))
    db.session.commit()
    assert set(symbols(c.a1, "irrigation", year=2023)) == {circulated.symbol, named.symbol}
    assert symbols(c.a1, "irrigation", year=2022) == [other_year.symbol]
    assert symbols(c.a1, "irrigation", meeting_id=june.id) == [circulated.symbol]
    assert symbols(c.a2, "irrigation", year=2023) == [circulated.symbol]  # not named: not theirs
