"""negotiated texts

A draft of the clearing house negotiated paragraph by paragraph (negotiated_text,
text_paragraph), the member delegations' proposals (text_proposal) with their
supports and objections (proposal_stance), positions on paragraphs
(paragraph_position), the chair's decisions (chair_decision) and the compiled
revisions (text_revision, each a document /Rev.N); and two notice kinds, proposal_decided
and proposal_deadline: the CHECK constraint of notification.kind lists every kind.

Revision ID: e8c4a2f6b1d9
Revises: a8c4e2f6b1d3
Create Date: 2026-12-06 04:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e8c4a2f6b1d9'
down_revision = 'a8c4e2f6b1d3'
branch_labels = None
depends_on = None

KINDS_BEFORE = ('meeting_reminder', 'meeting_cancelled', 'meeting_invitation', 'meeting_updated',
                'document_circulated', 'acknowledgement_chaser', 'report_deadline', 'cycle_finding',
                'report_reopened', 'report_published', 'chair_candidature', 'chair_successor_due',
                'silence_circulated', 'silence_reminder')
NEW_KINDS = ('proposal_decided', 'proposal_deadline')


def _replace_kind_check(kinds):
    # Batch mode: SQLite rebuilds the table with the new constraint; PostgreSQL alters it in place.
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_notification_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notification_notification_kind'),
                                         "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade():
    _replace_kind_check(KINDS_BEFORE + NEW_KINDS)
    op.create_table(
        'negotiated_text',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('status', _enum('negotiated_text_status', 'negotiating', 'submitted'), nullable=False),
        sa.Column('deadline', sa.Date(), nullable=True),
        sa.Column('positions_by_name', sa.Boolean(), nullable=False),
        sa.Column('decision_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_negotiated_text_created_by_id_user_account')),
        sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_negotiated_text_decision_id_decision')),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_negotiated_text_document_id_document')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_negotiated_text')),
        sa.UniqueConstraint('decision_id', name=op.f('uq_negotiated_text_decision_id')),
        sa.UniqueConstraint('document_id', name=op.f('uq_negotiated_text_document_id')),
    )
    op.create_table(
        'text_paragraph',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('text_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('kind', _enum('text_part_kind', 'title', 'preambular', 'operative'), nullable=False),
        sa.Column('wording_en', sa.Text(), nullable=False),
        sa.Column('wording_ru', sa.Text(), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
        sa.Column('added_after_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['added_after_id'], ['text_paragraph.id'],
                                name=op.f('fk_text_paragraph_added_after_id_text_paragraph')),
        sa.ForeignKeyConstraint(['text_id'], ['negotiated_text.id'],
                                name=op.f('fk_text_paragraph_text_id_negotiated_text')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_text_paragraph')),
    )
    with op.batch_alter_table('text_paragraph', schema=None) as batch_op:
        batch_op.create_index('ix_text_paragraph_text_id_position', ['text_id', 'position'], unique=False)
    op.create_table(
        'chair_decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('text_id', sa.Integer(), nullable=False),
        sa.Column('paragraph_id', sa.Integer(), nullable=False),
        sa.Column('decision', _enum('chair_decision_kind', 'accept', 'drop', 'merge'), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('wording_en', sa.Text(), nullable=False),
        sa.Column('wording_ru', sa.Text(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'],
                                name=op.f('fk_chair_decision_decided_by_id_user_account')),
        sa.ForeignKeyConstraint(['paragraph_id'], ['text_paragraph.id'],
                                name=op.f('fk_chair_decision_paragraph_id_text_paragraph')),
        sa.ForeignKeyConstraint(['text_id'], ['negotiated_text.id'],
                                name=op.f('fk_chair_decision_text_id_negotiated_text')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_chair_decision')),
    )
    with op.batch_alter_table('chair_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chair_decision_text_id'), ['text_id'], unique=False)
    op.create_table(
        'text_proposal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('text_id', sa.Integer(), nullable=False),
        sa.Column('paragraph_id', sa.Integer(), nullable=False),
        sa.Column('delegation_id', sa.Integer(), nullable=False),
        sa.Column('kind', _enum('text_proposal_kind', 'replace', 'insert', 'delete', 'add_after'), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('target_en', sa.Text(), nullable=False),
        sa.Column('text_en', sa.Text(), nullable=False),
        sa.Column('target_ru', sa.Text(), nullable=False),
        sa.Column('text_ru', sa.Text(), nullable=False),
        sa.Column('justification', sa.Text(), nullable=False),
        sa.Column('translation', _enum('text_translation_status', 'pending', 'done'), nullable=False),
        sa.Column('status', _enum('text_proposal_status', 'open', 'accepted', 'dropped', 'merged', 'lapsed',
                                  'withdrawn'), nullable=False),
        sa.Column('proposed_by_id', sa.Integer(), nullable=True),
        sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('translated_by_id', sa.Integer(), nullable=True),
        sa.Column('translated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['closed_by_id'], ['chair_decision.id'],
                                name=op.f('fk_text_proposal_closed_by_id_chair_decision')),
        sa.ForeignKeyConstraint(['delegation_id'], ['delegation.id'],
                                name=op.f('fk_text_proposal_delegation_id_delegation')),
        sa.ForeignKeyConstraint(['paragraph_id'], ['text_paragraph.id'],
                                name=op.f('fk_text_proposal_paragraph_id_text_paragraph')),
        sa.ForeignKeyConstraint(['proposed_by_id'], ['user_account.id'],
                                name=op.f('fk_text_proposal_proposed_by_id_user_account')),
        sa.ForeignKeyConstraint(['text_id'], ['negotiated_text.id'],
                                name=op.f('fk_text_proposal_text_id_negotiated_text')),
        sa.ForeignKeyConstraint(['translated_by_id'], ['user_account.id'],
                                name=op.f('fk_text_proposal_translated_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_text_proposal')),
    )
    with op.batch_alter_table('text_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_text_proposal_delegation_id'), ['delegation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_text_proposal_paragraph_id'), ['paragraph_id'], unique=False)
        batch_op.create_index('ix_text_proposal_text_id_status', ['text_id', 'status'], unique=False)
    op.create_table(
        'proposal_stance',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('delegation_id', sa.Integer(), nullable=False),
        sa.Column('stance', _enum('proposal_stance_kind', 'support', 'object'), nullable=False),
        sa.Column('stated_by_id', sa.Integer(), nullable=True),
        sa.Column('stated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['delegation_id'], ['delegation.id'],
                                name=op.f('fk_proposal_stance_delegation_id_delegation')),
        sa.ForeignKeyConstraint(['proposal_id'], ['text_proposal.id'],
                                name=op.f('fk_proposal_stance_proposal_id_text_proposal')),
        sa.ForeignKeyConstraint(['stated_by_id'], ['user_account.id'],
                                name=op.f('fk_proposal_stance_stated_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_stance')),
    )
    with op.batch_alter_table('proposal_stance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_stance_proposal_id'), ['proposal_id'], unique=False)
    op.create_table(
        'paragraph_position',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('paragraph_id', sa.Integer(), nullable=False),
        sa.Column('delegation_id', sa.Integer(), nullable=False),
        sa.Column('position', _enum('paragraph_position_kind', 'agree', 'reserve', 'object'), nullable=False),
        sa.Column('stated_by_id', sa.Integer(), nullable=True),
        sa.Column('stated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['delegation_id'], ['delegation.id'],
                                name=op.f('fk_paragraph_position_delegation_id_delegation')),
        sa.ForeignKeyConstraint(['paragraph_id'], ['text_paragraph.id'],
                                name=op.f('fk_paragraph_position_paragraph_id_text_paragraph')),
        sa.ForeignKeyConstraint(['stated_by_id'], ['user_account.id'],
                                name=op.f('fk_paragraph_position_stated_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_paragraph_position')),
    )
    with op.batch_alter_table('paragraph_position', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paragraph_position_paragraph_id'), ['paragraph_id'], unique=False)
    op.create_table(
        'text_revision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('text_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('compiled', sa.JSON(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_text_revision_created_by_id_user_account')),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_text_revision_document_id_document')),
        sa.ForeignKeyConstraint(['text_id'], ['negotiated_text.id'],
                                name=op.f('fk_text_revision_text_id_negotiated_text')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_text_revision')),
        sa.UniqueConstraint('document_id', name=op.f('uq_text_revision_document_id')),
        sa.UniqueConstraint('text_id', 'number', name=op.f('uq_text_revision_text_id_number')),
    )


def downgrade():
    op.drop_table('text_revision')
    with op.batch_alter_table('paragraph_position', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paragraph_position_paragraph_id'))
    op.drop_table('paragraph_position')
    with op.batch_alter_table('proposal_stance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_stance_proposal_id'))
    op.drop_table('proposal_stance')
    with op.batch_alter_table('text_proposal', schema=None) as batch_op:
        batch_op.drop_index('ix_text_proposal_text_id_status')
        batch_op.drop_index(batch_op.f('ix_text_proposal_paragraph_id'))
        batch_op.drop_index(batch_op.f('ix_text_proposal_delegation_id'))
    op.drop_table('text_proposal')
    with op.batch_alter_table('chair_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chair_decision_text_id'))
    op.drop_table('chair_decision')
    with op.batch_alter_table('text_paragraph', schema=None) as batch_op:
        batch_op.drop_index('ix_text_paragraph_text_id_position')
    op.drop_table('text_paragraph')
    op.drop_table('negotiated_text')
    # The notices of the two kinds go with them: the older constraint would refuse their rows.
    op.execute("DELETE FROM notification WHERE kind IN (" + ", ".join(f"'{kind}'" for kind in NEW_KINDS) + ")")
    _replace_kind_check(KINDS_BEFORE)
