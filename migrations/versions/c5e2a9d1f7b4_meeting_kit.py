"""meeting kit

The ZIPs of a meeting's documents with their bilingual index (meeting_kit),
built by the worker and keyed by the digest of what they hold.

Revision ID: c5e2a9d1f7b4
Revises: b7d2e9f4a1c6
Create Date: 2026-12-06 01:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c5e2a9d1f7b4'
down_revision = 'b7d2e9f4a1c6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'meeting_kit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=4), nullable=False),
        sa.Column('manifest', sa.JSON(), nullable=False),
        sa.Column('status', sa.Enum('building', 'ready', 'failed', name='kit_status', native_enum=False,
                                    create_constraint=True, length=32), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=True),
        sa.Column('error', sa.String(length=400), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('built_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_kit_meeting_id_meeting'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_kit')),
        sa.UniqueConstraint('digest', name=op.f('uq_meeting_kit_digest')),
    )
    with op.batch_alter_table('meeting_kit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_kit_meeting_id'), ['meeting_id'], unique=False)


def downgrade():
    with op.batch_alter_table('meeting_kit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_kit_meeting_id'))
    op.drop_table('meeting_kit')
