"""The one place where full-text search differs between the two databases.

Both index the same thing the same way: per searchable object, a "head" (the
symbol or reference and the titles, ranked higher) and a "body" (the texts),
English words stemmed by the English Snowball stemmer and Russian words by the
Russian one, so "безопасность" finds "безопасности" and "meetings" finds
"meeting"; both rank; both mark the matching passage.

- PostgreSQL: a stored tsvector column `search_entry.terms` with a GIN index,
  built with the `english` configuration for English text, `russian` for
  Russian text and `simple` for the original language and the symbol; a query
  is `websearch_to_tsquery` in those three configurations, OR-ed (each is the
  whole query stemmed one way), the Russian stems by their prefix
  (`russian_prefix`: the forms of a name stem a letter apart); `ts_rank`
  orders, `ts_headline` marks.
- SQLite (the embedded default): an FTS5 table `search_terms(head, body)`
  whose rowid is `search_entry.id`, holding the words already stemmed here
  with the same Snowball stemmers (PyStemmer), chosen per word by its script;
  the query is stemmed the same way and written as an FTS5 expression with the
  meaning websearch_to_tsquery gives it (words all required, "a phrase", `or`,
  `-word`; a Russian stem by its prefix); `bm25` orders; the passage is marked
  in Python (`headline`).

The rest of the app sees: `Parts` (what to index), `store`/`remove`
(write; an entry's terms go with its row), `Match` (the condition, the rank and the passage for a query).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import Stemmer
from markupsafe import Markup, escape
from sqlalchemy import Boolean, Float, String, Text, bindparam, column, func, literal_column, select, text
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

# Where the passage's marks go before the text is escaped (characters no text holds).
START, STOP = "\x02", "\x03"
# How much of an object's text is indexed (the index of a very long text would pass
# PostgreSQL's 1 MB tsvector limit), and how much of it a passage is looked for in.
MAX_TERMS_CHARS = 400_000
MAX_BODY_CHARS = 60_000
HEAD_WEIGHT, BODY_WEIGHT = 10.0, 1.0  # bm25's column weights (PostgreSQL: weights A and D)

_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f]")
_CYRILLIC_STEM = re.compile(r"[а-яё]+")
# russian_prefix in SQL, on the text of a tsquery ('астан' & 'мер'): a stem of four
# letters gets a prefix mark, then one of five or more loses its last letter and gets one.
_PREFIX_PATTERNS = (r"'([а-яё]{4})'", r"'([а-яё]{4,})[а-яё]'")
PREFIX_MARK = r"'\1':*"


@dataclass
class Parts:
    """The text of one object to index, by language ("en", "ru", "other")."""

    head: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] = field(default_factory=dict)

    def add(self, where: str, language: str, text_: str) -> None:
        language = language if language in ("en", "ru") else "other"
        part = self.head if where == "head" else self.body
        if text_:
            part[language] = (part.get(language, "") + "\n" + text_).strip()


# Stemming (SQLite's side, and the passage there) -------------------------------------------

@lru_cache(maxsize=2)
def _stemmer(language: str):
    return Stemmer.Stemmer(language)


def stem(word: str) -> str:
    """One word, lowered, stemmed by its script's stemmer (Russian for Cyrillic,
    English for Latin); other scripts and numbers as they are."""
    word = word.lower().replace("ё", "е")
    if _CYRILLIC.search(word):
        return _stemmer("russian").stemWord(word)
    if _LATIN.search(word):
        return _stemmer("english").stemWord(word)
    return word


def russian_prefix(stem_: str) -> str | None:
    """The prefix by which a Russian stem matches (None: the stem matches whole).

    The Snowball stemmer reads the end of some names as a verb's ending, so the
    forms of one name can stem a letter apart: "Астана" and "Астаны" to "аста",
    "Астане" and "Астаной" to "астан"; "Казахстан" to "казахста", "Казахстане"
    to "казахстан". A Cyrillic stem of five letters or more therefore matches
    every word whose stem starts with it less its last letter, one of four
    letters every word whose stem starts with it; shorter stems ("мер", "мир")
    match whole, which keeps them from finding every word they begin."""
    if len(stem_) < 4 or not _CYRILLIC_STEM.fullmatch(stem_):
        return None
    return stem_[:max(4, len(stem_) - 1)]


def stems(text_: str) -> list[str]:
    return [stem(word) for word in _WORD.findall(text_)]


def symbol_words(symbol: str) -> str:
    """CICA/SOC/2024/17/Rev.1 -> 'CICA SOC 2024 17 Rev 1': its pieces, found one by one."""
    return " ".join(_WORD.findall(symbol))


def prepared_query(query: str) -> str:
    """A query as both databases read it: a symbol's slashes and dots separate
    words (the index holds a symbol's pieces)."""
    return re.sub(r"(?<=\w)[/.](?=\w)", " ", query)[:400]


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # stems; more than one: a phrase
    negated: bool = False


def parse(query: str) -> list[list[Term]]:
    """websearch_to_tsquery's reading: terms all required, `or` between two terms
    makes either do, "quoted words" a phrase, -word excludes. A list of
    alternatives (OR) of terms (AND)."""
    groups: list[list[Term]] = [[]]
    pending_or = False
    for quoted, negation, word in re.findall(r'"([^"]*)"?|(-?)([^\s"]+)', prepared_query(query)):
        if quoted:
            words = tuple(stems(quoted))
            negated = False
        else:
            if word.lower() == "or" and groups[-1]:
                pending_or = True
                continue
            words, negated = tuple(stems(word)), negation == "-"
        if not words:
            continue
        if pending_or:
            groups.append([])
            pending_or = False
        groups[-1].append(Term(words, negated))
    return [group for group in groups if any(not term.negated for term in group)]


def fts5_expression(query: str) -> str:
    """The FTS5 MATCH expression of a query ('' when nothing is left to look for)."""
    alternatives = []
    for group in parse(query):
        positive = [term for term in group if not term.negated]
        expression = " AND ".join(_fts5_phrase(term) for term in positive)
        for term in group:
            if term.negated:
                expression = f"({expression}) NOT {_fts5_phrase(term)}"
        alternatives.append(f"({expression})")
    return " OR ".join(alternatives)


def _fts5_phrase(term: Term) -> str:
    """A term as FTS5 reads it: its words in a row, a long Russian stem by its prefix."""
    pieces = []
    for word in term.words:
        prefix = russian_prefix(word)
        pieces.append('"' + (prefix or word).replace('"', '""') + '"' + ("*" if prefix else ""))
    return " + ".join(pieces)


def headline(body: str, query: str, max_words: int = 35) -> str:
    """The passage of `body` with the most words of the query (the first such),
    about max_words words, its matching words between START and STOP: what
    ts_headline gives on PostgreSQL."""
    wanted = {word for group in parse(query) for term in group if not term.negated for word in term.words}
    prefixes = tuple(prefix for prefix in map(russian_prefix, wanted) if prefix)
    words = list(_WORD.finditer(body[:MAX_BODY_CHARS]))
    if not words:
        return ""
    hits = [n for n, match in enumerate(words)
            if (stemmed := stem(match.group())) in wanted or (prefixes and stemmed.startswith(prefixes))]
    best_start, best = 0, -1
    for first in hits or [0]:
        start = max(0, first - 5)
        count = sum(1 for n in hits if start <= n < start + max_words)
        if count > best:
            best_start, best = start, count
    window = words[best_start:best_start + max_words]
    pieces, position = [], window[0].start()
    hit_set = set(hits)
    for n, match in enumerate(window, best_start):
        pieces.append(body[position:match.start()])
        pieces.append(f"{START}{match.group()}{STOP}" if n in hit_set else match.group())
        position = match.end()
    return "".join(pieces).replace("\n", " ").strip()


def marked(passage: str | None) -> Markup:
    """A passage with START/STOP marks as HTML: the text escaped, the marks <mark>."""
    if not passage:
        return Markup("")
    html = str(escape(passage.replace(START, "\x00S").replace(STOP, "\x00E")))
    return Markup(html.replace("\x00S", "<mark>").replace("\x00E", "</mark>"))


def _tsquery_sql(words: str) -> str:
    """websearch_to_tsquery of `words` in the three configurations, OR-ed; the
    Russian one with each long stem's prefix (russian_prefix), rewritten in SQL:
    regexp_replace on the tsquery's text form, so that PostgreSQL's own stemmer and
    stop words make the stems."""
    russian = f"websearch_to_tsquery('russian'::regconfig, {words})::text"
    for pattern in _PREFIX_PATTERNS:
        russian = f"regexp_replace({russian}, {_quoted(pattern)}, {_quoted(PREFIX_MARK)}, 'g')"
    return (f"websearch_to_tsquery('english'::regconfig, {words}) || to_tsquery('simple'::regconfig, {russian}) "
            f"|| websearch_to_tsquery('simple'::regconfig, {words})")


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# The query's tsquery on PostgreSQL (Match.tsquery), created with the index
# (search.models.SEARCH_DDL; the migration keeps a frozen copy). IMMUTABLE: a
# statement that binds the words evaluates it once, while it is planned.
TSQUERY_FUNCTION = (
    "CREATE OR REPLACE FUNCTION search_tsquery(words text) RETURNS tsquery LANGUAGE sql IMMUTABLE "
    f"PARALLEL SAFE AS $$ SELECT {_tsquery_sql('words')} $$"
)


# Writing ----------------------------------------------------------------------------------

_PG_CONFIG = {"en": "english", "ru": "russian", "other": "simple"}


def _pg_terms_sql() -> str:
    pieces = []
    for where, weight in (("head", "A"), ("body", "D")):
        for language, config in _PG_CONFIG.items():
            pieces.append(f"setweight(to_tsvector('{config}', :{where}_{language}), '{weight}')")
    return " || ".join(pieces)


def store(connection: Connection, entry_id: int, parts: Parts) -> None:
    """Index one entry (its row in search_entry exists): replaces what was indexed."""
    if connection.dialect.name == "postgresql":
        params = {f"{where}_{language}": getattr(parts, where).get(language, "")[:MAX_TERMS_CHARS]
                  for where in ("head", "body") for language in _PG_CONFIG}
        connection.execute(text(f"UPDATE search_entry SET terms = {_pg_terms_sql()} WHERE id = :id"),
                           {**params, "id": entry_id})
        return
    head = " ".join(stems(" ".join(parts.head.values())))
    body = " ".join(stems(" ".join(parts.body.values())[:MAX_TERMS_CHARS]))
    connection.execute(text("DELETE FROM search_terms WHERE rowid = :id"), {"id": entry_id})
    connection.execute(text("INSERT INTO search_terms (rowid, head, body) VALUES (:id, :head, :body)"),
                       {"id": entry_id, "head": head, "body": body})


# Reading ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Match:
    """A query against the index, for one dialect: join `source` (selectable
    with columns entry_id and rank) on search_entry.id, order by `rank`
    (descending: best first), and ask `passage()` for the marked passage."""

    dialect: str
    # Planned once for any words (a prepared statement's generic plan): the tsquery is then a
    # subquery, computed once per execution; written out, a generic plan computes it again for
    # every row it tests (websearch_to_tsquery and its regexps, at each of thousands of rows).
    once: bool = False
    # The walk's way, whatever the words (services._Shape.walk): the test written as a function
    # call, ts_match_vq (what @@ calls), which no index answers and which the planner estimates
    # as passed by a third of the rows (an operator's estimate without the words is 0.5 %, and a
    # plan made on it scanned every entry instead of walking: 170-250 ms where the walk took 2.4).
    walk: bool = False

    @property
    def postgresql(self) -> bool:
        return self.dialect == "postgresql"

    def params(self, query: str) -> dict:
        if self.postgresql:
            return {"search_query": prepared_query(query)}
        return {"search_query": fts5_expression(query)}

    @staticmethod
    def searchable(query: str) -> bool:
        """Whether a query has anything to look for."""
        return bool(parse(query))

    def tsquery(self) -> ColumnElement:
        """The query's tsquery: search_tsquery(words), a SQL function (TSQUERY_FUNCTION)
        that PostgreSQL evaluates once while planning a statement that binds the
        words, so that the planner sees the words (their statistics) and the
        statement's text stays short (psycopg keeps the parse of a statement of 4 kB
        at most). `once`: as a subquery (an InitPlan), for a plan made without the words."""
        words = func.search_tsquery(bindparam("search_query", type_=String), type_=TSQUERY)
        return select(words).scalar_subquery() if self.once else words

    def matching(self, found, entry):
        """`found` (a select joined to search_entry as `entry`, aliased "e") kept to
        the entries that match, with a column `scored` for `rank`. On PostgreSQL a
        condition on the entry's own terms (the GIN index, or a test of each row a
        walk reads), the query written out so that the planner estimates from the
        column's statistics how many entries hold its words; on SQLite the FTS5
        table's matches joined by rowid."""
        if self.postgresql:
            terms: ColumnElement = literal_column("e.terms")
            test = (func.ts_match_vq(terms, self.tsquery(), type_=Boolean) if self.walk
                    else terms.op("@@")(self.tsquery()))
            return found.where(test).add_columns(terms.label("scored"))
        hits = text(
            f"SELECT rowid AS entry_id, -bm25(search_terms, {HEAD_WEIGHT}, {BODY_WEIGHT}) AS scored "
            "FROM search_terms WHERE search_terms MATCH :search_query"
        ).columns(column("entry_id"), column("scored", Float)).subquery("hits")
        return found.join(hits, hits.c.entry_id == entry.id).add_columns(hits.c.scored)

    def rank(self, scored) -> ColumnElement:
        """The rank of a hit from its `scored` column, higher for better matches on
        both databases: ts_rank of the terms (weights A for titles, D for texts)
        on PostgreSQL, computed only for the rows it is asked for; bm25 on SQLite."""
        if self.postgresql:
            return func.ts_rank(scored, self.tsquery(), type_=Float)
        return scored

    def passage(self, body) -> ColumnElement:
        """The marked passage of the text `body` (its first MAX_BODY_CHARS
        characters) on PostgreSQL; on SQLite that text itself, marked by `headline`
        in Python. Ask for it for the rows of a page only."""
        body = func.substr(body, literal_column("1"), literal_column(str(MAX_BODY_CHARS)))
        if not self.postgresql:
            return body
        options = f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15"
        # 'russian' parses Latin words with the English stemmer too: one pass marks both languages.
        return func.ts_headline(literal_column("'russian'::regconfig"), body, self.tsquery(),
                                literal_column("'" + options + "'", Text))

    def finish(self, passage: str | None, query: str) -> Markup:
        if passage is None:
            return Markup("")
        return marked(passage if self.postgresql else headline(passage, query))
