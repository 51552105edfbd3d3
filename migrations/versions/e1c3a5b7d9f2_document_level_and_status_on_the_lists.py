"""the document's level and status, on circulation and named_recipient

Revision ID: e1c3a5b7d9f2
Revises: a9c3e5f7b1d4
Create Date: 2026-12-06 21:40:00.000000

The inbox's walks test the reading rule (permissions.documents: the statuses a recipient
reads, the levels each way of reaching them opens) on every list row they pass. They probed
the document for it, a row at a time; each list row now carries copies of its document's
level and status (document_level, document_status), written by the same triggers as its
year and meeting (secretariat_app/documents/list_filters.py): at insert from the document,
and on the document's rows whenever its level or status changes (derestricted, withdrawn,
superseded). The page statement's PostgreSQL CPU went from 420-443 µs to 333-350 µs at
100,000 documents on a kept database, 477-487 to 443-450 on a fresh load in a slower minute
(docs/benchmarks.md, 2026-12-06 20:45-22:30). The upgrade fills the copies of
the rows that exist (one pass over each list).

On SQLite the lists' triggers are dropped and created again with the copies; the
downgrade puts d4f8a2c6e1b3's (and b7e2c4a9d1f3's on the document) back before it drops
the columns (SQLite drops no column a trigger names).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e1c3a5b7d9f2'
down_revision = 'a9c3e5f7b1d4'
branch_labels = None
depends_on = None

LISTS = ("circulation", "named_recipient")
COLUMNS = (("document_level", "level"), ("document_status", "status"))
# Frozen copies of secretariat_app.documents.list_filters.LIST_FILTER_TRIGGERS (the statements
# this revision changes) and of d4f8a2c6e1b3's and b7e2c4a9d1f3's (what the downgrade puts back).
TRIGGERS = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION document_filters_of_list() RETURNS trigger AS $$ BEGIN SELECT d.year, d.meeting_id, d.level, d.status INTO NEW.year, NEW.meeting_id, NEW.document_level, NEW.document_status FROM document d WHERE d.id = NEW.document_id; NEW.other_language := EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')); RETURN NEW; END; $$ LANGUAGE plpgsql",  # noqa: E501
        'CREATE OR REPLACE FUNCTION document_filters_to_lists() RETURNS trigger AS $$ BEGIN UPDATE circulation SET year = NEW.year, meeting_id = NEW.meeting_id, document_level = NEW.level, document_status = NEW.status WHERE document_id = NEW.id; UPDATE named_recipient SET year = NEW.year, meeting_id = NEW.meeting_id, document_level = NEW.level, document_status = NEW.status WHERE document_id = NEW.id; RETURN NULL; END; $$ LANGUAGE plpgsql',  # noqa: E501
        'CREATE TRIGGER document_filters_to_lists AFTER UPDATE OF year, meeting_id, level, status ON document FOR EACH ROW WHEN (OLD.year IS DISTINCT FROM NEW.year OR OLD.meeting_id IS DISTINCT FROM NEW.meeting_id OR OLD.level IS DISTINCT FROM NEW.level OR OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION document_filters_to_lists()',  # noqa: E501
    ],
    "sqlite": [
        "CREATE TRIGGER document_filters_circulation_insert AFTER INSERT ON circulation BEGIN UPDATE circulation SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id), document_level = (SELECT d.level FROM document d WHERE d.id = NEW.document_id), document_status = (SELECT d.status FROM document d WHERE d.id = NEW.document_id), other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')) WHERE id = NEW.id; END",  # noqa: E501
        "CREATE TRIGGER document_filters_circulation_update AFTER UPDATE OF document_id ON circulation BEGIN UPDATE circulation SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id), document_level = (SELECT d.level FROM document d WHERE d.id = NEW.document_id), document_status = (SELECT d.status FROM document d WHERE d.id = NEW.document_id), other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')) WHERE id = NEW.id; END",  # noqa: E501
        "CREATE TRIGGER document_filters_named_recipient_insert AFTER INSERT ON named_recipient BEGIN UPDATE named_recipient SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id), document_level = (SELECT d.level FROM document d WHERE d.id = NEW.document_id), document_status = (SELECT d.status FROM document d WHERE d.id = NEW.document_id), other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')) WHERE id = NEW.id; END",  # noqa: E501
        "CREATE TRIGGER document_filters_named_recipient_update AFTER UPDATE OF document_id ON named_recipient BEGIN UPDATE named_recipient SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id), document_level = (SELECT d.level FROM document d WHERE d.id = NEW.document_id), document_status = (SELECT d.status FROM document d WHERE d.id = NEW.document_id), other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')) WHERE id = NEW.id; END",  # noqa: E501
        'CREATE TRIGGER document_filters_to_lists AFTER UPDATE OF year, meeting_id, level, status ON document WHEN OLD.year IS NOT NEW.year OR OLD.meeting_id IS NOT NEW.meeting_id OR OLD.level IS NOT NEW.level OR OLD.status IS NOT NEW.status BEGIN UPDATE circulation SET year = NEW.year, meeting_id = NEW.meeting_id, document_level = NEW.level, document_status = NEW.status WHERE document_id = NEW.id; UPDATE named_recipient SET year = NEW.year, meeting_id = NEW.meeting_id, document_level = NEW.level, document_status = NEW.status WHERE document_id = NEW.id; END',  # noqa: E501
    ],
}
BEFORE = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION document_filters_of_list() RETURNS trigger AS $$ BEGIN SELECT d.year, d.meeting_id INTO NEW.year, NEW.meeting_id FROM document d WHERE d.id = NEW.document_id; NEW.other_language := EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')); RETURN NEW; END; $$ LANGUAGE plpgsql",  # noqa: E501
        'CREATE OR REPLACE FUNCTION document_filters_to_lists() RETURNS trigger AS $$ BEGIN UPDATE circulation SET year = NEW.year, meeting_id = NEW.meeting_id WHERE document_id = NEW.id; UPDATE named_recipient SET year = NEW.year, meeting_id = NEW.meeting_id WHERE document_id = NEW.id; RETURN NULL; END; $$ LANGUAGE plpgsql',  # noqa: E501
        'CREATE TRIGGER document_filters_to_lists AFTER UPDATE OF year, meeting_id ON document FOR EACH ROW WHEN (OLD.year IS DISTINCT FROM NEW.year OR OLD.meeting_id IS DISTINCT FROM NEW.meeting_id) EXECUTE FUNCTION document_filters_to_lists()',  # noqa: E501
    ],
    "sqlite": [
        "CREATE TRIGGER document_filters_circulation_insert AFTER INSERT ON circulation BEGIN UPDATE circulation SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id), other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')) WHERE id = NEW.id; END",  # noqa: E501
        "CREATE TRIGGER document_filters_circulation_update AFTER UPDATE OF document_id ON circulation BEGIN UPDATE circulation SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id), other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')) WHERE id = NEW.id; END",  # noqa: E501
        "CREATE TRIGGER document_filters_named_recipient_insert AFTER INSERT ON named_recipient BEGIN UPDATE named_recipient SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id), other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')) WHERE id = NEW.id; END",  # noqa: E501
        "CREATE TRIGGER document_filters_named_recipient_update AFTER UPDATE OF document_id ON named_recipient BEGIN UPDATE named_recipient SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id), other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')) WHERE id = NEW.id; END",  # noqa: E501
        'CREATE TRIGGER document_filters_to_lists AFTER UPDATE OF year, meeting_id ON document WHEN OLD.year IS NOT NEW.year OR OLD.meeting_id IS NOT NEW.meeting_id BEGIN UPDATE circulation SET year = NEW.year, meeting_id = NEW.meeting_id WHERE document_id = NEW.id; UPDATE named_recipient SET year = NEW.year, meeting_id = NEW.meeting_id WHERE document_id = NEW.id; END',  # noqa: E501
    ],
}
DROPS = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS document_filters_to_lists ON document",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS document_filters_to_lists",
        "DROP TRIGGER IF EXISTS document_filters_named_recipient_update",
        "DROP TRIGGER IF EXISTS document_filters_named_recipient_insert",
        "DROP TRIGGER IF EXISTS document_filters_circulation_update",
        "DROP TRIGGER IF EXISTS document_filters_circulation_insert",
    ],
}


def _run(statements):
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade():
    for table in LISTS:
        for column, _ in COLUMNS:
            op.add_column(table, sa.Column(column, sa.String(length=32), nullable=True))
        if op.get_bind().dialect.name == "postgresql":  # one join, not a lookup a column and row
            copied = ", ".join(f"{column} = d.{source}" for column, source in COLUMNS)
            op.execute(f"UPDATE {table} SET {copied} FROM document d WHERE d.id = {table}.document_id")
        else:
            copied = ", ".join(f"{column} = (SELECT d.{source} FROM document d WHERE d.id = {table}.document_id)"
                               for column, source in COLUMNS)
            op.execute(f"UPDATE {table} SET {copied}")
    _run(DROPS)  # the lists' triggers (SQLite) and the document's: written again below with the copies
    _run(TRIGGERS)


def downgrade():
    _run(DROPS)
    _run(BEFORE)
    for table in reversed(LISTS):
        for column, _ in reversed(COLUMNS):
            # Not a batch operation on SQLite (which would re-create the table without its triggers).
            op.drop_column(table, column)
