"""whether the document has a version in another language, on circulation and named_recipient

Revision ID: d4f8a2c6e1b3
Revises: c7e1f3a5b9d2
Create Date: 2026-12-06 17:00:00.000000

The inbox's filter "another (original) language" walks the delegation's circulation
(and the person's named list) in time order along a partial index of the rows whose
document has a version in a language other than English and Russian, as short a walk
as the page, like the year and the meeting (b7e2c4a9d1f3). Before, it started from every
such document (94 ms a page at 100,000 documents, 2 % of them in another language;
320-530 ms at a million) or walked the whole list with a probe a row
(docs/benchmarks.md, 2026-12-06 15:45). Each row carries the copy, written by triggers
(secretariat_app/documents/list_filters.py): at insert from the document's versions, and
again for the document's rows when a version is added, removed or changed. The upgrade
fills the copies of the rows that exist (one pass over the versions' partial index).

On SQLite the lists' triggers are dropped and created again with the copy; the downgrade
puts b7e2c4a9d1f3's back before it drops the columns (SQLite drops no column a trigger
names).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4f8a2c6e1b3'
down_revision = 'c7e1f3a5b9d2'
branch_labels = None
depends_on = None

LISTS = (("circulation", "delegation_id", "circulated_at"), ("named_recipient", "user_id", "added_at"))
OTHER_LANGUAGE = "language NOT IN ('en', 'ru')"
# Frozen copies of secretariat_app.documents.list_filters.LIST_FILTER_TRIGGERS (the statements
# this revision changes or adds) and of b7e2c4a9d1f3's (what the downgrade puts back).
TRIGGERS = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION document_filters_of_list() RETURNS trigger AS $$ BEGIN SELECT d.year, d.meeting_id INTO NEW.year, NEW.meeting_id FROM document d WHERE d.id = NEW.document_id; NEW.other_language := EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')); RETURN NEW; END; $$ LANGUAGE plpgsql",  # noqa: E501
        "CREATE OR REPLACE FUNCTION other_language_to_lists() RETURNS trigger AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE circulation SET other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = OLD.document_id AND v.language NOT IN ('en', 'ru')) WHERE document_id = OLD.document_id AND other_language IS DISTINCT FROM EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = OLD.document_id AND v.language NOT IN ('en', 'ru')); UPDATE named_recipient SET other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = OLD.document_id AND v.language NOT IN ('en', 'ru')) WHERE document_id = OLD.document_id AND other_language IS DISTINCT FROM EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = OLD.document_id AND v.language NOT IN ('en', 'ru')); END IF; IF TG_OP <> 'DELETE' THEN UPDATE circulation SET other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')) WHERE document_id = NEW.document_id AND other_language IS DISTINCT FROM EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')); UPDATE named_recipient SET other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')) WHERE document_id = NEW.document_id AND other_language IS DISTINCT FROM EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')); END IF; RETURN NULL; END; $$ LANGUAGE plpgsql",  # noqa: E501
        'CREATE TRIGGER other_language_to_lists AFTER INSERT OR DELETE OR UPDATE OF document_id, language ON document_version FOR EACH ROW EXECUTE FUNCTION other_language_to_lists()',  # noqa: E501
    ],
    "sqlite": [
        "CREATE TRIGGER document_filters_circulation_insert AFTER INSERT ON circulation BEGIN UPDATE circulation SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id), other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')) WHERE id = NEW.id; END",  # noqa: E501
        "CREATE TRIGGER document_filters_circulation_update AFTER UPDATE OF document_id ON circulation BEGIN UPDATE circulation SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id), other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')) WHERE id = NEW.id; END",  # noqa: E501
        "CREATE TRIGGER document_filters_named_recipient_insert AFTER INSERT ON named_recipient BEGIN UPDATE named_recipient SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id), other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')) WHERE id = NEW.id; END",  # noqa: E501
        "CREATE TRIGGER document_filters_named_recipient_update AFTER UPDATE OF document_id ON named_recipient BEGIN UPDATE named_recipient SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id), other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')) WHERE id = NEW.id; END",  # noqa: E501
        "CREATE TRIGGER other_language_to_lists_insert AFTER INSERT ON document_version BEGIN UPDATE circulation SET other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')) WHERE document_id = NEW.document_id AND other_language IS NOT EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')); UPDATE named_recipient SET other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')) WHERE document_id = NEW.document_id AND other_language IS NOT EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')); END",  # noqa: E501
        "CREATE TRIGGER other_language_to_lists_delete AFTER DELETE ON document_version BEGIN UPDATE circulation SET other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = OLD.document_id AND v.language NOT IN ('en', 'ru')) WHERE document_id = OLD.document_id AND other_language IS NOT EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = OLD.document_id AND v.language NOT IN ('en', 'ru')); UPDATE named_recipient SET other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = OLD.document_id AND v.language NOT IN ('en', 'ru')) WHERE document_id = OLD.document_id AND other_language IS NOT EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = OLD.document_id AND v.language NOT IN ('en', 'ru')); END",  # noqa: E501
        "CREATE TRIGGER other_language_to_lists_update AFTER UPDATE OF document_id, language ON document_version BEGIN UPDATE circulation SET other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = OLD.document_id AND v.language NOT IN ('en', 'ru')) WHERE document_id = OLD.document_id AND other_language IS NOT EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = OLD.document_id AND v.language NOT IN ('en', 'ru')); UPDATE named_recipient SET other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = OLD.document_id AND v.language NOT IN ('en', 'ru')) WHERE document_id = OLD.document_id AND other_language IS NOT EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = OLD.document_id AND v.language NOT IN ('en', 'ru')); UPDATE circulation SET other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')) WHERE document_id = NEW.document_id AND other_language IS NOT EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')); UPDATE named_recipient SET other_language = EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')) WHERE document_id = NEW.document_id AND other_language IS NOT EXISTS (SELECT 1 FROM document_version v WHERE v.document_id = NEW.document_id AND v.language NOT IN ('en', 'ru')); END",  # noqa: E501
    ],
}
BEFORE = {
    "postgresql": [
        'CREATE OR REPLACE FUNCTION document_filters_of_list() RETURNS trigger AS $$ BEGIN SELECT d.year, d.meeting_id INTO NEW.year, NEW.meeting_id FROM document d WHERE d.id = NEW.document_id; RETURN NEW; END; $$ LANGUAGE plpgsql',  # noqa: E501
    ],
    "sqlite": [
        'CREATE TRIGGER document_filters_circulation_insert AFTER INSERT ON circulation BEGIN UPDATE circulation SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id) WHERE id = NEW.id; END',  # noqa: E501
        'CREATE TRIGGER document_filters_circulation_update AFTER UPDATE OF document_id ON circulation BEGIN UPDATE circulation SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id) WHERE id = NEW.id; END',  # noqa: E501
        'CREATE TRIGGER document_filters_named_recipient_insert AFTER INSERT ON named_recipient BEGIN UPDATE named_recipient SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id) WHERE id = NEW.id; END',  # noqa: E501
        'CREATE TRIGGER document_filters_named_recipient_update AFTER UPDATE OF document_id ON named_recipient BEGIN UPDATE named_recipient SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id) WHERE id = NEW.id; END',  # noqa: E501
    ],
}
DROPS = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS other_language_to_lists ON document_version",
        "DROP FUNCTION IF EXISTS other_language_to_lists()",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS other_language_to_lists_update",
        "DROP TRIGGER IF EXISTS other_language_to_lists_delete",
        "DROP TRIGGER IF EXISTS other_language_to_lists_insert",
        "DROP TRIGGER IF EXISTS document_filters_named_recipient_update",
        "DROP TRIGGER IF EXISTS document_filters_named_recipient_insert",
        "DROP TRIGGER IF EXISTS document_filters_circulation_update",
        "DROP TRIGGER IF EXISTS document_filters_circulation_insert",
    ],
}


def _run(statements):
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def _index(table, owner, at):
    return f"ix_{table}_{owner}_{at}_other_language"


def upgrade():
    for table, owner, at in LISTS:
        op.add_column(table, sa.Column('other_language', sa.Boolean(), server_default=sa.false(), nullable=False))
        op.execute(f"UPDATE {table} SET other_language = true WHERE document_id IN "
                   f"(SELECT document_id FROM document_version WHERE {OTHER_LANGUAGE})")
        op.create_index(_index(table, owner, at), table, [owner, at], unique=False,
                        postgresql_where=sa.text('other_language'), sqlite_where=sa.text('other_language'))
    if op.get_bind().dialect.name == "sqlite":
        _run(DROPS)  # the lists' triggers, written again below with the copy
    _run(TRIGGERS)


def downgrade():
    _run(DROPS)
    _run(BEFORE)
    for table, owner, at in reversed(LISTS):
        op.drop_index(_index(table, owner, at), table_name=table,
                      postgresql_where=sa.text('other_language'), sqlite_where=sa.text('other_language'))
        # Not a batch operation on SQLite (which would re-create the table without its triggers).
        op.drop_column(table, 'other_language')
