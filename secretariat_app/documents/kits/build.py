"""Building a meeting kit (the worker's part): one ZIP with index.html,
index.pdf and documents/<CICA-SOC-2024-17-en.pdf ...>, written to a temporary
file and renamed into place, then marked ready. Idempotent: a kit that is
ready and on disk is not built again. The stored files are copied as they are
(stored, not compressed again: PDFs and Office files are compressed already),
which keeps a 200 MB kit to the time of copying it."""
from __future__ import annotations

import os
import secrets
import shutil
import zipfile
from pathlib import Path

from flask import current_app

from secretariat_app.core.columns import utcnow
from secretariat_app.core.storage import file_store
from secretariat_app.documents.kits.index_pdf import index_pdf
from secretariat_app.documents.kits.services import KitEntry, kit_path
from secretariat_app.documents.models import KitStatus, MeetingKit
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting

_FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # the same content, the same bytes


def _member(name: str, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = compress
    info.external_attr = 0o644 << 16
    return info


def index_html(meeting: Meeting, entries: list[KitEntry]) -> str:
    """The index page: bilingual text of its own, so rendered without a request (nor its locale)."""
    return current_app.jinja_env.get_template("kits/index.html").render(meeting=meeting, entries=entries)


def write_zip(path: Path, meeting: Meeting, entries: list[KitEntry]) -> int:
    """Write the kit to `path` (atomically); its size."""
    store = file_store()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    try:
        with zipfile.ZipFile(temporary, "w", allowZip64=True) as archive:
            archive.writestr(_member("index.html", zipfile.ZIP_DEFLATED), index_html(meeting, entries))
            archive.writestr(_member("index.pdf", zipfile.ZIP_DEFLATED), index_pdf(meeting, entries))
            for entry in entries:
                with open(store.path_for(entry.sha256), "rb") as source, \
                        archive.open(_member(f"documents/{entry.name}", zipfile.ZIP_STORED), "w",
                                     force_zip64=entry.size > 2**31) as target:
                    shutil.copyfileobj(source, target, 1 << 20)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
    return path.stat().st_size


def build_kit(kit_id: int) -> KitStatus | None:
    """Build kit `kit_id` unless it is built; its status (None: no such kit)."""
    kit = db.session.get(MeetingKit, kit_id)
    if kit is None:
        return None
    path = kit_path(kit.digest)
    if kit.status is KitStatus.READY and path.is_file():
        return KitStatus.READY
    entries = [KitEntry.from_dict(item) for item in kit.manifest]
    meeting = db.session.get(Meeting, kit.meeting_id)
    assert meeting is not None  # the kit goes with its meeting (ON DELETE CASCADE)
    try:
        size = write_zip(path, meeting, entries)
    except (OSError, ValueError) as error:  # a stored file missing or unreadable
        db.session.rollback()
        kit = db.session.get(MeetingKit, kit_id)
        if kit is None:
            return None
        kit.status, kit.error = KitStatus.FAILED, f"{type(error).__name__}: {error}"[:400]
        db.session.commit()
        return KitStatus.FAILED
    kit.status, kit.size, kit.built_at, kit.error = KitStatus.READY, size, utcnow(), ""
    db.session.commit()
    return KitStatus.READY
