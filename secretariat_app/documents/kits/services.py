"""What a reader's meeting kit holds, asking a worker to build it, and handing it
over.

A kit is computed for each reader at each request from the one rule
(permissions.documents.readable): the documents of the meeting they may read,
and of each the latest upload of each language asked for. Its digest (the
SHA-256 of each file's hash, name and index line) finds the MeetingKit built
for that same content, whoever asked first; so the same set is built once,
and a reader never gets a ZIP built for another set. Downloading it audits a
download of every file in it by that reader (and, for a delegate, the receipt
of each document)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from secretariat_app.core.columns import utcnow
from secretariat_app.core.forum_time import forum_day_of
from secretariat_app.core.tasks import send_after_commit
from secretariat_app.documents.models import Document, DocumentVersion, KitStatus, MeetingKit
from secretariat_app.documents.services.download import Download, file_name_for, record_downloads
from secretariat_app.documents.services.reading import latest_versions
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from secretariat_app.permissions import documents as policy
from secretariat_app.permissions import is_secretariat

LANGUAGES: dict[str, tuple[str, ...]] = {"both": ("en", "ru"), "en": ("en",), "ru": ("ru",)}
TASK = "workers.tasks.documents.build_meeting_kit"
KEEP_HOURS = 72  # a kit is a cache: after this it is removed, and asked for again if wanted


@dataclass(frozen=True)
class KitEntry:
    """One file of a kit and its line in the index."""

    symbol: str
    title_en: str
    title_ru: str
    date: str  # the forum day it was circulated (or created), ISO
    language: str
    sha256: str
    extension: str
    size: int
    name: str  # in the ZIP, under documents/
    document_id: int = 0  # the reader's rows, for the audit; not part of what the ZIP holds
    version_id: int = 0

    @property
    def day(self) -> dt.date:
        """The day as a date, for a page to show in its language (the `date` filter)."""
        return dt.date.fromisoformat(self.date)

    def content(self) -> dict[str, Any]:
        """What decides the ZIP's bytes."""
        return {key: value for key, value in asdict(self).items() if key not in ("document_id", "version_id")}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KitEntry:
        names = {field.name for field in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})


def kit_entries(user, meeting_id: int, language: str) -> list[KitEntry]:
    """The files of `user`'s kit of the meeting in `language` (en, ru, both), in symbol order."""
    wanted = LANGUAGES[language]
    documents = db.session.scalars(
        select(Document)
        .where(Document.meeting_id == meeting_id, policy.readable(policy.reader_for(user)))
        .options(selectinload(Document.versions).selectinload(DocumentVersion.file))
        .order_by(Document.symbol)
    ).all()
    entries = []
    for document in documents:
        day = forum_day_of(document.circulated_at or document.created_at).isoformat()
        for version in latest_versions(document.versions):
            if version.language not in wanted:
                continue
            entries.append(KitEntry(
                symbol=document.symbol, title_en=document.title_en, title_ru=document.title_ru, date=day,
                language=version.language, sha256=version.file_sha256, extension=version.file.extension,
                size=version.file.size, name=file_name_for(document.symbol, version.language, version.file.extension),
                document_id=document.id, version_id=version.id,
            ))
    return entries


def digest_of(entries: list[KitEntry]) -> str:
    """The key of a kit: the same files under the same names and index lines, the same digest."""
    content = json.dumps([entry.content() for entry in entries], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def kit_dir() -> Path:
    """Where built kits are kept (KIT_DIR; by default beside the file store)."""
    configured = current_app.config.get("KIT_DIR")
    return Path(configured) if configured else Path(current_app.config["FILE_STORE_DIR"]).parent / "kits"


def kit_path(digest: str) -> Path:
    if len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest):
        raise ValueError("not a kit digest")
    return kit_dir() / f"{digest}.zip"


@dataclass
class KitOffer:
    """A reader's kit of a meeting in a language, as the page shows it."""

    meeting: Meeting
    language: str
    entries: list[KitEntry]
    digest: str
    kit: MeetingKit | None

    @property
    def state(self) -> str:
        """empty (nothing to read), none (not asked for), building, ready or failed."""
        if not self.entries:
            return "empty"
        if self.kit is None:
            return "none"
        if self.kit.status is KitStatus.READY and not kit_path(self.digest).is_file():
            return "none"  # removed from the disk: asked for again, built again
        return self.kit.status.value

    @property
    def size(self) -> int:
        return sum(entry.size for entry in self.entries)


def may_see_meeting_kits(user, meeting_id: int) -> bool:
    """The Secretariat, and whoever may read at least one document of the meeting
    (who may read none learns nothing of it: 404)."""
    if is_secretariat(user):
        return True
    readable = select(Document.id).where(Document.meeting_id == meeting_id,
                                         policy.readable(policy.reader_for(user))).limit(1)
    return db.session.scalar(readable) is not None


def offer(user, meeting: Meeting, language: str) -> KitOffer:
    entries = kit_entries(user, meeting.id, language)
    digest = digest_of(entries)
    kit = db.session.scalar(select(MeetingKit).where(MeetingKit.digest == digest)) if entries else None
    return KitOffer(meeting, language, entries, digest, kit)


def prepare(user, meeting: Meeting, language: str) -> KitOffer:
    """Ask for `user`'s kit: the kit of the same content if there is one (built
    again when it failed or its file is gone), a new one otherwise, and the
    worker's build sent after the commit while it is not ready. Commits."""
    found = offer(user, meeting, language)
    if not found.entries:
        return found
    if found.kit is None:
        insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
        db.session.execute(insert(MeetingKit).values(
            digest=found.digest, meeting_id=meeting.id, language=language,
            manifest=[asdict(entry) for entry in found.entries], status=KitStatus.BUILDING, error="",
        ).on_conflict_do_nothing(index_elements=["digest"]))
        found.kit = db.session.scalar(select(MeetingKit).where(MeetingKit.digest == found.digest))
    kit = found.kit
    assert kit is not None
    if found.state in ("none", "failed"):
        kit.status, kit.error = KitStatus.BUILDING, ""
    if kit.status is KitStatus.BUILDING:
        send_after_commit(TASK, kit_id=kit.id)  # again while building: a lost task is not waited for
    db.session.commit()
    return found


def open_kit(user, meeting: Meeting, language: str) -> tuple[KitOffer, Path] | None:
    """The ready ZIP of `user`'s kit, its download audited for every file in it
    (committed); None when it is not ready (or what they may read has changed)."""
    found = offer(user, meeting, language)
    if found.state != "ready":
        return None
    downloads = [Download(entry.version_id, entry.document_id, entry.symbol, entry.language, entry.sha256, "",
                          entry.extension, entry.size) for entry in found.entries]
    record_downloads(user, downloads, {"via": "meeting_kit", "kit": found.digest})
    return found, kit_path(found.digest)


def sweep_kits(now: datetime | None = None, keep_hours: float | None = None) -> int:
    """Remove the kits asked for more than KIT_KEEP_HOURS ago (their ZIP and row),
    and ZIPs or unfinished files no kit refers to; commits. Returns how many kits went."""
    keep = keep_hours if keep_hours is not None else current_app.config.get("KIT_KEEP_HOURS", KEEP_HOURS)
    cutoff = (now or utcnow()) - timedelta(hours=keep)
    old = db.session.scalars(select(MeetingKit).where(or_(
        MeetingKit.requested_at < cutoff, MeetingKit.built_at < cutoff))).all()
    for kit in old:
        kit_path(kit.digest).unlink(missing_ok=True)
    if old:
        db.session.execute(delete(MeetingKit).where(MeetingKit.id.in_([kit.id for kit in old])))
    db.session.commit()
    kept = set(db.session.scalars(select(MeetingKit.digest)))
    folder = kit_dir()
    for path in folder.iterdir() if folder.is_dir() else []:
        if path.name.split(".zip")[0].lstrip(".") not in kept and path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
    return len(old)
