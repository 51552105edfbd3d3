"""cycle rules versions and chairmanship decisions

The forum's rules as data: cycle_rules_version keeps each rules file an officer
uploads (its text, its effective date, who and when). chairmanship_decision links
a decision taken at a meeting of the history (assumed, extended, renewed, handed
over, elected) to the chairmanship it concerns, so that a departure from the
chair rule is shown with the meeting that decided it.

Revision ID: a8c4e2f6b1d3
Revises: d4a7c1e9b2f6
Create Date: 2026-12-06 04:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a8c4e2f6b1d3'
down_revision = 'd4a7c1e9b2f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'cycle_rules_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('forum_name', sa.String(length=200), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'],
                                name=op.f('fk_cycle_rules_version_uploaded_by_id_user_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cycle_rules_version')),
        sa.UniqueConstraint('number', name=op.f('uq_cycle_rules_version_number')),
    )
    op.create_index(op.f('ix_cycle_rules_version_effective_on'), 'cycle_rules_version', ['effective_on'])
    op.create_table(
        'chairmanship_decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('chairmanship_id', sa.Integer(), nullable=False),
        sa.Column('decision_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['chairmanship_id'], ['chairmanship.id'],
                                name=op.f('fk_chairmanship_decision_chairmanship_id_chairmanship'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decision_id'], ['decision.id'],
                                name=op.f('fk_chairmanship_decision_decision_id_decision'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_chairmanship_decision')),
        sa.UniqueConstraint('chairmanship_id', 'decision_id',
                            name=op.f('uq_chairmanship_decision_chairmanship_id_decision_id')),
    )
    op.create_index(op.f('ix_chairmanship_decision_chairmanship_id'), 'chairmanship_decision', ['chairmanship_id'])
    op.create_index(op.f('ix_chairmanship_decision_decision_id'), 'chairmanship_decision', ['decision_id'])


def downgrade():
    op.drop_index(op.f('ix_chairmanship_decision_decision_id'), table_name='chairmanship_decision')
    op.drop_index(op.f('ix_chairmanship_decision_chairmanship_id'), table_name='chairmanship_decision')
    op.drop_table('chairmanship_decision')
    op.drop_index(op.f('ix_cycle_rules_version_effective_on'), table_name='cycle_rules_version')
    op.drop_table('cycle_rules_version')
