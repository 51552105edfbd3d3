"""meeting invitations and Russian free text

The invitation mail of a confirmed meeting and its update (two notice kinds,
so the CHECK constraint of notification.kind is rebuilt), the instant a
meeting was first announced (meeting.announced_at), and the Russian twins of
the free text officers write: the venue (city_ru), the note and the reason
of a meeting, the basis of a chairmanship, and the reason a document was
withdrawn.

Revision ID: c4e7a9d1b3f5
Revises: c7e2a9d4f1b8
Create Date: 2026-12-06 01:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4e7a9d1b3f5'
down_revision = 'c7e2a9d4f1b8'
branch_labels = None
depends_on = None

KINDS_BEFORE = ('meeting_reminder', 'meeting_cancelled', 'document_circulated', 'acknowledgement_chaser',
                'report_deadline', 'cycle_finding', 'report_reopened', 'report_published')
NEW_KINDS = ('meeting_invitation', 'meeting_updated')


def _kind_check(kinds):
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _replace_kind_check(kinds):
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_notification_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notification_notification_kind'), _kind_check(kinds))


def upgrade():
    _replace_kind_check(KINDS_BEFORE + NEW_KINDS)
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('city_ru', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('status_reason_ru', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('note_ru', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('announced_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('chairmanship', schema=None) as batch_op:
        batch_op.add_column(sa.Column('basis_ru', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_reason_ru', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('status_reason_ru')
    with op.batch_alter_table('chairmanship', schema=None) as batch_op:
        batch_op.drop_column('basis_ru')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('announced_at')
        batch_op.drop_column('note_ru')
        batch_op.drop_column('status_reason_ru')
        batch_op.drop_column('city_ru')
    # The notices of the two kinds go with them: the older constraint would refuse their rows.
    op.execute("DELETE FROM notification WHERE kind IN ("
               + ", ".join(f"'{kind}'" for kind in NEW_KINDS) + ")")
    _replace_kind_check(KINDS_BEFORE)
