"""second factor: the user's sealed TOTP secret, last accepted step and enrolment time; recovery codes

Revision ID: b8d4f2a6c1e3
Revises: f3b9d1c7a2e6
Create Date: 2026-12-04 09:00:00

Adding columns does not rebuild user_account on SQLite; dropping them (the
downgrade) does, which drops the table's triggers: the unread_circulation ones
on user_account are created again after it (see e4a6c8b0d2f1).
"""
import sqlalchemy as sa
from alembic import op

revision = 'b8d4f2a6c1e3'
down_revision = 'f3b9d1c7a2e6'
branch_labels = None
depends_on = None

# Frozen copy of the SQLite triggers on user_account of secretariat_app.documents.models.UNREAD_TRIGGERS.
SQLITE_USER_TRIGGERS = [
        'CREATE TRIGGER unread_circulation_user_insert AFTER INSERT ON user_account WHEN NEW.delegation_id IS NOT NULL BEGIN INSERT INTO unread_circulation (document_id, user_id, named, circulated_at) SELECT c.document_id, NEW.id, false, c.circulated_at FROM circulation c WHERE c.delegation_id = NEW.delegation_id AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = NEW.id AND r.document_id = c.document_id) ON CONFLICT (document_id, user_id, named) DO UPDATE SET circulated_at = excluded.circulated_at; END',
        'CREATE TRIGGER unread_circulation_user_update AFTER UPDATE OF delegation_id ON user_account WHEN OLD.delegation_id IS NOT NEW.delegation_id BEGIN DELETE FROM unread_circulation WHERE user_id = OLD.id AND named = false; INSERT INTO unread_circulation (document_id, user_id, named, circulated_at) SELECT c.document_id, NEW.id, false, c.circulated_at FROM circulation c WHERE c.delegation_id = NEW.delegation_id AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = NEW.id AND r.document_id = c.document_id) ON CONFLICT (document_id, user_id, named) DO UPDATE SET circulated_at = excluded.circulated_at; END',
]


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
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('second_factor_enrolled_at')
        batch_op.drop_column('second_factor_last_step')
        batch_op.drop_column('second_factor_secret')
    if op.get_bind().dialect.name == 'sqlite':
        for statement in SQLITE_USER_TRIGGERS:
            op.execute(statement)
