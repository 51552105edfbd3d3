"""delivery circuit and notification claims

The SMTP circuit breaker's row (delivery_circuit), the notification's claims
(the fencing token of a delivery, apart from the attempts charged) and an
index on sent_at (the per-minute rate).

Revision ID: d7e1c9a3f5b2
Revises: b5d2e8f4a6c1
Create Date: 2026-12-05 21:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd7e1c9a3f5b2'
down_revision = 'b5d2e8f4a6c1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'delivery_circuit',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('state', sa.Enum('closed', 'open', 'half_open', name='circuit_state', native_enum=False,
                                   create_constraint=True, length=32), nullable=False),
        sa.Column('outages', sa.Integer(), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('retry_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_delivery_circuit')),
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claims', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_notification_sent_at'), ['sent_at'], unique=False)
    # Tasks still queued carry (id, attempts) of their claim: the token goes on from there.
    op.execute("UPDATE notification SET claims = attempts")


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_sent_at'))
        batch_op.drop_column('claims')
    op.drop_table('delivery_circuit')
