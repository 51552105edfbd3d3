"""The document's year and meeting on the lists a document reaches readers by.

circulation and named_recipient each carry a copy of their document's `year`
and `meeting_id`, so that the inbox's year and meeting filters walk a list in
its own order along an index of their own (ix_circulation_delegation_id_year_
circulated_at, ix_named_recipient_user_id_year_added_at and the meeting's):
the delegation's documents of 2010, newest first, are a walk as short as the
page, where a filter on the document's own column had to pass over every newer
circulation first, or read every document of the year and sort
(documents/services/inbox.py says what each costs).

The copies are written by the database, whoever writes the rows (the app, the
benchmark's SQL, a test): a row added or moved to another document takes its
document's values; a document whose year or meeting changes passes them on.
The app changes neither once a document is circulated (only drafts are edited,
and a draft reaches no one), so the second trigger guards against SQL written
by hand. Nothing else reads the copies: the document stays the truth.

The migration that added them (b7e2c4a9d1f3) holds a frozen copy of these
statements. On SQLite a later batch operation on circulation, named_recipient
or document re-creates the table and loses its triggers: such a revision must
create them again (tests/integration/test_list_filters.py checks they work
after every upgrade)."""
from __future__ import annotations

from sqlalchemy import DDL, event

from secretariat_app.extensions import db

_LISTS = ("circulation", "named_recipient")
_COPY_SQLITE = ("UPDATE {table} SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), "
                "meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id) "
                "WHERE id = NEW.id")
_PASS_ON = "UPDATE {table} SET year = NEW.year, meeting_id = NEW.meeting_id WHERE document_id = NEW.id"

LIST_FILTER_TRIGGERS = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION document_filters_of_list() RETURNS trigger AS $$ BEGIN "
        "SELECT d.year, d.meeting_id INTO NEW.year, NEW.meeting_id FROM document d WHERE d.id = NEW.document_id; "
        "RETURN NEW; END; $$ LANGUAGE plpgsql",
        *(f"CREATE TRIGGER document_filters_of_{table} BEFORE INSERT OR UPDATE OF document_id ON {table} "
          "FOR EACH ROW EXECUTE FUNCTION document_filters_of_list()" for table in _LISTS),
        "CREATE OR REPLACE FUNCTION document_filters_to_lists() RETURNS trigger AS $$ BEGIN "
        + "; ".join(_PASS_ON.format(table=table) for table in _LISTS) + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER document_filters_to_lists AFTER UPDATE OF year, meeting_id ON document FOR EACH ROW "
        "WHEN (OLD.year IS DISTINCT FROM NEW.year OR OLD.meeting_id IS DISTINCT FROM NEW.meeting_id) "
        "EXECUTE FUNCTION document_filters_to_lists()",
    ],
    "sqlite": [
        *(f"CREATE TRIGGER document_filters_{table}_{when.split()[0].lower()} AFTER {when} ON {table} BEGIN "
          + _COPY_SQLITE.format(table=table) + "; END"
          for table in _LISTS for when in ("INSERT", "UPDATE OF document_id")),
        "CREATE TRIGGER document_filters_to_lists AFTER UPDATE OF year, meeting_id ON document "
        "WHEN OLD.year IS NOT NEW.year OR OLD.meeting_id IS NOT NEW.meeting_id BEGIN "
        + "; ".join(_PASS_ON.format(table=table) for table in _LISTS) + "; END",
    ],
}

# After every table exists: the triggers sit on circulation, named_recipient and document.
for _dialect, _statements in LIST_FILTER_TRIGGERS.items():
    for _statement in _statements:
        event.listen(db.metadata, "after_create", DDL(_statement).execute_if(dialect=_dialect))
