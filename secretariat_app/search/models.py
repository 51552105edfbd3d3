"""The search index: one row per searchable object (a document, a meeting, a
decision, a CBM annual report), written in the same transaction as the object
(search.indexing) and when the text of a document's file arrives. It keeps no
copy of the texts (migration c7e1f3a5b9d2).

Its terms live where the database keeps them (search.fulltext): on PostgreSQL
the tsvector column `terms` with its GIN index, on SQLite the FTS5 table
`search_terms`, both added by SEARCH_DDL (create_all) and by the migration."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DDL, Integer, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from secretariat_app.core.columns import UTCDateTime, utcnow
from secretariat_app.extensions import Model
from secretariat_app.search import fulltext


class SearchKind(enum.Enum):
    DOCUMENT = "document"
    MEETING = "meeting"
    DECISION = "decision"
    CBM_REPORT = "cbm_report"


class SearchEntry(Model):
    """What the index holds of one object: its kind and id (and its terms, SEARCH_DDL).
    No text: the marked passage is taken, for the rows of a page only, from where
    the text lives (a document's file_text, a decision's or a report's own columns:
    search.services)."""

    __tablename__ = "search_entry"
    __table_args__ = (UniqueConstraint("kind", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # a SearchKind's value
    object_id: Mapped[int] = mapped_column(Integer)
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


# The terms, per database (the migration holds a frozen copy).
SEARCH_DDL = {
    "postgresql": [
        fulltext.TSQUERY_FUNCTION,
        "ALTER TABLE search_entry ADD COLUMN terms tsvector",
        "CREATE INDEX ix_search_entry_terms ON search_entry USING gin (terms)",
        # Finer statistics of the words, so that the planner tells a rare word (the GIN index)
        # from a common one (the walk newest first): migration a8c3e5f7b9d1 says why.
        "ALTER TABLE search_entry ALTER COLUMN terms SET STATISTICS 1000",
    ],
    "sqlite": [
        "CREATE VIRTUAL TABLE search_terms USING fts5(head, body, tokenize = 'unicode61 remove_diacritics 0')",
        # An entry's terms go with it, whoever deletes it.
        "CREATE TRIGGER search_entry_forget AFTER DELETE ON search_entry BEGIN "
        "DELETE FROM search_terms WHERE rowid = OLD.id; END",
    ],
}
for _dialect, _statements in SEARCH_DDL.items():
    for _statement in _statements:
        event.listen(SearchEntry.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))
event.listen(SearchEntry.__table__, "before_drop",
             DDL("DROP TABLE IF EXISTS search_terms").execute_if(dialect="sqlite"))


def outside_models(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object: False for the index's terms, which live outside
    the models (SEARCH_DDL: the tsvector column and its GIN index, the FTS5
    table and its shadow tables), so that autogenerate neither drops nor reports them."""
    if type_ == "table" and name and name.startswith("search_terms"):
        return False
    if type_ == "column" and name == "terms" and getattr(obj, "table", None) is not None \
            and obj.table.name == "search_entry":
        return False
    return not (type_ == "index" and name == "ix_search_entry_terms")
