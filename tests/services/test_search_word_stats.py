"""Which way a search finds its matches (search.word_stats): rare words through
the index of the words, common ones by the walk newest first. The figures come
from PostgreSQL's statistics; either way finds exactly the same documents."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from secretariat_app.documents.services.inbox import InboxFilters
from secretariat_app.extensions import db
from secretariat_app.search import services, word_stats
from secretariat_app.search.word_stats import ABSENT, WordStats
from tests.documents_helpers import READS, cast, circulate, library, make_document

MILLION = WordStats({"secur": 0.46, "energi": 0.40, "cooper": 0.41, "transform": 0.03, "безопасн": 0.38,
                     "безопасность": 0.01}, 1_000_000.0)


def test_a_word_outside_the_common_ones_counts_at_the_statistics_bound():
    assert MILLION.share("secur") == 0.46
    assert MILLION.share("kaleidoscop") == ABSENT
    assert MILLION.query_share("kaleidoscope") == ABSENT


def test_words_all_required_are_bounded_by_the_rarest_and_alternatives_add_up():
    assert MILLION.query_share("energy cooperation") == 0.40
    assert MILLION.query_share("energy kaleidoscope") == ABSENT
    assert MILLION.query_share("energy or transformation") == pytest.approx(0.43)
    assert MILLION.query_share("energy -security") == 0.40  # an excluded word bounds nothing
    assert MILLION.query_share('"energy security"') == 0.40  # a phrase: its rarest word


def test_a_russian_stem_counts_every_lexeme_its_prefix_finds():
    # "безопасность" stems to "безопасн", matched by its prefix "безопас": both lexemes count.
    assert MILLION.share("безопасн") == pytest.approx(0.39)


def test_the_index_is_the_way_when_its_hits_cost_less_than_the_walk():
    assert MILLION.rare("kaleidoscope", 60)  # ~100 entries to probe, against a walk of 600,000
    assert MILLION.rare("transformation kaleidoscope", 60)
    assert not MILLION.rare("security", 60)  # 460,000 hits, against a walk of 130
    assert not MILLION.rare("transformation", 60)  # 30,000 hits, against a walk of 2,000
    small = WordStats({"secur": 0.46}, 200.0)  # a small archive: the index, whatever the word
    assert small.rare("security", 60)


@pytest.mark.parametrize("forced", [word_stats.INDEX, word_stats.WALK, None])
@pytest.mark.parametrize("who", ["a1", "b1", "g1"])
def test_either_way_finds_exactly_what_the_reader_may_read(app_ctx, monkeypatch, forced, who):
    c = cast()
    docs = library(c)
    monkeypatch.setattr(word_stats, "way", lambda query, candidates: forced)
    by_symbol = {d.symbol: key for key, d in docs.items()}
    user = getattr(c, who)
    found, _ = services.find_documents(user, "title", InboxFilters(), per_page=50)
    assert {by_symbol[hit.symbol] for hit in found} == READS[who]


def test_the_statistics_are_read_from_postgresql_after_analyze(app_ctx):
    word_stats.forget()
    if db.engine.dialect.name != "postgresql":
        assert word_stats.word_stats() is None
        assert word_stats.way("anything", services.CANDIDATES) is None  # the planner decides
        return
    c = cast()
    for n in range(30):
        circulate(make_document(f"Desalination paper {n}", f"Записка {n}", languages=()), c.alpha)
    db.session.commit()
    db.session.execute(text("ANALYZE search_entry"))
    db.session.commit()
    stats = word_stats.word_stats()
    assert stats is not None and stats.entries >= 30
    assert stats.share("desalin") > 0.5  # in every entry but the reference data's
    assert stats.share("kaleidoscop") == ABSENT
    word_stats.forget()


@pytest.mark.parametrize("way", [word_stats.INDEX, word_stats.WALK])
@pytest.mark.parametrize("who", ["a1", "b1", "g1"])
def test_words_planned_once_find_each_query_s_own_documents(app_ctx, monkeypatch, way, who):
    """With the words' way written in (rare: the index; common: the walk), the statements are
    prepared (services._execute): after five executions PostgreSQL runs its generic plan, made
    without the words. Each query still finds exactly its own matches among what the reader
    may read, through the search page's statement and find_documents alike, before and after
    the switch."""
    c = cast()
    docs = library(c)
    monkeypatch.setattr(word_stats, "way", lambda query, candidates: way)
    by_symbol = {d.symbol: key for key, d in docs.items()}
    user = getattr(c, who)
    for _ in range(4):
        for word, expected in (("title", READS[who]), ("zzzqqqxj", set())):
            found, _ = services.find_documents(user, word, InboxFilters(), per_page=50)
            assert {by_symbol[hit.symbol] for hit in found} == expected, word
            page = services.search(user, word, InboxFilters(search=word))
            assert {by_symbol[hit.symbol] for hit in page.documents} == expected, word
    if db.engine.dialect.name == "postgresql":  # the generic plans were run, on this connection
        generic = db.session.execute(text(
            "SELECT coalesce(sum(generic_plans), 0) FROM pg_prepared_statements "
            "WHERE statement LIKE '%search_tsquery%'")).scalar_one()
        assert generic > 0
