"""read state that scales: read horizons and unread marks instead of unread_circulation

Revision ID: 9c4e7a1d3b6f
Revises: a8c3e5f7b9d1
Create Date: 2026-12-06 04:30:00.000000

unread_circulation held a row for each circulation and each user of its
delegation without a receipt: circulations x users (31 million rows on the
benchmark's 1.2 million circulations, a billion at the size of a UN body).
It becomes read_horizon (per user who keeps up, the time up to which their
unread documents are listed) and unread_mark (those documents: few), kept by
triggers on circulation, named_recipient, user_account and receipt
(secretariat_app/documents/read_state.py; the rule that moves horizons is
documents/services/read_horizon.py).

The upgrade converts the old table: every user whose unread rows are at most
max(200, their receipts) gets a horizon an hour before the upgrade, and their
rows up to it become marks; the others keep no horizon (a receipt then says
all). The downgrade converts back: the marks behind each horizon, and what
reached each user after it (or without one) without a receipt.

On SQLite a later batch operation on circulation, named_recipient, user_account
or receipt re-creates the table and loses its triggers: such a revision must
create them again (tests/integration/test_read_state.py checks they work after
every upgrade).
"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9c4e7a1d3b6f'
down_revision = 'a8c3e5f7b9d1'
branch_labels = None
depends_on = None

MARK_FLOOR = 200  # documents/services/read_horizon.py, as of this revision

# Frozen copy of secretariat_app.documents.read_state.READ_STATE_TRIGGERS.
NEW_TRIGGERS = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION unread_mark_of_circulation() RETURNS trigger AS $$ BEGIN IF TG_OP IN ('UPDATE', 'DELETE') THEN DELETE FROM unread_mark WHERE document_id = OLD.document_id AND named = false AND user_id IN (SELECT id FROM user_account WHERE delegation_id = OLD.delegation_id); END IF; IF TG_OP IN ('INSERT', 'UPDATE') THEN INSERT INTO unread_mark (document_id, user_id, named, at) SELECT NEW.document_id, u.id, false, NEW.circulated_at FROM user_account u JOIN read_horizon h ON h.user_id = u.id WHERE u.delegation_id = NEW.delegation_id AND NEW.circulated_at <= h.horizon_at AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = u.id AND r.document_id = NEW.document_id) ON CONFLICT (document_id, user_id, named) DO UPDATE SET at = excluded.at; END IF; RETURN NULL; END; $$ LANGUAGE plpgsql",
        'CREATE TRIGGER unread_mark_of_circulation AFTER INSERT OR DELETE OR UPDATE OF document_id, delegation_id, circulated_at ON circulation FOR EACH ROW EXECUTE FUNCTION unread_mark_of_circulation()',
        "CREATE OR REPLACE FUNCTION unread_mark_of_named() RETURNS trigger AS $$ BEGIN IF TG_OP IN ('UPDATE', 'DELETE') THEN DELETE FROM unread_mark WHERE document_id = OLD.document_id AND user_id = OLD.user_id AND named = true; END IF; IF TG_OP IN ('INSERT', 'UPDATE') THEN INSERT INTO unread_mark (document_id, user_id, named, at) SELECT NEW.document_id, NEW.user_id, true, NEW.added_at FROM read_horizon h WHERE h.user_id = NEW.user_id AND NEW.added_at <= h.horizon_at AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = NEW.user_id AND r.document_id = NEW.document_id) ON CONFLICT (document_id, user_id, named) DO UPDATE SET at = excluded.at; END IF; RETURN NULL; END; $$ LANGUAGE plpgsql",
        'CREATE TRIGGER unread_mark_of_named AFTER INSERT OR DELETE OR UPDATE OF document_id, user_id, added_at ON named_recipient FOR EACH ROW EXECUTE FUNCTION unread_mark_of_named()',
        'CREATE OR REPLACE FUNCTION unread_mark_of_moved_user() RETURNS trigger AS $$ BEGIN DELETE FROM unread_mark WHERE user_id = OLD.id; DELETE FROM read_horizon WHERE user_id = OLD.id; RETURN NULL; END; $$ LANGUAGE plpgsql',
        'CREATE TRIGGER unread_mark_of_moved_user AFTER UPDATE OF delegation_id ON user_account FOR EACH ROW WHEN (OLD.delegation_id IS DISTINCT FROM NEW.delegation_id) EXECUTE FUNCTION unread_mark_of_moved_user()',
        "CREATE OR REPLACE FUNCTION unread_mark_of_receipt() RETURNS trigger AS $$ BEGIN IF TG_OP IN ('UPDATE', 'DELETE') THEN INSERT INTO unread_mark (document_id, user_id, named, at) SELECT c.document_id, u.id, false, c.circulated_at FROM user_account u JOIN circulation c ON c.delegation_id = u.delegation_id AND c.document_id = OLD.document_id JOIN read_horizon h ON h.user_id = u.id WHERE u.id = OLD.user_id AND c.circulated_at <= h.horizon_at ON CONFLICT (document_id, user_id, named) DO UPDATE SET at = excluded.at; INSERT INTO unread_mark (document_id, user_id, named, at) SELECT n.document_id, n.user_id, true, n.added_at FROM named_recipient n JOIN read_horizon h ON h.user_id = n.user_id WHERE n.document_id = OLD.document_id AND n.user_id = OLD.user_id AND n.added_at <= h.horizon_at ON CONFLICT (document_id, user_id, named) DO UPDATE SET at = excluded.at; END IF; IF TG_OP IN ('INSERT', 'UPDATE') THEN DELETE FROM unread_mark WHERE document_id = NEW.document_id AND user_id = NEW.user_id; END IF; RETURN NULL; END; $$ LANGUAGE plpgsql",
        'CREATE TRIGGER unread_mark_of_receipt AFTER INSERT OR DELETE OR UPDATE OF user_id, document_id ON receipt FOR EACH ROW EXECUTE FUNCTION unread_mark_of_receipt()',
    ],
    "sqlite": [
        'CREATE TRIGGER unread_mark_circulation_insert AFTER INSERT ON circulation BEGIN INSERT INTO unread_mark (document_id, user_id, named, at) SELECT NEW.document_id, u.id, false, NEW.circulated_at FROM user_account u JOIN read_horizon h ON h.user_id = u.id WHERE u.delegation_id = NEW.delegation_id AND NEW.circulated_at <= h.horizon_at AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = u.id AND r.document_id = NEW.document_id) ON CONFLICT (document_id, user_id, named) DO UPDATE SET at = excluded.at; END',
        'CREATE TRIGGER unread_mark_circulation_delete AFTER DELETE ON circulation BEGIN DELETE FROM unread_mark WHERE document_id = OLD.document_id AND named = false AND user_id IN (SELECT id FROM user_account WHERE delegation_id = OLD.delegation_id); END',
        'CREATE TRIGGER unread_mark_circulation_update AFTER UPDATE OF document_id, delegation_id, circulated_at ON circulation BEGIN DELETE FROM unread_mark WHERE document_id = OLD.document_id AND named = false AND user_id IN (SELECT id FROM user_account WHERE delegation_id = OLD.delegation_id); INSERT INTO unread_mark (document_id, user_id, named, at) SELECT NEW.document_id, u.id, false, NEW.circulated_at FROM user_account u JOIN read_horizon h ON h.user_id = u.id WHERE u.delegation_id = NEW.delegation_id AND NEW.circulated_at <= h.horizon_at AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = u.id AND r.document_id = NEW.document_id) ON CONFLICT (document_id, user_id, named) DO UPDATE SET at = excluded.at; END',
        'CREATE TRIGGER unread_mark_named_insert AFTER INSERT ON named_recipient BEGIN INSERT INTO unread_mark (document_id, user_id, named, at) SELECT NEW.document_id, NEW.user_id, true, NEW.added_at FROM read_horizon h WHERE h.user_id = NEW.user_id AND NEW.added_at <= h.horizon_at AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = NEW.user_id AND r.document_id = NEW.document_id) ON CONFLICT (document_id, user_id, named) DO UPDATE SET at = excluded.at; END',
        'CREATE TRIGGER unread_mark_named_delete AFTER DELETE ON named_recipient BEGIN DELETE FROM unread_mark WHERE document_id = OLD.document_id AND user_id = OLD.user_id AND named = true; END',
        'CREATE TRIGGER unread_mark_named_update AFTER UPDATE OF document_id, user_id, added_at ON named_recipient BEGIN DELETE FROM unread_mark WHERE document_id = OLD.document_id AND user_id = OLD.user_id AND named = true; INSERT INTO unread_mark (document_id, user_id, named, at) SELECT NEW.document_id, NEW.user_id, true, NEW.added_at FROM read_horizon h WHERE h.user_id = NEW.user_id AND NEW.added_at <= h.horizon_at AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = NEW.user_id AND r.document_id = NEW.document_id) ON CONFLICT (document_id, user_id, named) DO UPDATE SET at = excluded.at; END',
        'CREATE TRIGGER unread_mark_user_update AFTER UPDATE OF delegation_id ON user_account WHEN OLD.delegation_id IS NOT NEW.delegation_id BEGIN DELETE FROM unread_mark WHERE user_id = OLD.id; DELETE FROM read_horizon WHERE user_id = OLD.id; END',
        'CREATE TRIGGER unread_mark_receipt_insert AFTER INSERT ON receipt BEGIN DELETE FROM unread_mark WHERE document_id = NEW.document_id AND user_id = NEW.user_id; END',
        'CREATE TRIGGER unread_mark_receipt_delete AFTER DELETE ON receipt BEGIN INSERT INTO unread_mark (document_id, user_id, named, at) SELECT c.document_id, u.id, false, c.circulated_at FROM user_account u JOIN circulation c ON c.delegation_id = u.delegation_id AND c.document_id = OLD.document_id JOIN read_horizon h ON h.user_id = u.id WHERE u.id = OLD.user_id AND c.circulated_at <= h.horizon_at ON CONFLICT (document_id, user_id, named) DO UPDATE SET at = excluded.at; INSERT INTO unread_mark (document_id, user_id, named, at) SELECT n.document_id, n.user_id, true, n.added_at FROM named_recipient n JOIN read_horizon h ON h.user_id = n.user_id WHERE n.document_id = OLD.document_id AND n.user_id = OLD.user_id AND n.added_at <= h.horizon_at ON CONFLICT (document_id, user_id, named) DO UPDATE SET at = excluded.at; END',
        'CREATE TRIGGER unread_mark_receipt_update AFTER UPDATE OF user_id, document_id ON receipt BEGIN INSERT INTO unread_mark (document_id, user_id, named, at) SELECT c.document_id, u.id, false, c.circulated_at FROM user_account u JOIN circulation c ON c.delegation_id = u.delegation_id AND c.document_id = OLD.document_id JOIN read_horizon h ON h.user_id = u.id WHERE u.id = OLD.user_id AND c.circulated_at <= h.horizon_at ON CONFLICT (document_id, user_id, named) DO UPDATE SET at = excluded.at; INSERT INTO unread_mark (document_id, user_id, named, at) SELECT n.document_id, n.user_id, true, n.added_at FROM named_recipient n JOIN read_horizon h ON h.user_id = n.user_id WHERE n.document_id = OLD.document_id AND n.user_id = OLD.user_id AND n.added_at <= h.horizon_at ON CONFLICT (document_id, user_id, named) DO UPDATE SET at = excluded.at; DELETE FROM unread_mark WHERE document_id = NEW.document_id AND user_id = NEW.user_id; END',
    ],
}
NEW_DROPS = {
    "postgresql": [
        'DROP TRIGGER IF EXISTS unread_mark_of_receipt ON receipt',
        'DROP TRIGGER IF EXISTS unread_mark_of_moved_user ON user_account',
        'DROP TRIGGER IF EXISTS unread_mark_of_named ON named_recipient',
        'DROP TRIGGER IF EXISTS unread_mark_of_circulation ON circulation',
        'DROP FUNCTION IF EXISTS unread_mark_of_receipt()',
        'DROP FUNCTION IF EXISTS unread_mark_of_moved_user()',
        'DROP FUNCTION IF EXISTS unread_mark_of_named()',
        'DROP FUNCTION IF EXISTS unread_mark_of_circulation()',
    ],
    "sqlite": [
        'DROP TRIGGER IF EXISTS unread_mark_receipt_update',
        'DROP TRIGGER IF EXISTS unread_mark_receipt_delete',
        'DROP TRIGGER IF EXISTS unread_mark_receipt_insert',
        'DROP TRIGGER IF EXISTS unread_mark_user_update',
        'DROP TRIGGER IF EXISTS unread_mark_named_update',
        'DROP TRIGGER IF EXISTS unread_mark_named_delete',
        'DROP TRIGGER IF EXISTS unread_mark_named_insert',
        'DROP TRIGGER IF EXISTS unread_mark_circulation_update',
        'DROP TRIGGER IF EXISTS unread_mark_circulation_delete',
        'DROP TRIGGER IF EXISTS unread_mark_circulation_insert',
    ],
}

# Frozen copy of e4a6c8b0d2f1's triggers of unread_circulation (created again by the downgrade).
OLD_TRIGGERS = {
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
OLD_DROPS = {
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

HORIZONS = (
    "INSERT INTO read_horizon (user_id, horizon_at) SELECT u.id, :horizon FROM user_account u "
    "WHERE (u.delegation_id IS NOT NULL OR EXISTS (SELECT 1 FROM named_recipient n WHERE n.user_id = u.id)) "
    "AND (SELECT count(*) FROM unread_circulation x WHERE x.user_id = u.id) <= "
    "CASE WHEN (SELECT count(*) FROM receipt r WHERE r.user_id = u.id) > :floor "
    "THEN (SELECT count(*) FROM receipt r WHERE r.user_id = u.id) ELSE :floor END"
)
MARKS = (
    "INSERT INTO unread_mark (document_id, user_id, named, at) "
    "SELECT x.document_id, x.user_id, x.named, x.circulated_at FROM unread_circulation x "
    "JOIN read_horizon h ON h.user_id = x.user_id AND x.circulated_at <= h.horizon_at"
)
BACK = (
    "INSERT INTO unread_circulation (document_id, user_id, named, circulated_at) "
    "SELECT m.document_id, m.user_id, m.named, m.at FROM unread_mark m "
    "JOIN read_horizon h ON h.user_id = m.user_id AND m.at <= h.horizon_at "
    "UNION ALL SELECT c.document_id, u.id, false, c.circulated_at FROM circulation c "
    "JOIN user_account u ON u.delegation_id = c.delegation_id LEFT JOIN read_horizon h ON h.user_id = u.id "
    "WHERE (h.horizon_at IS NULL OR c.circulated_at > h.horizon_at) "
    "AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = u.id AND r.document_id = c.document_id) "
    "UNION ALL SELECT n.document_id, n.user_id, true, n.added_at FROM named_recipient n "
    "LEFT JOIN read_horizon h ON h.user_id = n.user_id "
    "WHERE (h.horizon_at IS NULL OR n.added_at > h.horizon_at) "
    "AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = n.user_id AND r.document_id = n.document_id)"
)


def _run(statements):
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade():
    op.create_table(
        'read_horizon',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('horizon_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_read_horizon_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_read_horizon')),
    )
    op.create_table(
        'unread_mark',
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('named', sa.Boolean(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_unread_mark_document_id_document'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_unread_mark_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('document_id', 'user_id', 'named', name=op.f('pk_unread_mark')),
    )
    op.create_index('ix_unread_mark_user_id_named_at', 'unread_mark', ['user_id', 'named', 'at', 'document_id'],
                    unique=False)
    _run(OLD_DROPS)
    horizon = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    op.execute(sa.text(HORIZONS).bindparams(sa.bindparam('horizon', horizon, type_=sa.DateTime(timezone=True)),
                                            sa.bindparam('floor', MARK_FLOOR, type_=sa.Integer())))
    op.execute(MARKS)
    op.drop_index('ix_unread_circulation_user_id_named_circulated_at', table_name='unread_circulation')
    op.drop_table('unread_circulation')
    _run(NEW_TRIGGERS)


def downgrade():
    _run(NEW_DROPS)
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
    # As e4a6c8b0d2f1 made it: on PostgreSQL the rows first, the keys checked and indexed once afterwards.
    op.create_table('unread_circulation', *columns, *([] if postgresql else constraints))
    op.execute(BACK)
    if postgresql:
        op.create_primary_key(op.f('pk_unread_circulation'), 'unread_circulation', ['document_id', 'user_id', 'named'])
        op.create_foreign_key(op.f('fk_unread_circulation_document_id_document'), 'unread_circulation',
                              'document', ['document_id'], ['id'], ondelete='CASCADE')
        op.create_foreign_key(op.f('fk_unread_circulation_user_id_user_account'), 'unread_circulation',
                              'user_account', ['user_id'], ['id'], ondelete='CASCADE')
    op.create_index('ix_unread_circulation_user_id_named_circulated_at', 'unread_circulation',
                    ['user_id', 'named', 'circulated_at', 'document_id'], unique=False)
    _run(OLD_TRIGGERS)
    op.drop_index('ix_unread_mark_user_id_named_at', table_name='unread_mark')
    op.drop_table('unread_mark')
    op.drop_table('read_horizon')
