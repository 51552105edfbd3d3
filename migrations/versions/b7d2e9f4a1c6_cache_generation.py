"""cache generation

The generation of the rows web processes keep in memory (the inbox's filter
choices: bodies and meetings), drawn afresh in every transaction that changes
one (secretariat_app/core/cache_generation.py). Its one row is created by the
first change.

Revision ID: b7d2e9f4a1c6
Revises: a1f4c2e8b9d3
Create Date: 2026-12-06 01:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7d2e9f4a1c6'
down_revision = 'a1f4c2e8b9d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'cache_generation',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('generation', sa.BigInteger(), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_cache_generation_one_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cache_generation')),
    )


def downgrade():
    op.drop_table('cache_generation')
