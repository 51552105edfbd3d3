"""the lists' walk indexes hold what the inbox's walks read

Revision ID: f5a7c9e1b3d2
Revises: e1c3a5b7d9f2
Create Date: 2026-12-06 22:20:00.000000

The inbox walks the delegation's circulation and the reader's named list newest first,
and reads of each row its document and its copies of the document's level and status
(e1c3a5b7d9f2). ix_circulation_delegation_id_circulated_at gains the document as its
last key column (the walk's order: time, then document, with no sort of ties) and, on
PostgreSQL, includes the two copies; ix_named_recipient_user_id_added_at includes them
too. The walks become index-only scans: the page statement's PostgreSQL CPU 457-473 ->
347-390 µs at 100,000 documents (docs/benchmarks.md, 2026-12-06 20:45-22:30). The circulation
index is 69 MB instead of 37 at 100,000 documents; it replaces the old one, which
served nothing this one does not.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f5a7c9e1b3d2'
down_revision = 'e1c3a5b7d9f2'
branch_labels = None
depends_on = None

COPIES = ["document_level", "document_status"]
INDEXES = (
    ("ix_circulation_delegation_id_circulated_at", "circulation",
     ["delegation_id", "circulated_at"], ["delegation_id", "circulated_at", "document_id"]),
    ("ix_named_recipient_user_id_added_at", "named_recipient",
     ["user_id", "added_at", "document_id"], ["user_id", "added_at", "document_id"]),
)


def upgrade():
    for name, table, _, columns in INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns, unique=False, postgresql_include=COPIES)


def downgrade():
    for name, table, columns, _ in INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns, unique=False)
