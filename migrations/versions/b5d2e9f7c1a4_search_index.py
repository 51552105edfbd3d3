"""search index

The full-text index of documents, meetings, decisions and CBM annual reports
(secretariat_app/search): search_entry, one row per object, with its terms in
a tsvector column and a GIN index on PostgreSQL, in an FTS5 table on SQLite.
The upgrade indexes what exists. Also the indexes the inbox's filters answer
through (bench/inbox/explain.py shows their plans).

Revision ID: b5d2e9f7c1a4
Revises: c4e7a9d1b3f5
Create Date: 2026-12-06 02:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b5d2e9f7c1a4'
down_revision = 'c4e7a9d1b3f5'
branch_labels = None
depends_on = None

# Frozen copy of secretariat_app.search.models.SEARCH_DDL.
TERMS = {
    "postgresql": [
        "ALTER TABLE search_entry ADD COLUMN terms tsvector",
        "CREATE INDEX ix_search_entry_terms ON search_entry USING gin (terms)",
    ],
    "sqlite": [
        "CREATE VIRTUAL TABLE search_terms USING fts5(head, body, tokenize = 'unicode61 remove_diacritics 0')",
        "CREATE TRIGGER search_entry_forget AFTER DELETE ON search_entry BEGIN "
        "DELETE FROM search_terms WHERE rowid = OLD.id; END",
    ],
}


def upgrade():
    op.create_table(
        'search_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=False),
        # A default: the app's indexing (rebuild, below) no longer writes it (c7e1f3a5b9d2 drops it).
        sa.Column('body', sa.Text(), nullable=False, server_default=''),
        sa.Column('indexed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entry')),
        sa.UniqueConstraint('kind', 'object_id', name=op.f('uq_search_entry_kind_object_id')),
    )
    # The inbox's filters that pick few documents start from them (documents/services/inbox.py).
    op.create_index('ix_document_year', 'document', ['year'])
    op.create_index('ix_document_version_other_language', 'document_version', ['document_id'],
                    postgresql_where=sa.text("language NOT IN ('en', 'ru')"),
                    sqlite_where=sa.text("language NOT IN ('en', 'ru')"))
    connection = op.get_bind()
    for statement in TERMS.get(connection.dialect.name, []):
        op.execute(statement)
    # What exists is indexed now (the app's own code: the stemming of SQLite's index is Python's).
    from secretariat_app.search.indexing import rebuild
    rebuild(connection)


def downgrade():
    op.drop_index('ix_document_version_other_language', table_name='document_version')
    op.drop_index('ix_document_year', table_name='document')
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS search_entry_forget")
        op.execute("DROP TABLE IF EXISTS search_terms")
    op.drop_table('search_entry')
