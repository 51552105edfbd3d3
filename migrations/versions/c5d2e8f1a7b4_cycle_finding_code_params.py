"""cycle finding code and params

A finding of the cycle check is kept as a code and its parameters, which pages
and mails write out in the reader's language; `message` stays as the English
of it. Rows stored before have neither until the next check refreshes them.

Revision ID: c5d2e8f1a7b4
Revises: c5e2a9d1f7b4
Create Date: 2026-12-06 01:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c5d2e8f1a7b4'
down_revision = 'c5e2a9d1f7b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cycle_finding') as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('cycle_finding') as batch_op:
        batch_op.drop_column('params')
        batch_op.drop_column('code')
