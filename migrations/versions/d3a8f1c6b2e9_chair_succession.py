"""succession to the chairmanship

The terms to decide (chair_succession), the candidatures for them
(chair_candidature: state, term sought, date of the letter, continuation,
status, withdrawn never deleted, the SOC's recommending decision and the MFA's
or Summit's deciding one), and the delegations each was circulated to
(chair_candidature_recipient). Two notice kinds, so the CHECK constraint of
notification.kind is rebuilt with every kind listed: chair_candidature (the
members informed) and chair_successor_due (the officers' warning).

Revision ID: d3a8f1c6b2e9
Revises: b5d2e9f7c1a4
Create Date: 2026-12-06 04:05:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd3a8f1c6b2e9'
down_revision = 'b5d2e9f7c1a4'
branch_labels = None
depends_on = None

KINDS_BEFORE = ('meeting_reminder', 'meeting_cancelled', 'meeting_invitation', 'meeting_updated',
                'document_circulated', 'acknowledgement_chaser', 'report_deadline', 'cycle_finding',
                'report_reopened', 'report_published')
NEW_KINDS = ('chair_candidature', 'chair_successor_due')


def _kind_check(kinds):
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _replace_kind_check(kinds):
    # Batch mode: SQLite rebuilds the table with the new constraint; PostgreSQL alters it in place.
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_notification_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notification_notification_kind'), _kind_check(kinds))


def upgrade():
    _replace_kind_check(KINDS_BEFORE + NEW_KINDS)
    op.create_table('chair_succession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('chairmanship_id', sa.Integer(), nullable=True),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('warned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chairmanship_id'], ['chairmanship.id'],
                            name=op.f('fk_chair_succession_chairmanship_id_chairmanship')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chair_succession')),
    sa.UniqueConstraint('starts_on', name=op.f('uq_chair_succession_starts_on'))
    )
    op.create_table('chair_candidature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('succession_id', sa.Integer(), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.Column('letter_on', sa.Date(), nullable=False),
    sa.Column('continuation', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('active', 'withdrawn', name='candidature_status', native_enum=False,
                                create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('withdrawal_note', sa.Text(), nullable=False),
    sa.Column('informed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recommendation_decision_id', sa.Integer(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_chair_candidature_decision_id_decision')),
    sa.ForeignKeyConstraint(['recommendation_decision_id'], ['decision.id'],
                            name=op.f('fk_chair_candidature_recommendation_decision_id_decision')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'],
                            name=op.f('fk_chair_candidature_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['state_id'], ['state.id'], name=op.f('fk_chair_candidature_state_id_state')),
    sa.ForeignKeyConstraint(['succession_id'], ['chair_succession.id'],
                            name=op.f('fk_chair_candidature_succession_id_chair_succession')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chair_candidature'))
    )
    with op.batch_alter_table('chair_candidature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chair_candidature_state_id'), ['state_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chair_candidature_succession_id'), ['succession_id'], unique=False)
    op.create_table('chair_candidature_recipient',
    sa.Column('candidature_id', sa.Integer(), nullable=False),
    sa.Column('delegation_id', sa.Integer(), nullable=False),
    sa.Column('informed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidature_id'], ['chair_candidature.id'],
                            name=op.f('fk_chair_candidature_recipient_candidature_id_chair_candidature')),
    sa.ForeignKeyConstraint(['delegation_id'], ['delegation.id'],
                            name=op.f('fk_chair_candidature_recipient_delegation_id_delegation')),
    sa.PrimaryKeyConstraint('candidature_id', 'delegation_id', name=op.f('pk_chair_candidature_recipient'))
    )
    with op.batch_alter_table('chair_candidature_recipient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chair_candidature_recipient_delegation_id'), ['delegation_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('chair_candidature_recipient', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chair_candidature_recipient_delegation_id'))
    op.drop_table('chair_candidature_recipient')
    with op.batch_alter_table('chair_candidature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chair_candidature_succession_id'))
        batch_op.drop_index(batch_op.f('ix_chair_candidature_state_id'))
    op.drop_table('chair_candidature')
    op.drop_table('chair_succession')
    # The notices of the two kinds go with them: the older constraint would refuse their rows.
    op.execute("DELETE FROM notification WHERE kind IN ("
               + ", ".join(f"'{kind}'" for kind in NEW_KINDS) + ")")
    _replace_kind_check(KINDS_BEFORE)
