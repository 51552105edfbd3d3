"""unread_circulation: what reached each user and they have not read

Revision ID: e4a6c8b0d2f1
Revises: c7b1e2a4d9f0
Create Date: 2026-12-01 23:30:00

A row for each (circulation, user of that delegation) and each named recipient
without a receipt, kept by triggers on circulation, named_recipient,
user_account and receipt; the upgrade fills it from the existing circulations,
named recipients and receipts. The inbox reads a reader's unread documents from
it instead of walking the delegation's whole history; and walks a person's
named list by the new index on named_recipient.

On SQLite a later batch operation on circulation, named_recipient, user_account
or receipt re-creates the table and loses its triggers: such a revision must
create them again (tests/integration/test_unread_triggers.py checks they work
after every upgrade).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e4a6c8b0d2f1'
down_revision = 'c7b1e2a4d9f0'
branch_labels = None
depends_on = None

# Frozen copy of secretariat_app.documents.models.UNREAD_TRIGGERS and UNREAD_BACKFILL.
UP = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION unread_circulation_of_circulation() RETURNS trigger AS $$ BEGIN IF TG_OP IN ('UPDATE', 'DELETE') THEN DELETE FROM unread_circulation WHERE document_id = OLD.document_id AND named = false AND user_id IN (SELECT id FROM user_account WHERE delegation_id = OLD.delegation_id); END IF; IF TG_OP IN ('INSERT', 'UPDATE') THEN INSERT INTO unread_circulation (document_id, user_id, named, circulated_at) SELECT NEW.document_id, u.id, false, NEW.circulated_at FROM user_account u WHERE u.delegation_id = NEW.delegation_id AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = u.id AND r.document_id = NEW.document_id) ON CONFLICT (document_id, user_id, named) DO UPDATE SET circulated_at = excluded.circulated_at; END IF; RETURN NULL; END; $$ LANGUAGE plpgsql",
        'CREATE TRIGGER unread_circulation_of_circulation AFTER INSERT OR DELETE OR UPDATE OF document_id, delegation_id, circulated_at ON circulation FOR EACH ROW EXECUTE FUNCTION unread_circulation_of_circulation()',
        "CREATE OR REPLACE FUNCTION unread_circulation_of_named() RETURNS trigger AS $$ BEGIN IF TG_OP IN ('UPDATE', 'DELETE') THEN DELETE FROM unread_circulation WHERE document_id = OLD.document_id AND user_id = OLD.user_id AND named = true; END IF; IF TG_OP IN ('INSERT', 'UPDATE') THEN INSERT INTO unread_circulation (document_id, user_id, named, circulated_at) SELECT NEW.document_id, NEW.user_id, true, NEW.added_at WHERE NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = NEW.user_id AND r.document_id = NEW.document_id) ON CONFLICT (document_id, user_id, named) DO UPDATE SET circulated_at = excluded.circulated_at; END IF; RETURN NULL; END; $$ LANGUAGE plpgsql",
        'CREATE TRIGGER unread_circulation_of_named AFTER INSERT OR DELETE OR UPDATE OF document_id, user_id, added_at ON named_recipient FOR EACH ROW EXECUTE FUNCTION unread_circulation_of_named()',
        "CREATE OR REPLACE FUNCTION unread_circulation_of_user() RETURNS trigger AS $$ BEGIN IF TG_OP = 'UPDATE' THEN DELETE FROM unread_circulation WHERE user_id = OLD.id AND named = false; END IF; IF NEW.delegation_id IS NOT NULL THEN INSERT INTO unread_circulation (document_id, user_id, named, circulated_at) SELECT c.document_id, NEW.id, false, c.circulated_at FROM circulation c WHERE c.delegation_id = NEW.delegation_id AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = NEW.id AND r.document_id = c.document_id) ON CONFLICT (document_id, user_id, named) DO UPDATE SET circulated_at = excluded.circulated_at; END IF; RETURN NULL; END; $$ LANGUAGE plpgsql",
        'CREATE TRIGGER unread_circulation_of_new_user AFTER INSERT ON user_account FOR EACH ROW WHEN (NEW.delegation_id IS NOT NULL) EXECUTE FUNCTION unread_circulation_of_user()',
        'CREATE TRIGGER unread_circulation_of_moved_user AFTER UPDATE OF delegation_id ON user_account FOR EACH ROW WHEN (OLD.delegation_id IS DISTINCT FROM NEW.delegation_id) EXECUTE FUNCTION unread_circulation_of_user()',
        "CREATE OR REPLACE FUNCTION unread_circulation_of_receipt() RETURNS trigger AS $$ BEGIN IF TG_OP IN ('UPDATE', 'DELETE') THEN INSERT INTO unread_circulation (document_id, user_id, named, circulated_at) SELECT c.document_id, u.id, false, c.circulated_at FROM user_account u JOIN circulation c ON c.delegation_id = u.delegation_id AND c.document_id = OLD.document_id WHERE u.id = OLD.user_id ON CONFLICT (document_id, user_id, named) DO UPDATE SET circulated_at = excluded.circulated_at; INSERT INTO unread_circulation (document_id, user_id, named, circulated_at) SELECT n.document_id, n.user_id, true, n.added_at FROM named_recipient n WHERE n.document_id = OLD.document_id AND n.user_id = OLD.user_id ON CONFLICT (document_id, user_id, named) DO UPDATE SET circulated_at = excluded.circulated_at; END IF; IF TG_OP IN ('INSERT', 'UPDATE') THEN DELETE FROM unread_circulation WHERE document_id = NEW.document_id AND user_id = NEW.user_id; END IF; RETURN NULL; END; $$ LANGUAGE plpgsql",
        'CREATE TRIGGER unread_circulation_of_receipt AFTER INSERT OR DELETE OR UPDATE OF user_id, document_id ON receipt FOR EACH ROW EXECUTE FUNCTION unread_circulation_of_receipt()',
    ],
    "sqlite": [
        'CREATE TRIGGER unread_circulation_circulation_insert AFTER INSERT ON circulation BEGIN INSERT INTO unread_circulation (document_id, user_id, named, circulated_at) SELECT NEW.document_id, u.id, false, NEW.circulated_at FROM user_account u WHERE u.delegation_id = NEW.delegation_id AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = u.id AND r.document_id = NEW.document_id) ON CONFLICT (document_id, user_id, named) DO UPDATE SET circulated_at = excluded.circulated_at; END',
        'CREATE TRIGGER unread_circulation_circulation_delete AFTER DELETE ON circulation BEGIN DELETE FROM unread_circulation WHERE document_id = OLD.document_id AND named = false AND user_id IN (SELECT id FROM user_account WHERE delegation_id = OLD.delegation_id); END',
        'CREATE TRIGGER unread_circulation_circulation_update AFTER UPDATE OF document_id, delegation_id, circulated_at ON circulation BEGIN DELETE FROM unread_circulation WHERE document_id = OLD.document_id AND named = false AND user_id IN (SELECT id FROM user_account WHERE delegation_id = OLD.delegation_id); INSERT INTO unread_circulation (document_id, user_id, named, circulated_at) SELECT NEW.document_id, u.id, false, NEW.circulated_at FROM user_account u WHERE u.delegation_id = NEW.delegation_id AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = u.id AND r.document_id = NEW.document_id) ON CONFLICT (document_id, user_id, named) DO UPDATE SET circulated_at = excluded.circulated_at; END',
        'CREATE TRIGGER unread_circulation_named_insert AFTER INSERT ON named_recipient BEGIN INSERT INTO unread_circulation (document_id, user_id, named, circulated_at) SELECT NEW.document_id, NEW.user_id, true, NEW.added_at WHERE NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = NEW.user_id AND r.document_id = NEW.document_id) ON CONFLICT (document_id, user_id, named) DO UPDATE SET circulated_at = excluded.circulated_at; END',
        'CREATE TRIGGER unread_circulation_named_delete AFTER DELETE ON named_recipient BEGIN DELETE FROM unread_circulation WHERE document_id = OLD.document_id AND user_id = OLD.user_id AND named = true; END',
        'CREATE TRIGGER unread_circulation_named_update AFTER UPDATE OF document_id, user_id, added_at ON named_recipient BEGIN DELETE FROM unread_circulation WHERE document_id = OLD.document_id AND user_id = OLD.user_id AND named = true; INSERT INTO unread_circulation (document_id, user_id, named, circulated_at) SELECT NEW.document_id, NEW.user_id, true, NEW.added_at WHERE NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = NEW.user_id AND r.document_id = NEW.document_id) ON CONFLICT (document_id, user_id, named) DO UPDATE SET circulated_at = excluded.circulated_at; END',
        'CREATE TRIGGER unread_circulation_user_insert AFTER INSERT ON user_account WHEN NEW.delegation_id IS NOT NULL BEGIN INSERT INTO unread_circulation (document_id, user_id, named, circulated_at) SELECT c.document_id, NEW.id, false, c.circulated_at FROM circulation c WHERE c.delegation_id = NEW.delegation_id AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = NEW.id AND r.document_id = c.document_id) ON CONFLICT (document_id, user_id, named) DO UPDATE SET circulated_at = excluded.circulated_at; END',
        'CREATE TRIGGER unread_circulation_user_update AFTER UPDATE OF delegation_id ON user_account WHEN OLD.delegation_id IS NOT NEW.delegation_id BEGIN DELETE FROM unread_circulation WHERE user_id = OLD.id AND named = false; INSERT INTO unread_circulation (document_id, user_id, named, circulated_at) SELECT c.document_id, NEW.id, false, c.circulated_at FROM circulation c WHERE c.delegation_id = NEW.delegation_id AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = NEW.id AND r.document_id = c.document_id) ON CONFLICT (document_id, user_id, named) DO UPDATE SET circulated_at = excluded.circulated_at; END',
        'CREATE TRIGGER unread_circulation_receipt_insert AFTER INSERT ON receipt BEGIN DELETE FROM unread_circulation WHERE document_id = NEW.document_id AND user_id = NEW.user_id; END',
        'CREATE TRIGGER unread_circulation_receipt_delete AFTER DELETE ON receipt BEGIN INSERT INTO unread_circulation (document_id, user_id, named, circulated_at) SELECT c.document_id, u.id, false, c.circulated_at FROM user_account u JOIN circulation c ON c.delegation_id = u.delegation_id AND c.document_id = OLD.document_id WHERE u.id = OLD.user_id ON CONFLICT (document_id, user_id, named) DO UPDATE SET circulated_at = excluded.circulated_at; INSERT INTO unread_circulation (document_id, user_id, named, circulated_at) SELECT n.document_id, n.user_id, true, n.added_at FROM named_recipient n WHERE n.document_id = OLD.document_id AND n.user_id = OLD.user_id ON CONFLICT (document_id, user_id, named) DO UPDATE SET circulated_at = excluded.circulated_at; END',
        'CREATE TRIGGER unread_circulation_receipt_update AFTER UPDATE OF user_id, document_id ON receipt BEGIN INSERT INTO unread_circulation (document_id, user_id, named, circulated_at) SELECT c.document_id, u.id, false, c.circulated_at FROM user_account u JOIN circulation c ON c.delegation_id = u.delegation_id AND c.document_id = OLD.document_id WHERE u.id = OLD.user_id ON CONFLICT (document_id, user_id, named) DO UPDATE SET circulated_at = excluded.circulated_at; INSERT INTO unread_circulation (document_id, user_id, named, circulated_at) SELECT n.document_id, n.user_id, true, n.added_at FROM named_recipient n WHERE n.document_id = OLD.document_id AND n.user_id = OLD.user_id ON CONFLICT (document_id, user_id, named) DO UPDATE SET circulated_at = excluded.circulated_at; DELETE FROM unread_circulation WHERE document_id = NEW.document_id AND user_id = NEW.user_id; END',
    ],
}
DOWN = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS unread_circulation_of_receipt ON receipt",
        "DROP TRIGGER IF EXISTS unread_circulation_of_moved_user ON user_account",
        "DROP TRIGGER IF EXISTS unread_circulation_of_new_user ON user_account",
        "DROP TRIGGER IF EXISTS unread_circulation_of_named ON named_recipient",
        "DROP TRIGGER IF EXISTS unread_circulation_of_circulation ON circulation",
        "DROP FUNCTION IF EXISTS unread_circulation_of_receipt()",
        "DROP FUNCTION IF EXISTS unread_circulation_of_user()",
        "DROP FUNCTION IF EXISTS unread_circulation_of_named()",
        "DROP FUNCTION IF EXISTS unread_circulation_of_circulation()",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS unread_circulation_receipt_update",
        "DROP TRIGGER IF EXISTS unread_circulation_receipt_delete",
        "DROP TRIGGER IF EXISTS unread_circulation_receipt_insert",
        "DROP TRIGGER IF EXISTS unread_circulation_user_update",
        "DROP TRIGGER IF EXISTS unread_circulation_user_insert",
        "DROP TRIGGER IF EXISTS unread_circulation_named_update",
        "DROP TRIGGER IF EXISTS unread_circulation_named_delete",
        "DROP TRIGGER IF EXISTS unread_circulation_named_insert",
        "DROP TRIGGER IF EXISTS unread_circulation_circulation_update",
        "DROP TRIGGER IF EXISTS unread_circulation_circulation_delete",
        "DROP TRIGGER IF EXISTS unread_circulation_circulation_insert",
    ],
}
BACKFILL = (
    'INSERT INTO unread_circulation (document_id, user_id, named, circulated_at) SELECT c.document_id, u.'
    'id, false, c.circulated_at FROM circulation c JOIN user_account u ON u.delegation_id = c.delegation_'
    'id WHERE NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = u.id AND r.document_id = c.document_i'
    'd) UNION ALL SELECT n.document_id, n.user_id, true, n.added_at FROM named_recipient n WHERE NOT EXIS'
    'TS (SELECT 1 FROM receipt r WHERE r.user_id = n.user_id AND r.document_id = n.document_id)'
)


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    columns = [
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('named', sa.Boolean(), nullable=False),
        sa.Column('circulated_at', sa.DateTime(timezone=True), nullable=False),
    ]
    constraints = [
        sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_unread_circulation_document_id_document'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_unread_circulation_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('document_id', 'user_id', 'named', name=op.f('pk_unread_circulation')),
    ]
    # On PostgreSQL the rows go in first and the keys are checked and indexed once
    # afterwards (one pass instead of a lookup per row: a large archive has millions).
    op.create_table('unread_circulation', *columns, *([] if postgresql else constraints))
    op.execute(BACKFILL)
    if postgresql:
        op.create_primary_key(op.f('pk_unread_circulation'), 'unread_circulation', ['document_id', 'user_id', 'named'])
        op.create_foreign_key(op.f('fk_unread_circulation_document_id_document'), 'unread_circulation',
                              'document', ['document_id'], ['id'], ondelete='CASCADE')
        op.create_foreign_key(op.f('fk_unread_circulation_user_id_user_account'), 'unread_circulation',
                              'user_account', ['user_id'], ['id'], ondelete='CASCADE')
    with op.batch_alter_table('unread_circulation', schema=None) as batch_op:
        batch_op.create_index('ix_unread_circulation_user_id_named_circulated_at', ['user_id', 'named', 'circulated_at', 'document_id'], unique=False)
    with op.batch_alter_table('named_recipient', schema=None) as batch_op:
        batch_op.create_index('ix_named_recipient_user_id_added_at', ['user_id', 'added_at', 'document_id'], unique=False)
    for statement in UP.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    for statement in DOWN.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    with op.batch_alter_table('named_recipient', schema=None) as batch_op:
        batch_op.drop_index('ix_named_recipient_user_id_added_at')
    with op.batch_alter_table('unread_circulation', schema=None) as batch_op:
        batch_op.drop_index('ix_unread_circulation_user_id_named_circulated_at')

    op.drop_table('unread_circulation')
