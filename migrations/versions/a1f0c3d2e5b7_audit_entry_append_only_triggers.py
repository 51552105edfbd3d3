"""audit_entry append-only triggers

Revision ID: a1f0c3d2e5b7
Revises: ddbcb74aa7c2
Create Date: 2026-11-23 16:00:00

"""
from alembic import op

revision = 'a1f0c3d2e5b7'
down_revision = 'ddbcb74aa7c2'
branch_labels = None
depends_on = None

# Frozen copy of secretariat_app.audit.models.APPEND_ONLY_TRIGGERS.
UP = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_entry is append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
    ],
    "sqlite": [
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
        "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
    ],
}
DOWN = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry",
        "DROP FUNCTION IF EXISTS audit_entry_append_only()",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_entry_no_update",
        "DROP TRIGGER IF EXISTS audit_entry_no_delete",
    ],
}


def upgrade():
    for statement in UP.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    for statement in DOWN.get(op.get_bind().dialect.name, []):
        op.execute(statement)
