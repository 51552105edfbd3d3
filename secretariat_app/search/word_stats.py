"""How common a query's words are, from PostgreSQL's own statistics of the index.

A delegate's search finds its matches one of two ways (search.services): it
walks what reached the reader newest first and tests each document's terms,
stopping at the CANDIDATES-th match, or it asks the GIN index for every entry
holding the words and probes each for the reader. The walk reads about
CANDIDATES / f documents for a query held by a share f of the entries; the
index, f x N entries (N: the entries). So the index is the cheaper way when
f x f x N < CANDIDATES: at a million entries, for words in fewer than 0.8 % of
them.

PostgreSQL's planner makes that choice from the same statistics, but estimates
any word outside the column's most common elements at half the least common
one's frequency: at a UN body's size (a million documents) a word found in 13
documents was estimated at 0.8 % of them, and the planner walked the bench
delegation's 54,000 documents for it (2.2 s) instead of probing 13 (a few ms).
The statistics say more than that: ANALYZE keeps every element seen more often
than about 1 / (10 x the statistics target) of the sampled rows (lossy
counting), so a word missing from the list is rarer than that. Here a missing
word counts at that bound, and the search forces the index's way when the
query as a whole is rare (services._matching), and the walk otherwise: the way
is then written into the statement, which is planned once per connection.

The statistics are read once per process every STATS_TTL seconds (a stale copy
only changes which way a search goes, never what it finds). Without statistics
(SQLite, or an index never analysed) nothing is forced and the planner decides."""
from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import text

from secretariat_app.extensions import db
from secretariat_app.search.fulltext import parse, russian_prefix

STATS_TTL = 600.0  # seconds a process keeps the statistics it read
STATISTICS_TARGET = 1000  # search.models.SEARCH_DDL: the terms' statistics target
ABSENT = 1.0 / (10 * STATISTICS_TARGET)  # a word outside the most common elements: at most this share


@dataclass(frozen=True)
class WordStats:
    """The most common lexemes of search_entry.terms with the share of entries holding each."""

    shares: dict[str, float]
    entries: float  # the table's rows, as the planner knows them

    def share(self, stem: str) -> float:
        """The share of entries holding a word (its stem; a long Russian stem by its prefix)."""
        prefix = russian_prefix(stem)
        if prefix:
            found = sum(share for lexeme, share in self.shares.items() if lexeme.startswith(prefix))
        else:
            found = self.shares.get(stem, 0.0)
        return min(1.0, found) if found else ABSENT

    def query_share(self, query: str) -> float:
        """An upper estimate of the share of entries a query matches: the words of a
        group are all required (the rarest bounds it), the groups are alternatives."""
        total = 0.0
        for group in parse(query):
            positive = [term for term in group if not term.negated]
            total += min(min(self.share(word) for word in term.words) for term in positive)
        return min(1.0, total)

    def rare(self, query: str, candidates: int) -> bool:
        """Whether probing the index's hits costs less than walking for `candidates` matches."""
        share = self.query_share(query)
        return share * share * self.entries < candidates


_cache: dict[int, tuple[float, WordStats | None]] = {}  # by engine: a process may serve two databases (tests)


def _read() -> WordStats | None:
    row = db.session.execute(text(
        "SELECT s.most_common_elems::text::text[] AS elements, s.most_common_elem_freqs AS freqs, "
        "c.reltuples AS entries FROM pg_class c LEFT JOIN pg_stats s ON s.schemaname = current_schema() "
        "AND s.tablename = 'search_entry' AND s.attname = 'terms' "
        "WHERE c.relname = 'search_entry' AND c.relnamespace = current_schema()::regnamespace")).first()
    if row is None or not row.elements or not row.freqs or row.entries is None or row.entries <= 0:
        return None
    # most_common_elem_freqs ends with three more figures (the least and greatest share, the nulls').
    return WordStats(dict(zip(row.elements, row.freqs[:len(row.elements)], strict=True)), float(row.entries))


def word_stats() -> WordStats | None:
    """This process's copy of the statistics (PostgreSQL), read again after STATS_TTL."""
    bind = db.session.get_bind()
    now = time.monotonic()
    held = _cache.get(id(bind))
    if held is None or now - held[0] > STATS_TTL:
        held = (now, _read() if bind.dialect.name == "postgresql" else None)
        _cache[id(bind)] = held
    return held[1]


def forget() -> None:
    """Read the statistics again at the next search (tests; after ANALYZE)."""
    _cache.clear()


INDEX, WALK = "index", "walk"


def way(query: str, candidates: int) -> str | None:
    """The cheaper way to a query's matches: INDEX (rare words), WALK (the others);
    None without statistics (the planner decides)."""
    stats = word_stats()
    if stats is None:
        return None
    return INDEX if stats.rare(query, candidates) else WALK

