"""search terms statistics

PostgreSQL keeps finer statistics of the search index's words (1,000 instead
of the default 100: about 10,000 most common words with their frequencies),
so that the planner tells a rare word from a common one: a rare word's
documents are found through the GIN index, a common word's by walking what
reached the reader newest first (secretariat_app/search/services.py). With
the default, every word outside the 1,000 most common is estimated at a
fraction of a per cent of the documents, which sends a rare word down the
walk through the reader's whole history. The upgrade analyses the table
again. Nothing to do on SQLite.

Revision ID: a8c3e5f7b9d1
Revises: e8c4a2f6b1d9
Create Date: 2026-12-06 04:30:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a8c3e5f7b9d1'
down_revision = 'e8c4a2f6b1d9'
branch_labels = None
depends_on = None

# Frozen copy of the statement in secretariat_app.search.models.SEARCH_DDL.
TERMS_STATISTICS = 1000


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE search_entry ALTER COLUMN terms SET STATISTICS {TERMS_STATISTICS}")
    op.execute("ANALYZE search_entry")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search_entry ALTER COLUMN terms SET STATISTICS -1")
