"""audit_entry.actor_id without a foreign key

A foreign key makes PostgreSQL lock the acting user's row (FOR KEY SHARE) at
every audit entry: every download wrote to user_account, and concurrent ones by
one person queued on multixacts. Users are never deleted, only deactivated.

SQLite rebuilds the table to drop a constraint (batch mode), which drops its
triggers: the append-only ones are created again after the rebuild.

Revision ID: f3b9d1c7a2e6
Revises: e4a6c8b0d2f1
Create Date: 2026-12-03 07:10:00

"""
from alembic import op

revision = 'f3b9d1c7a2e6'
down_revision = 'e4a6c8b0d2f1'
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_audit_entry_actor_id_user_account"
# Frozen copy of secretariat_app.audit.models.APPEND_ONLY_TRIGGERS["sqlite"].
SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
]


def _restore_sqlite_triggers():
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def upgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_='foreignkey')
    _restore_sqlite_triggers()


def downgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_foreign_key(FOREIGN_KEY, 'user_account', ['actor_id'], ['id'])
    _restore_sqlite_triggers()
