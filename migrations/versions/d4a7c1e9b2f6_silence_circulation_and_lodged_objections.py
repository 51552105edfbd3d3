"""silence procedure done right: to whom a draft under silence was circulated
(silence_circulation), objections lodged by a delegation on the page (the moment,
a file), and the notice kinds silence_circulated and silence_reminder (the CHECK
constraint of notification.kind is rebuilt with every kind listed)

Revision ID: d4a7c1e9b2f6
Revises: d3a8f1c6b2e9
Create Date: 2026-12-06 04:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4a7c1e9b2f6'
down_revision = 'd3a8f1c6b2e9'
branch_labels = None
depends_on = None

KINDS_BEFORE = ('meeting_reminder', 'meeting_cancelled', 'meeting_invitation', 'meeting_updated',
                'document_circulated', 'acknowledgement_chaser', 'report_deadline', 'cycle_finding',
                'report_reopened', 'report_published', 'chair_candidature', 'chair_successor_due')
NEW_KINDS = ('silence_circulated', 'silence_reminder')

# Drafts already under silence (or stopped) were circulated to the members of their day:
# they keep being seen by those delegations, as before only by the Secretariat.
BACKFILL = sa.text("""
INSERT INTO silence_circulation (decision_id, delegation_id, as_member, circulated_at)
SELECT d.id, g.id, :yes, d.created_at
FROM decision d JOIN delegation g ON 1 = 1
WHERE d.status IN ('under_silence', 'stopped') AND d.silence_circulated_on IS NOT NULL
  AND EXISTS (SELECT 1 FROM membership m WHERE m.state_id = g.state_id AND m.status = 'member'
              AND m.valid_from <= d.silence_circulated_on
              AND (m.valid_to IS NULL OR m.valid_to >= d.silence_circulated_on))
""").bindparams(sa.bindparam("yes", True, type_=sa.Boolean()))


def _kind_check(kinds):
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _replace_kind_check(kinds):
    # Batch mode: SQLite rebuilds the table with the new constraint; PostgreSQL alters it in place.
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_notification_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notification_notification_kind'), _kind_check(kinds))


def upgrade():
    op.create_table('silence_circulation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('delegation_id', sa.Integer(), nullable=False),
    sa.Column('as_member', sa.Boolean(), nullable=False),
    sa.Column('circulated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('circulated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['circulated_by_id'], ['user_account.id'], name=op.f('fk_silence_circulation_circulated_by_id_user_account')),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_silence_circulation_decision_id_decision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['delegation_id'], ['delegation.id'], name=op.f('fk_silence_circulation_delegation_id_delegation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_silence_circulation')),
    sa.UniqueConstraint('decision_id', 'delegation_id', name=op.f('uq_silence_circulation_decision_id_delegation_id'))
    )
    with op.batch_alter_table('silence_circulation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_silence_circulation_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_silence_circulation_delegation_id'), ['delegation_id'], unique=False)
    op.execute(BACKFILL)

    with op.batch_alter_table('silence_objection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lodged_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('file_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('filename', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('file_size', sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f('ix_silence_objection_file_sha256'), ['file_sha256'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_silence_objection_file_sha256_stored_file'), 'stored_file',
                                    ['file_sha256'], ['sha256'])

    _replace_kind_check(KINDS_BEFORE + NEW_KINDS)


def downgrade():
    # The notices of the two kinds go with them: the older constraint would refuse their rows.
    op.execute("DELETE FROM notification WHERE kind IN (" + ", ".join(f"'{kind}'" for kind in NEW_KINDS) + ")")
    _replace_kind_check(KINDS_BEFORE)

    with op.batch_alter_table('silence_objection', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_silence_objection_file_sha256_stored_file'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_silence_objection_file_sha256'))
        batch_op.drop_column('file_size')
        batch_op.drop_column('filename')
        batch_op.drop_column('file_sha256')
        batch_op.drop_column('lodged_at')

    with op.batch_alter_table('silence_circulation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_silence_circulation_delegation_id'))
        batch_op.drop_index(batch_op.f('ix_silence_circulation_decision_id'))
    op.drop_table('silence_circulation')
