"""Downloading a language version: the reader's right is checked on every
request (permissions.documents, through services.download's fast path: a read,
then the audit entry and receipt in one statement committed before the file is
sent), the stored file is streamed named after the symbol and language
(CICA-SOC-2024-17-ru.pdf), and every download is audited and marks the
document read. A PDF opens in the browser
(inline, in a sandbox: `Content-Security-Policy: sandbox`, `nosniff`); every
other type comes as an attachment.

A version the reader may not read answers 404, exactly as one that does not
exist, so that neither ids nor existence leak.

The file's response is built by `file_response`, not Flask's send_file: the
same headers (checked by tests/web/test_download.py), conditional and range
requests answered the same way, without guessing a type, formatting a
Content-Disposition, or parsing conditional headers the request does not carry
(docs/benchmarks.md, 2026-12-06)."""
from __future__ import annotations

import os
from functools import lru_cache
from typing import BinaryIO

from flask import Response, abort, current_app, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import Headers
from werkzeug.wsgi import wrap_file

from secretariat_app.core.storage import stored_path
from secretariat_app.documents.services import download as download_service
from secretariat_app.documents.web import bp
from secretariat_app.permissions import Audience, access

INLINE_TYPES = frozenset({"application/pdf"})  # read in the browser; the rest are saved
# Request headers that make a file's answer conditional (304) or partial (206, 416).
CONDITIONAL = ("HTTP_RANGE", "HTTP_IF_RANGE", "HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE",
               "HTTP_IF_UNMODIFIED_SINCE")


@bp.route("/versions/<int:version_id>/download")
@access(Audience.AUTHENTICATED)
def download(version_id: int) -> ResponseReturnValue:
    user = current_user._get_current_object()  # the User itself: its attributes read without the proxy
    found = download_service.find_download(user, version_id)  # both forms of the rule; nothing written
    if found is None:
        abort(404)
    try:
        file = open(stored_path(found.sha256), "rb")  # noqa: SIM115 (the response closes it)
    except (ValueError, OSError):  # no receipt, no audit entry: nothing was downloaded
        current_app.logger.error("stored file %s of document version %s is missing", found.sha256, version_id)
        abort(404, _("The file of this language version is missing from the archive. "
                     "The Secretariat has been told; please try again later or contact the Secretariat."))
    try:
        # The receipt and the audit entry, committed (durable) before a byte of the file is sent.
        if not download_service.record_found_download(user, found):
            abort(404)  # the right was withdrawn since the read: nothing written
        return file_response(file, found)
    except BaseException:
        file.close()
        raise


@lru_cache(maxsize=1024)
def _file_headers(content_type: str, file_name: str) -> tuple[tuple[str, str], ...]:
    """The headers of a version's file that depend on its type and name only."""
    headers = Headers()
    inline = content_type in INLINE_TYPES
    # As send_file names it (RFC 6266; a name outside ASCII also as filename*).
    headers.set("Content-Disposition", "inline" if inline else "attachment",
                **_disposition_names(file_name))
    headers["Content-Type"] = content_type  # as stored (a text type keeps its charset, no second one added)
    headers["X-Content-Type-Options"] = "nosniff"
    # A file shown by the browser is content from outside: no script of it runs, nothing of it reaches this origin.
    headers["Content-Security-Policy"] = "sandbox"
    # Kept by the reader's browser only, and asked for again each time: the right is checked on every request.
    headers["Cache-Control"] = "private, no-cache"
    return tuple(headers.to_wsgi_list())


def _disposition_names(file_name: str) -> dict[str, str]:
    try:
        file_name.encode("ascii")
    except UnicodeEncodeError:
        import unicodedata
        from urllib.parse import quote

        simple = unicodedata.normalize("NFKD", file_name).encode("ascii", "ignore").decode("ascii")
        return {"filename": simple, "filename*": f"UTF-8''{quote(file_name, safe='!#$&+-.^_`|~')}"}
    return {"filename": file_name}


def file_response(file: BinaryIO, found: download_service.Download) -> Response:
    """The stored file, open, as the answer, handed to the server's file wrapper
    (sent by the kernel under gunicorn): its ETag the file's SHA-256, its
    Last-Modified the stored file's; conditional and range requests answered
    (304, 206, 416) as send_file answers them. The response closes the file."""
    stat = os.fstat(file.fileno())
    response = current_app.response_class(wrap_file(request.environ, file),
                                          headers=_file_headers(found.content_type, found.file_name),
                                          direct_passthrough=True)
    response.content_length = stat.st_size
    response.last_modified = stat.st_mtime  # type: ignore[assignment]
    response.set_etag(found.sha256)
    environ = request.environ
    if any(name in environ for name in CONDITIONAL):
        response.make_conditional(environ, accept_ranges=True, complete_length=stat.st_size)  # in place
    else:
        response.headers["Accept-Ranges"] = "bytes"
    return response
