"""The Secretariat's document work through the API: a new draft, a language
version's file, circulating, and where a document went with each delegation's
acknowledgement. The officers' pages' services, under their rule (Secretariat
only, 403 for anyone else) and the `officer` scope; a broken rule is a 422
problem naming each field with the page's message."""
from __future__ import annotations

from typing import BinaryIO, cast

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from secretariat_app.api.authentication import requires_scope
from secretariat_app.api.schemas.documents import DocumentOut, FileOut
from secretariat_app.api.schemas.officers import (
    CirculationIn,
    CirculationOut,
    DocumentIn,
    NamedOut,
    RecipientOut,
    VersionIn,
)
from secretariat_app.api.v1 import bp
from secretariat_app.api.v1.routes_documents import document_out, file_out
from secretariat_app.documents.models import Document, NamedRecipient
from secretariat_app.documents.services import circulation as circulation_service
from secretariat_app.documents.services import versions as version_service
from secretariat_app.documents.services.documents import DocumentData, create_document
from secretariat_app.extensions import db
from secretariat_app.permissions import Audience, access
from secretariat_app.permissions.tokens import Scope

INVALID = [422]


def _document(document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None:
        abort(404)
    return document


@bp.post("/documents")
@bp.input(DocumentIn, location="json", arg_name="data")
@bp.output(DocumentOut, status_code=201)
@bp.doc(summary="Register a document (a draft)", operation_id="createDocument", tags=["Officers"],
        responses=INVALID)
@access(Audience.SECRETARIAT)
@requires_scope(Scope.OFFICER)
def create(data: DocumentIn) -> DocumentOut:
    """A new draft under the next symbol of its body and year, as the officers' form registers one."""
    document = create_document(current_user, DocumentData(**data.model_dump()))
    return document_out(document)


@bp.post("/documents/<int:document_id>/versions")
@bp.input(VersionIn, location="form_and_files", arg_name="data")
@bp.output(FileOut, status_code=201)
@bp.doc(summary="Upload a language version", operation_id="uploadVersion", tags=["Officers"], responses=INVALID)
@access(Audience.SECRETARIAT)
@requires_scope(Scope.OFFICER)
def upload(document_id: int, data: VersionIn) -> FileOut:
    """The file of one language (another upload of a language replaces it; the archive keeps both)."""
    document = _document(document_id)
    version = version_service.upload(current_user, document, version_service.UploadData(
        language=data.language, stream=cast(BinaryIO, data.file.stream), is_original=data.is_original,
        filename=data.file.filename))
    return file_out(document, version)


@bp.post("/documents/<int:document_id>/circulation")
@bp.input(CirculationIn, location="json", arg_name="data")
@bp.output(CirculationOut)
@bp.doc(summary="Circulate a document", operation_id="circulateDocument", tags=["Officers"], responses=INVALID)
@access(Audience.SECRETARIAT)
@requires_scope(Scope.OFFICER)
def circulate(document_id: int, data: CirculationIn) -> CirculationOut:
    """Circulate a draft, or add recipients to a circulated document, as the officers' page does."""
    document = _document(document_id)
    circulation_service.circulate(current_user, document, circulation_service.CirculationData(
        data.audience, list(data.delegation_ids), list(data.user_ids)))
    return _circulation(document)


@bp.get("/documents/<int:document_id>/circulation")
@bp.output(CirculationOut)
@bp.doc(summary="Where a document went", operation_id="getCirculation", tags=["Officers"])
@access(Audience.SECRETARIAT)
@requires_scope(Scope.OFFICER)
def circulation(document_id: int) -> CirculationOut:
    """Each recipient delegation with its acknowledgement (those yet to acknowledge first), and the persons named."""
    return _circulation(_document(document_id))


def _circulation(document: Document) -> CirculationOut:
    rows = circulation_service.acknowledgement_rows(document)
    named = db.session.execute(select(NamedRecipient).where(NamedRecipient.document_id == document.id)
                               .order_by(NamedRecipient.id)).scalars()
    return CirculationOut(
        document_id=document.id, status=document.status.value,
        delegations=[RecipientOut(delegation_id=row.circulation.delegation_id,
                                  delegation=row.circulation.delegation.state.name_en,
                                  circulated_at=row.circulation.circulated_at,
                                  acknowledged_at=row.acknowledgement.acknowledged_at if row.acknowledgement else None)
                     for row in rows],
        persons=[NamedOut(user_id=n.user_id, name=n.user.name, added_at=n.added_at) for n in named])
