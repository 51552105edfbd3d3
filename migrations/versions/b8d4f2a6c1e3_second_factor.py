"""second factor: the user's sealed TOTP secret, last accepted step and enrolment time; recovery codes

Revision ID: b8d4f2a6c1e3
Revises: f3b9d1c7a2e6
Create Date: 2026-12-04 09:00:00

Adding columns does not rebuild user_account on SQLite. Dropping them would in
batch mode, and the rebuild fails there (the unread_circulation triggers of other
tables name user_account, see e4a6c8b0d2f1): SQLite drops them in place instead
(ALTER TABLE ... DROP COLUMN, SQLite 3.35 and later), keeping every trigger.
"""
import sqlalchemy as sa
from alembic import op

revision = 'b8d4f2a6c1e3'
down_revision = 'f3b9d1c7a2e6'
branch_labels = None
depends_on = None

COLUMNS = ('second_factor_enrolled_at', 'second_factor_last_step', 'second_factor_secret')


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('second_factor_secret', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('second_factor_last_step', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('second_factor_enrolled_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'recovery_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_recovery_code_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code')),
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))
    op.drop_table('recovery_code')
    if op.get_bind().dialect.name == 'sqlite':
        for column in COLUMNS:
            op.execute(f'ALTER TABLE user_account DROP COLUMN {column}')
        return
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.drop_column(column)
