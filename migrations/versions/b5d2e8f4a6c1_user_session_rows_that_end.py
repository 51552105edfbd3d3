"""user_session: one row per login, which logout and revocation end; user_account.session_token goes

The session cookie names a user_session row (by the SHA-256 of its secret)
instead of carrying user id and user_account.session_token, which only a
password change or a deactivation could rotate, for every session at once.
Existing cookies name no row: everyone logs in again after the upgrade.

On SQLite the column is dropped with ALTER TABLE DROP COLUMN (SQLite 3.35+),
not by rebuilding user_account: with foreign keys on, dropping the old table
in a rebuild would cascade to the rows that refer to it (user_role).

Revision ID: b5d2e8f4a6c1
Revises: b8d4f2a6c1e3
Create Date: 2026-12-08 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'b5d2e8f4a6c1'
down_revision = 'b8d4f2a6c1e3'
branch_labels = None
depends_on = None

# A random token per user, as the code before this revision made them.
RANDOM_TOKEN = {
    "postgresql": "md5(random()::text || id::text)",
    "sqlite": "lower(hex(randomblob(16)))",
}


def upgrade():
    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=300), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_session_user_id_user_account'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_user_session_secret_hash'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('session_token')


def downgrade():
    with op.batch_alter_table('user_account', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=False, server_default=''))
    op.execute(f"UPDATE user_account SET session_token = {RANDOM_TOKEN[op.get_bind().dialect.name]}")

    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
    op.drop_table('user_session')
