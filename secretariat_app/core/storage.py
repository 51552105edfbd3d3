"""The content-addressed file store: files named by their SHA-256, outside the
web root, written atomically (temporary file, fsync, rename) and stored once.
The name a user gave a file never reaches the file system."""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from secretariat_app.core.filetypes import ContainerLimits, FileType, Reason, RefusedFile, mebibytes
from secretariat_app.core.sniffing import identify

CHUNK = 1 << 16
SHA256 = re.compile(r"^[0-9a-f]{64}$")

__all__ = ["FileStore", "RefusedFile", "Stored", "file_store"]


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int
    type: FileType


class FileStore:
    def __init__(self, root: Path, limits: ContainerLimits | None = None):
        self.root = Path(root)
        self.tmp = self.root / "tmp"
        self.limits = limits or ContainerLimits()

    def path_for(self, sha256: str) -> Path:
        if not SHA256.match(sha256):
            raise ValueError("not a SHA-256")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def save(self, stream: BinaryIO, max_size: int, filename: str | None = None) -> Stored:
        """Store what `stream` holds; RefusedFile (nothing kept) for an empty or
        oversized file, or one whose content is not accepted or does not agree
        with `filename` (core/sniffing.py). Every upload form passes the name
        the user gave; without one (files the application writes) the content
        alone decides."""
        self.tmp.mkdir(parents=True, exist_ok=True)
        temporary = self.tmp / f"upload-{secrets.token_hex(12)}"
        digest, size = hashlib.sha256(), 0
        try:
            with open(temporary, "wb") as handle:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_size:
                        raise RefusedFile(Reason.TOO_LARGE, mb=mebibytes(max_size))
                    digest.update(chunk)
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            if size == 0:
                raise RefusedFile(Reason.EMPTY)
            kind = identify(temporary, filename, self.limits)
            sha256 = digest.hexdigest()
            final = self.path_for(sha256)
            if final.exists():
                temporary.unlink()  # the same content is stored already
            else:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(temporary, final)
                _fsync_dir(final.parent)
            return Stored(sha256, size, kind)
        finally:
            if temporary.exists():
                temporary.unlink()

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def sweep(self, referenced: set[str], older_than_seconds: float = 3600) -> list[str]:
        """Remove stored files no version refers to (and stale temporary files).
        A grace period spares files whose database row is being written."""
        removed, cutoff = [], time.time() - older_than_seconds
        for path in self.root.glob("??/??/*"):
            if path.name not in referenced and SHA256.match(path.name) and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path.name)
        for path in self.tmp.glob("upload-*") if self.tmp.exists() else []:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        return removed


def _fsync_dir(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def file_store() -> FileStore:
    return FileStore(Path(current_app.config["FILE_STORE_DIR"]), ContainerLimits.from_config(current_app.config))


def stored_path(sha256: str) -> str:
    """file_store().path_for(sha256), as a string, without building the store
    and its limits (the download's path: 30 to 60 µs less a request)."""
    if not SHA256.match(sha256):
        raise ValueError("not a SHA-256")
    return os.path.join(os.fspath(Path(current_app.config["FILE_STORE_DIR"])), sha256[:2], sha256[2:4], sha256)
