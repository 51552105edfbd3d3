"""The notices that could not be sent, for the Secretariat's systems (the `officer` scope):
the officers' failed notices page, read through the same service (notices.services.resend),
Secretariat only (403 for anyone else)."""
from __future__ import annotations

from flask_login import current_user

from secretariat_app.api.authentication import requires_scope
from secretariat_app.api.schemas.notices import FailedNoticeList, FailedNoticeOut
from secretariat_app.api.v1 import bp
from secretariat_app.core.localisation import current_language
from secretariat_app.notices import kinds
from secretariat_app.notices.services import resend as resending
from secretariat_app.permissions import Audience, access
from secretariat_app.permissions.tokens import Scope


@bp.get("/notices/failed")
@bp.output(FailedNoticeList)
@bp.doc(summary="Failed notices", operation_id="listFailedNotices", tags=["Officers"])
@access(Audience.SECRETARIAT)
@requires_scope(Scope.OFFICER)
def failed_notices() -> FailedNoticeList:
    """What could not be sent, to whom and why, the latest first; resend them on the site."""
    rows = resending.failed_notices()
    subjects = kinds.describe(((row.subject_type, row.subject_id) for row in rows), current_user, current_language())
    return FailedNoticeList(total=resending.count_failed(), items=[FailedNoticeOut(
        id=row.id, kind=row.kind.value, kind_label=str(kinds.label(row.kind)), recipient_id=row.recipient_id,
        recipient=row.recipient.name, recipient_email=row.recipient.email, subject_type=row.subject_type,
        subject_id=row.subject_id, subject=subjects[(row.subject_type, row.subject_id)][0]
        if (row.subject_type, row.subject_id) in subjects else None,
        due_at=row.due_at, attempts=row.attempts, last_error=row.last_error) for row in rows])
