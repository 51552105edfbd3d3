"""A document with its language versions, a version's file, and acknowledging
receipt: the inbox's document page and the download, for programs.

The same services and the same rule as the pages (permissions.documents): a
document or version the token's owner may not read answers 404, exactly as one
that does not exist. Opening a document marks it read and a download is audited
and is a receipt, as on the pages."""
from __future__ import annotations

import base64
from typing import Any

from flask import abort, current_app, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from secretariat_app.api.authentication import current_token, requires_scope
from secretariat_app.api.schemas.documents import AcknowledgementOut, DocumentOut, FileOut
from secretariat_app.api.v1 import bp
from secretariat_app.core.storage import file_store
from secretariat_app.documents.models import Document, DocumentVersion
from secretariat_app.documents.services import download as download_service
from secretariat_app.documents.services import reading
from secretariat_app.extensions import db
from secretariat_app.permissions import Audience, access
from secretariat_app.permissions import documents as document_access
from secretariat_app.permissions.tokens import Scope

FILE_RESPONSE: dict[int | str, dict[str, Any]] = {200: {
    "description": "The file, as uploaded; its SHA-256 in ETag and Repr-Digest.",
    "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}}}


def file_out(document: Document, version: DocumentVersion) -> FileOut:
    stored = version.file
    return FileOut(version_id=version.id, language=version.language, is_original=version.is_original,
                   sha256=stored.sha256, size=stored.size, content_type=stored.content_type,
                   file_name=download_service.file_name_for(document.symbol, version.language, stored.extension),
                   uploaded_at=version.uploaded_at, download_url=url_for("api.version_file", version_id=version.id))


def _readable(document_id: int) -> Document:
    if not document_access.may_read_document(current_user, document_id):
        abort(404)
    document = reading.load_document(document_id)
    if document is None:
        abort(404)
    return document


@bp.get("/documents/<int:document_id>")
@bp.output(DocumentOut)
@bp.doc(summary="A document", operation_id="getDocument", tags=["Documents"])
@access(Audience.AUTHENTICATED)
@requires_scope(Scope.READ)
def document(document_id: int) -> DocumentOut:
    """The document, the latest version of each language and every version uploaded (each file's
    SHA-256), the other documents of its lineage the reader may read. Opening it marks it read."""
    if not document_access.may_read_document(current_user, document_id):
        abort(404)
    reading.record_receipt(current_user, document_id)
    return document_out(_readable(document_id))


def document_out(document: Document) -> DocumentOut:
    """The document as the reader sees it (its lineage: the documents of it they may read)."""
    acknowledgement = reading.acknowledgement_of(current_user.delegation_id, document.id)
    versions = sorted(document.versions, key=lambda v: v.id)
    return DocumentOut(
        id=document.id, symbol=document.symbol, title_en=document.title_en, title_ru=document.title_ru,
        doc_type=document.doc_type, level=document.level, status=document.status,
        status_reason=document.status_reason, meeting_id=document.meeting_id, body=document.body.code,
        year=document.year, circulated_at=document.circulated_at, updated_at=document.updated_at,
        languages=[file_out(document, v) for v in reading.latest_versions(versions)],
        versions=[file_out(document, v) for v in versions],
        related=[d.id for d in reading.related_documents(current_user, document)],
        acknowledged_at=acknowledgement.acknowledged_at if acknowledgement else None)


@bp.get("/versions/<int:version_id>/file")
@bp.doc(summary="A version's file", operation_id="getVersionFile", tags=["Documents"], responses=FILE_RESPONSE)
@access(Audience.AUTHENTICATED)
@requires_scope(Scope.READ)
def version_file(version_id: int) -> ResponseReturnValue:
    """The file of a language version. Audited as a download on the site, and the reader's receipt."""
    found = download_service.download_for(current_user, version_id)
    if found is None:
        abort(404)
    try:
        path = file_store().path_for(found.sha256)
    except ValueError:
        path = None
    if path is None or not path.is_file():
        db.session.rollback()
        current_app.logger.error("stored file %s of document version %s is missing", found.sha256, version_id)
        abort(404, _("The file of this language version is missing from the archive. "
                     "The Secretariat has been told; please try again later or contact the Secretariat."))
    token = current_token()
    download_service.record_downloads(current_user, [found], {"via": "api", "token_id": token.id if token else None})
    response = send_file(path, mimetype=found.content_type, as_attachment=True, download_name=found.file_name,
                         conditional=True, etag=found.sha256, max_age=None)
    response.headers["Content-Type"] = found.content_type
    response.headers["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(found.sha256)).decode()}:"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.post("/documents/<int:document_id>/acknowledgement")
@bp.output(AcknowledgementOut)
@bp.doc(summary="Acknowledge receipt", operation_id="acknowledgeDocument", tags=["Documents"])
@access(Audience.DELEGATE)
@requires_scope(Scope.ACKNOWLEDGE)
def acknowledge(document_id: int) -> AcknowledgementOut:
    """Acknowledge receipt on behalf of the delegate's delegation, once (again: the first one, `new` false)."""
    document = _readable(document_id)
    acknowledgement, new = reading.acknowledge(current_user, document)
    by = acknowledgement.acknowledged_by
    return AcknowledgementOut(document_id=document.id, acknowledged_at=acknowledgement.acknowledged_at,
                              acknowledged_by=by.name if by else None, new=new)
