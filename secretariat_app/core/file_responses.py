"""Sending a file of the store: its path, or None when the file is missing (the
Secretariat is told through the error log; the page answers 404), and the
response that streams it with the same caching and sniffing rules on every page
that sends one."""
from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, send_file

from secretariat_app.core.storage import file_store


def stored_path(sha256: str, owner: str, owner_id: object) -> Path | None:
    """The path of the stored file `sha256` of `owner` (e.g. "document version") `owner_id`;
    None when the file is missing, which is logged as an error (the caller answers 404)."""
    try:
        path = file_store().path_for(sha256)
    except ValueError:
        path = None
    if path is None or not path.is_file():
        current_app.logger.error("stored file %s of %s %s is missing", sha256, owner, owner_id)
        return None
    return path


def send_stored(path: Path, sha256: str, content_type: str, download_name: str, as_attachment: bool = True) \
        -> Response:
    """The file, with its stored type (send_file would add a second charset), never
    sniffed, kept by the reader's browser only and asked for again each time (the
    right to it is checked on every request)."""
    response = send_file(path, mimetype=content_type, as_attachment=as_attachment, download_name=download_name,
                         conditional=True, etag=sha256, max_age=None)
    response.headers["Content-Type"] = content_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
