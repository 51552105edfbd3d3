"""notice kinds report_reopened and report_published (the coordinators' notices of a
CBM annual report reopened or published): the CHECK constraint of notification.kind

Revision ID: c7e2a9d4f1b8
Revises: c5d2e8f1a7b4
Create Date: 2026-12-06 01:10:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c7e2a9d4f1b8'
down_revision = 'c5d2e8f1a7b4'
branch_labels = None
depends_on = None

BEFORE = ('meeting_reminder', 'meeting_cancelled', 'document_circulated', 'acknowledgement_chaser',
          'report_deadline', 'cycle_finding')
AFTER = BEFORE + ('report_reopened', 'report_published')


def _kinds(values: tuple[str, ...]) -> str:
    return "kind IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _replace_check(values: tuple[str, ...]) -> None:
    # Batch mode: SQLite rebuilds the table with the new constraint; PostgreSQL alters it in place.
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_notification_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notification_notification_kind'), _kinds(values))


def upgrade():
    _replace_check(AFTER)


def downgrade():
    op.execute("DELETE FROM notification WHERE kind IN ('report_reopened', 'report_published')")
    _replace_check(BEFORE)
