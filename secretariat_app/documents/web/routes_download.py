"""Downloading a language version: the reader's right is checked on every
request (permissions.documents, through services.download's fast path: a read,
then the audit entry and receipt in one statement committed before the file is
sent), the stored file is streamed named after the symbol and language
(CICA-SOC-2024-17-ru.pdf), and every download is audited and marks the
document read. A PDF opens in the browser
(inline, in a sandbox: `Content-Security-Policy: sandbox`, `nosniff`); every
other type comes as an attachment.

A version the reader may not read answers 404, exactly as one that does not
exist, so that neither ids nor existence leak."""
from __future__ import annotations

from flask import abort, current_app, send_file
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from secretariat_app.core.storage import file_store
from secretariat_app.documents.services import download as download_service
from secretariat_app.documents.web import bp
from secretariat_app.permissions import Audience, access

INLINE_TYPES = frozenset({"application/pdf"})  # read in the browser; the rest are saved


@bp.route("/versions/<int:version_id>/download")
@access(Audience.AUTHENTICATED)
def download(version_id: int) -> ResponseReturnValue:
    found = download_service.find_download(current_user, version_id)  # both forms of the rule; nothing written
    if found is None:
        abort(404)
    try:
        path = file_store().path_for(found.sha256)
    except ValueError:
        path = None
    if path is None or not path.is_file():  # no receipt, no audit entry: nothing was downloaded
        current_app.logger.error("stored file %s of document version %s is missing", found.sha256, version_id)
        abort(404, _("The file of this language version is missing from the archive. "
                     "The Secretariat has been told; please try again later or contact the Secretariat."))
    # The receipt and the audit entry, committed (durable) before a byte of the file is sent.
    if not download_service.record_found_download(current_user, found):
        abort(404)  # the right was withdrawn since the read: nothing written
    inline = found.content_type in INLINE_TYPES
    response = send_file(path, mimetype=found.content_type, as_attachment=not inline, download_name=found.file_name,
                         conditional=True, etag=found.sha256, max_age=None)
    response.headers["Content-Type"] = found.content_type  # as stored (send_file would add a second charset)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # A file shown by the browser is content from outside: no script of it runs, nothing of it reaches this origin.
    response.headers["Content-Security-Policy"] = "sandbox"
    # Kept by the reader's browser only, and asked for again each time: the right is checked on every request.
    response.headers["Cache-Control"] = "private, no-cache"
    return response
