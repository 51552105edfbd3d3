"""The inbox's filter "another (original) language": the documents with a version in
a language other than English and Russian (domain README: "English and Russian, and
the original language where it differs"). Two ways to find a page of them, chosen
by how many there are:

* few: found once, from the versions' partial index (ix_document_version_other_language),
  in a MATERIALIZED CTE (`documents`), each probed in the reader's lists, then sorted.
  The cost grows with their number, and is nothing while there are none.
* many: the reader's lists walked in time order, as for any other filter, with a probe
  of the partial index a row, stopping when the page is full. The cost grows with the
  page size over their share of the list.

Starting from N of D documents costs about N probes a list; the walk about page x D / N
rows. The two meet near N = sqrt(page x D) / 2 (crossover): 1,129 documents of 100,000,
3,570 of a million. Measured on the benchmark's 100,000 documents (EXPLAIN ANALYZE of
the first page, 2026-12-06), starting from them against walking:

    N = 100: 4.2 ms against 96 ms       N = 1,000: 13 ms against 20 ms
    N = 500: 8.9 ms against 62 ms       N = 2,000: 94 ms against 5.6 ms

Past about 1,500 the planner hashes the whole document table to join them. On a UN-size
database (1,000,000 documents, 20,000 of them in another language) starting from them
took 320-530 ms a page, and the walk 13 ms. With none of them, the walk is the risk: a
delegate's whole history read for an empty page.

How many there are is read at most once per COUNT_SECONDS in each process, and
the count stops past the crossover: a stale count chooses a slower plan for a while,
never what the page lists (both ways list the same rows: tests/services/test_inbox.py)."""
from __future__ import annotations

import math
import time
from functools import lru_cache

from sqlalchemy import String, func, literal_column, select, text

from secretariat_app.core.pg_connections import lone_read
from secretariat_app.documents.models import Document, DocumentVersion
from secretariat_app.extensions import db

MAIN_LANGUAGES = ("en", "ru")
COUNT_SECONDS = 300.0
_counted: dict[str, tuple[float, bool]] = {}  # database URL -> (time.monotonic() of the count, few)


def in_other_language(version):
    """The condition of ix_document_version_other_language, its languages as constants
    (a bound list would not match the partial index's predicate)."""
    return version.language.not_in([literal_column(f"'{code}'", String) for code in MAIN_LANGUAGES])


@lru_cache(maxsize=4)
def documents(dialect: str):
    """The documents with a version in another language, each once: a CTE named `ol`."""
    version = DocumentVersion.__table__.alias("v")
    found = select(version.c.document_id.label("id")).where(in_other_language(version.c)).distinct().cte("ol")
    return found.prefix_with("MATERIALIZED") if dialect == "postgresql" else found


def crossover(documents_count: int, page: int) -> int:
    """How many documents in another language are few enough to start from."""
    return math.isqrt(max(documents_count, 1) * page) // 2


def are_few(page: int) -> bool:
    """Whether there are few enough documents in another language to start from them
    (this process's count, read again after COUNT_SECONDS)."""
    key = str(db.engine.url)
    now = time.monotonic()
    counted = _counted.get(key)
    if counted is None or now - counted[0] > COUNT_SECONDS:
        counted = _counted[key] = (now, _count_is_few(page))
    return counted[1]


def _count_is_few(page: int) -> bool:
    if db.engine.dialect.name == "postgresql":
        # The planner's estimate (kept by ANALYZE and autovacuum): counting a million rows would cost more.
        total = db.session.execute(lone_read(text("SELECT greatest(reltuples, 0)::bigint FROM pg_class "
                                                  "WHERE oid = 'document'::regclass"))).scalar_one()
    else:
        total = db.session.execute(select(func.count()).select_from(Document)).scalar_one()
    limit = crossover(total, page)
    version = DocumentVersion.__table__.alias("v")
    some = select(version.c.document_id).where(in_other_language(version.c)).distinct().limit(limit + 1).subquery()
    return db.session.execute(lone_read(select(func.count()).select_from(some))).scalar_one() <= limit


def forget() -> None:
    """Count again at the next request (tests)."""
    _counted.clear()
