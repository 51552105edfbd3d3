"""Reading a document's English and Russian text side by side, for anyone who
may read the document (permissions/documents.py; 404 otherwise, as if it did not
exist). Opening it marks the document read, and is audited, as a download is."""
from __future__ import annotations

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from secretariat_app.audit import services as audit
from secretariat_app.documents.services import reading
from secretariat_app.documents.text.side_by_side import side_by_side
from secretariat_app.documents.web import bp
from secretariat_app.extensions import db
from secretariat_app.permissions import Audience, access, is_secretariat


@bp.route("/<int:document_id>/text")
@access(Audience.AUTHENTICATED)
def side_by_side_text(document_id: int) -> ResponseReturnValue:
    document = reading.readable_document(current_user, document_id)
    if document is None:
        abort(404)
    texts = side_by_side(document)
    audit.record(current_user, "document.read_text", "document", document.id, None, {
        "symbol": document.symbol,
        "versions": [text.version.id for text in texts if text.version is not None],
    })
    reading.record_receipt(current_user, document.id)  # a delegate's first reading
    db.session.commit()  # the audit entry (and the receipt)
    back = "inbox.document" if not is_secretariat(current_user) else "documents.detail"
    return render_template("documents/side_by_side.html", document=document, texts=texts, back=back)
