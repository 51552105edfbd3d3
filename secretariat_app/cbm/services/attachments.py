"""Attachments of an activity's implementation report: the programme, the list
of participants, photographs. A file is kept by its content, as the documents'
files are (services.documents_versions: size limit, type by content, stored
once under its SHA-256); the name given is only shown. Attachments change only
while the annual report is a draft, under the same lock and refusals as the
rest of the report (services.cbm_reports)."""
from __future__ import annotations

from datetime import datetime
from typing import BinaryIO

from flask import current_app

from secretariat_app.accounts.models.people import User
from secretariat_app.audit import services as audit
from secretariat_app.cbm.models import CbmActivityReport, CbmAttachment
from secretariat_app.cbm.services.reports import lock_report, refuse
from secretariat_app.core.columns import utcnow
from secretariat_app.core.storage import FileStore, RefusedFile, file_store
from secretariat_app.documents.services.versions import _store_row, file_refusal
from secretariat_app.domain import cbm_reports as rules
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db

ATTACHMENT_FIELDS = ("activity_report_id", "file_sha256", "filename", "size")


def add_attachment(actor: User | None, row: CbmActivityReport, stream: BinaryIO | None, filename: str | None,
                   store: FileStore | None = None, max_size: int | None = None,
                   now: datetime | None = None) -> CbmAttachment:
    """Attach a file to the report of an activity and commit. The file is kept by
    its content (as the documents' files are: size limit, type by content, stored
    once under its SHA-256); the name given is only shown. Only while the report
    is a draft (StateConflict); a refused file writes nothing."""
    store = store or file_store()
    max_size = max_size or current_app.config["MAX_UPLOAD_SIZE"]
    lock_report(row.annual_report)
    violations = rules.check_editable(row.annual_report.status.value)
    if not violations and stream is None:
        violations = [Violation("file", N_("Choose the file to attach."))]
    if violations:
        refuse(violations)
    assert stream is not None  # refused above otherwise
    try:
        stored = store.save(stream, max_size, filename)
    except RefusedFile as refused:
        db.session.rollback()
        raise RuleViolations([file_refusal(refused, empty=N_("The file is empty."))]) from None
    store.path_for(stored.sha256).touch()  # a fresh mtime: the sweeper's grace period covers this upload
    _store_row(stored)
    attachment = CbmAttachment(activity_report_id=row.id, file_sha256=stored.sha256, size=stored.size,
                               filename=rules.display_filename(filename, stored.type.extension),
                               uploaded_at=now or utcnow(), uploaded_by_id=getattr(actor, "id", None))
    db.session.add(attachment)
    db.session.flush()
    audit.record(actor, "cbm_attachment.create", "cbm_attachment", attachment.id, None,
                 audit.snapshot(attachment, ATTACHMENT_FIELDS))
    db.session.commit()
    return attachment


def delete_attachment(actor: User | None, attachment: CbmAttachment) -> None:
    """Remove an attachment from a draft report and commit (the sweeper removes the file if nothing else uses it)."""
    lock_report(attachment.activity_report.annual_report)
    violations = rules.check_editable(attachment.activity_report.annual_report.status.value)
    if violations:
        refuse(violations)
    before = audit.snapshot(attachment, ATTACHMENT_FIELDS)
    attachment_id = attachment.id
    db.session.delete(attachment)
    db.session.flush()
    audit.record(actor, "cbm_attachment.delete", "cbm_attachment", attachment_id, before, None)
    db.session.commit()
