"""file text

The text of each stored file (file_text), read by the worker after upload, for
full-text search and the side-by-side reading view.

Revision ID: a1f4c2e8b9d3
Revises: d7e1c9a3f5b2
Create Date: 2026-12-06 01:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a1f4c2e8b9d3'
down_revision = 'd7e1c9a3f5b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'file_text',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('status', sa.Enum('pending', 'extracted', 'scan', 'unreadable', 'unsupported',
                                    name='text_status', native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.String(length=400), nullable=False),
        sa.Column('extracted_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['sha256'], ['stored_file.sha256'], name=op.f('fk_file_text_sha256_stored_file'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('sha256', name=op.f('pk_file_text')),
    )
    # Every file already stored is waiting to be read.
    op.execute("INSERT INTO file_text (sha256, status, text, attempts, error) "
               "SELECT sha256, 'pending', '', 0, '' FROM stored_file")


def downgrade():
    op.drop_table('file_text')
