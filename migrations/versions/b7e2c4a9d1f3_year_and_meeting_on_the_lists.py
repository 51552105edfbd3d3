"""the document's year and meeting on circulation and named_recipient

Revision ID: b7e2c4a9d1f3
Revises: f3b7d1a9c5e2
Create Date: 2026-12-06 08:00:00.000000

The inbox's year and meeting filters walk the delegation's circulation (and the
person's named list) in time order along an index of their own, as short as
the page, instead of every newer circulation, or every document of the year
sorted (issue 20, item 3). Each row carries a copy of its document's year and
meeting, written by triggers (secretariat_app/documents/list_filters.py): at
insert from the document, and passed on if a document's year or meeting changes.
The upgrade fills the copies of the rows that exist.

On PostgreSQL also statistics on "language NOT IN ('en', 'ru')" (the condition of
ix_document_version_other_language): without them the planner estimates it as a
fifth of the versions, where there are few, and walks a delegation's whole
history for the filter "another language" instead of starting from them.

On SQLite a later batch operation on circulation, named_recipient or document
re-creates the table and loses its triggers (these and the read state's of
9c4e7a1d3b6f): such a revision must create them again.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7e2c4a9d1f3'
down_revision = 'f3b7d1a9c5e2'
branch_labels = None
depends_on = None

# Frozen copy of secretariat_app.documents.list_filters.LIST_FILTER_TRIGGERS.
TRIGGERS = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION document_filters_of_list() RETURNS trigger AS $$ BEGIN SELECT d.year, d.meeting_id INTO NEW.year, NEW.meeting_id FROM document d WHERE d.id = NEW.document_id; RETURN NEW; END; $$ LANGUAGE plpgsql",  # noqa: E501
        "CREATE TRIGGER document_filters_of_circulation BEFORE INSERT OR UPDATE OF document_id ON circulation FOR EACH ROW EXECUTE FUNCTION document_filters_of_list()",  # noqa: E501
        "CREATE TRIGGER document_filters_of_named_recipient BEFORE INSERT OR UPDATE OF document_id ON named_recipient FOR EACH ROW EXECUTE FUNCTION document_filters_of_list()",  # noqa: E501
        "CREATE OR REPLACE FUNCTION document_filters_to_lists() RETURNS trigger AS $$ BEGIN UPDATE circulation SET year = NEW.year, meeting_id = NEW.meeting_id WHERE document_id = NEW.id; UPDATE named_recipient SET year = NEW.year, meeting_id = NEW.meeting_id WHERE document_id = NEW.id; RETURN NULL; END; $$ LANGUAGE plpgsql",  # noqa: E501
        "CREATE TRIGGER document_filters_to_lists AFTER UPDATE OF year, meeting_id ON document FOR EACH ROW WHEN (OLD.year IS DISTINCT FROM NEW.year OR OLD.meeting_id IS DISTINCT FROM NEW.meeting_id) EXECUTE FUNCTION document_filters_to_lists()",  # noqa: E501
    ],
    "sqlite": [
        "CREATE TRIGGER document_filters_circulation_insert AFTER INSERT ON circulation BEGIN UPDATE circulation SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id) WHERE id = NEW.id; END",  # noqa: E501
        "CREATE TRIGGER document_filters_circulation_update AFTER UPDATE OF document_id ON circulation BEGIN UPDATE circulation SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id) WHERE id = NEW.id; END",  # noqa: E501
        "CREATE TRIGGER document_filters_named_recipient_insert AFTER INSERT ON named_recipient BEGIN UPDATE named_recipient SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id) WHERE id = NEW.id; END",  # noqa: E501
        "CREATE TRIGGER document_filters_named_recipient_update AFTER UPDATE OF document_id ON named_recipient BEGIN UPDATE named_recipient SET year = (SELECT d.year FROM document d WHERE d.id = NEW.document_id), meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = NEW.document_id) WHERE id = NEW.id; END",  # noqa: E501
        "CREATE TRIGGER document_filters_to_lists AFTER UPDATE OF year, meeting_id ON document WHEN OLD.year IS NOT NEW.year OR OLD.meeting_id IS NOT NEW.meeting_id BEGIN UPDATE circulation SET year = NEW.year, meeting_id = NEW.meeting_id WHERE document_id = NEW.id; UPDATE named_recipient SET year = NEW.year, meeting_id = NEW.meeting_id WHERE document_id = NEW.id; END",  # noqa: E501
    ],
}
DROPS = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS document_filters_to_lists ON document",
        "DROP TRIGGER IF EXISTS document_filters_of_named_recipient ON named_recipient",
        "DROP TRIGGER IF EXISTS document_filters_of_circulation ON circulation",
        "DROP FUNCTION IF EXISTS document_filters_to_lists()",
        "DROP FUNCTION IF EXISTS document_filters_of_list()",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS document_filters_to_lists",
        "DROP TRIGGER IF EXISTS document_filters_named_recipient_update",
        "DROP TRIGGER IF EXISTS document_filters_named_recipient_insert",
        "DROP TRIGGER IF EXISTS document_filters_circulation_update",
        "DROP TRIGGER IF EXISTS document_filters_circulation_insert",
    ],
}
LISTS = ("circulation", "named_recipient")
# Frozen copy of secretariat_app.documents.models.OTHER_LANGUAGE_STATISTICS.
STATISTICS = ("CREATE STATISTICS st_document_version_other_language "
              "ON ((language NOT IN ('en', 'ru'))) FROM document_version")


def _run(statements):
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in LISTS:
        op.add_column(table, sa.Column('year', sa.Integer(), nullable=True))
        op.add_column(table, sa.Column('meeting_id', sa.Integer(), nullable=True))
        if postgresql:
            op.execute(f"UPDATE {table} t SET year = d.year, meeting_id = d.meeting_id FROM document d "
                       "WHERE d.id = t.document_id")
        else:
            op.execute(f"UPDATE {table} SET year = (SELECT d.year FROM document d WHERE d.id = {table}.document_id), "
                       f"meeting_id = (SELECT d.meeting_id FROM document d WHERE d.id = {table}.document_id)")
    op.create_index('ix_circulation_delegation_id_year_circulated_at', 'circulation',
                    ['delegation_id', 'year', 'circulated_at'], unique=False)
    op.create_index('ix_circulation_delegation_id_meeting_id_circulated_at', 'circulation',
                    ['delegation_id', 'meeting_id', 'circulated_at'], unique=False,
                    postgresql_where=sa.text('meeting_id IS NOT NULL'),
                    sqlite_where=sa.text('meeting_id IS NOT NULL'))
    op.create_index('ix_named_recipient_user_id_year_added_at', 'named_recipient',
                    ['user_id', 'year', 'added_at'], unique=False)
    op.create_index('ix_named_recipient_user_id_meeting_id_added_at', 'named_recipient',
                    ['user_id', 'meeting_id', 'added_at'], unique=False,
                    postgresql_where=sa.text('meeting_id IS NOT NULL'),
                    sqlite_where=sa.text('meeting_id IS NOT NULL'))
    _run(TRIGGERS)
    if postgresql:
        op.execute(STATISTICS)
        op.execute("ANALYZE document_version")


def downgrade():
    _run(DROPS)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS IF EXISTS st_document_version_other_language")
    op.drop_index('ix_named_recipient_user_id_meeting_id_added_at', table_name='named_recipient',
                  postgresql_where=sa.text('meeting_id IS NOT NULL'), sqlite_where=sa.text('meeting_id IS NOT NULL'))
    op.drop_index('ix_named_recipient_user_id_year_added_at', table_name='named_recipient')
    op.drop_index('ix_circulation_delegation_id_meeting_id_circulated_at', table_name='circulation',
                  postgresql_where=sa.text('meeting_id IS NOT NULL'), sqlite_where=sa.text('meeting_id IS NOT NULL'))
    op.drop_index('ix_circulation_delegation_id_year_circulated_at', table_name='circulation')
    for table in reversed(LISTS):
        # Not a batch operation on SQLite (which would re-create the table without the read
        # state's triggers): SQLite 3.35 drops a column that no index or constraint holds in place.
        op.drop_column(table, 'meeting_id')
        op.drop_column(table, 'year')
