"""The document's year and meeting, whether it has a version in another
language, and its level and status, on the lists a document reaches readers by.

circulation and named_recipient each carry a copy of their document's `year`
and `meeting_id`, so that the inbox's year and meeting filters walk a list in
its own order along an index of their own (ix_circulation_delegation_id_year_
circulated_at, ix_named_recipient_user_id_year_added_at and the meeting's):
the delegation's documents of 2010, newest first, are a walk as short as the
page, where a filter on the document's own column had to pass over every newer
circulation first, or read every document of the year and sort
(documents/services/inbox.py says what each costs).

`other_language` does the same for the filter "another (original) language":
whether the document has a version in a language other than English and
Russian (services/other_languages.py), walked along partial indexes of the rows
where it is true. Without it the filter either started from every such
document (94 ms a page at 100,000 documents, 2 % of them in another language;
320-530 ms at a million) or walked the lists with a probe a row (2,650 rows at
a million): docs/benchmarks.md, 2026-12-06 15:45.

`document_level` and `document_status` let the inbox's walks test the reading rule
(permissions.documents: the statuses a recipient reads, the levels each way opens) on
the list row they already read, rather than probe the document for every row walked:
the page statement's PostgreSQL CPU went from 420-443 µs to 333-350 µs at 100,000
documents on a kept database, 477-487 to 443-450 on a fresh load in a slower minute
(docs/benchmarks.md, 2026-12-06 20:45-22:30). The rule itself is unchanged and written in one
place; only the columns it is tested on are these copies. A level or status changed
(derestricted, withdrawn, superseded) is passed on to the document's rows at once, in the
same transaction.

The copies are written by the database, whoever writes the rows (the app, the
benchmark's SQL, a test): a row added or moved to another document takes its
document's values; a document whose year, meeting, level or status changes
passes them on, and so does a version added, removed, or moved to another
language or document. The app changes neither year nor meeting once a document
is circulated (only drafts are edited, and a draft reaches no one): for those
two the trigger guards against SQL written by hand. Level and status do change
after circulation (derestricted, withdrawn, superseded), and a version in
another language can come at any time: for these the trigger is what keeps the
inbox's reading rule right. Nothing else reads the copies: the document stays
the truth.

The migrations that added them (b7e2c4a9d1f3, then d4f8a2c6e1b3 for the other
language, e1c3a5b7d9f2 for the level and status) hold frozen copies of these
statements. On SQLite a later batch
operation on circulation, named_recipient, document or document_version
re-creates the table and loses its triggers: such a revision must create them
again (tests/integration/test_list_filters.py checks they work after every
upgrade)."""
from __future__ import annotations

from sqlalchemy import DDL, event

from secretariat_app.documents.services.other_languages import OTHER_LANGUAGE_SQL as OTHER_LANGUAGE
from secretariat_app.documents.version_triggers import DISTINCT, on_versions
from secretariat_app.extensions import db

_LISTS = ("circulation", "named_recipient")
_HAS_OTHER = "EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = {document} AND v.{other})"
_COPY_SQLITE = ("UPDATE {table} SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), "
                "meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id), "
                "document_level = (SELECT d.level FROM document d WHERE d.id = NEW.document_id), "
                "document_status = (SELECT d.status FROM document d WHERE d.id = NEW.document_id), "
                "other_language = " + _HAS_OTHER.format(document="NEW.document_id", other=OTHER_LANGUAGE)
                + " WHERE id = NEW.id")
_PASS_ON = ("UPDATE {table} SET year = NEW.year, meeting_id = NEW.meeting_id, document_level = NEW.level, "
            "document_status = NEW.status WHERE document_id = NEW.id")
_PASSED_ON = "year, meeting_id, level, status"  # the document's columns the lists copy
_CHANGED = " OR ".join(f"OLD.{column} {{distinct}} NEW.{column}" for column in _PASSED_ON.split(", "))
# A version written or removed: the lists of its document (the new and the old one) say again
# whether it has one in another language (only the rows whose answer changes are written).
_OTHER_AGAIN = ("UPDATE {table} SET other_language = {has} WHERE document_id = {row}.document_id "
                "AND other_language {distinct} {has}")


def _other_again(row: str, dialect: str) -> str:
    """The lists of the version `row` (NEW or OLD) told again."""
    has = _HAS_OTHER.format(document=f"{row}.document_id", other=OTHER_LANGUAGE)
    return "; ".join(_OTHER_AGAIN.format(table=table, has=has, row=row, distinct=DISTINCT[dialect])
                     for table in _LISTS)


_OTHER_LANGUAGE_TRIGGERS = on_versions("other_language_to_lists", _other_again)


LIST_FILTER_TRIGGERS = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION document_filters_of_list() RETURNS trigger AS $$ BEGIN "
        "SELECT d.year, d.meeting_id, d.level, d.status INTO NEW.year, NEW.meeting_id, NEW.document_level, "
        "NEW.document_status FROM document d WHERE d.id = NEW.document_id; "
        "NEW.other_language := " + _HAS_OTHER.format(document="NEW.document_id", other=OTHER_LANGUAGE) + "; "
        "RETURN NEW; END; $$ LANGUAGE plpgsql",
        *(f"CREATE TRIGGER document_filters_of_{table} BEFORE INSERT OR UPDATE OF document_id ON {table} "
          "FOR EACH ROW EXECUTE FUNCTION document_filters_of_list()" for table in _LISTS),
        "CREATE OR REPLACE FUNCTION document_filters_to_lists() RETURNS trigger AS $$ BEGIN "
        + "; ".join(_PASS_ON.format(table=table) for table in _LISTS) + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        f"CREATE TRIGGER document_filters_to_lists AFTER UPDATE OF {_PASSED_ON} ON document FOR EACH ROW "
        f"WHEN ({_CHANGED.format(distinct=DISTINCT['postgresql'])}) EXECUTE FUNCTION document_filters_to_lists()",
        *_OTHER_LANGUAGE_TRIGGERS["postgresql"],
    ],
    "sqlite": [
        *(f"CREATE TRIGGER document_filters_{table}_{when.split()[0].lower()} AFTER {when} ON {table} BEGIN "
          + _COPY_SQLITE.format(table=table) + "; END"
          for table in _LISTS for when in ("INSERT", "UPDATE OF document_id")),
        f"CREATE TRIGGER document_filters_to_lists AFTER UPDATE OF {_PASSED_ON} ON document "
        f"WHEN {_CHANGED.format(distinct=DISTINCT['sqlite'])} BEGIN "
        + "; ".join(_PASS_ON.format(table=table) for table in _LISTS) + "; END",
        *_OTHER_LANGUAGE_TRIGGERS["sqlite"],
    ],
}

# After every table exists: the triggers sit on circulation, named_recipient and document.
for _dialect, _statements in LIST_FILTER_TRIGGERS.items():
    for _statement in _statements:
        event.listen(db.metadata, "after_create", DDL(_statement).execute_if(dialect=_dialect))
