"""The file store's part of a backup. A stored file is named by its SHA-256
(core/storage.py), so every copy, out and back, is checked against its name."""
from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from secretariat_app.backup.errors import StoreError
from secretariat_app.backup.manifest import CHUNK, Entry
from secretariat_app.core.storage import SHA256

FILES = "files"  # the file store's folder inside a backup


def stored_files(root: Path) -> Iterator[Path]:
    """The files of the store: <root>/ab/cd/<sha256> (its tmp/ folder is not part of it)."""
    if root.is_dir():
        yield from sorted(path for path in root.glob("??/??/*") if path.is_file() and SHA256.match(path.name))


def is_empty(root: Path) -> bool:
    """No file anywhere under `root` (empty folders, such as tmp/, do not count)."""
    return not root.exists() or not any(path.is_file() for path in root.rglob("*"))


def copy_checked(source: Path, target: Path) -> Entry:
    """Copy `source` to `target` (through a temporary name, flushed to disk) and
    return the sum and size of what was copied."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.partial")
    digest, size = hashlib.sha256(), 0
    try:
        with open(source, "rb") as reading, open(temporary, "wb") as writing:
            while chunk := reading.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                writing.write(chunk)
            writing.flush()
            os.fsync(writing.fileno())
        os.replace(temporary, target)
    finally:
        if temporary.exists():
            temporary.unlink()
    return Entry(digest.hexdigest(), size)


def copy_out(root: Path, backup: Path, referenced: set[str]) -> dict[str, Entry]:
    """Copy every stored file into backup/files/, checking each against its
    name; every file the database snapshot refers to (`referenced`) must be
    among them. Returns the manifest's entries."""
    entries: dict[str, Entry] = {}
    damaged: list[str] = []
    for path in stored_files(root):
        name = f"{FILES}/{path.relative_to(root).as_posix()}"
        entry = copy_checked(path, backup / name)
        if entry.sha256 != path.name:
            damaged.append(f"{path} (its content's SHA-256 is {entry.sha256})")
        entries[name] = entry
    if damaged:
        raise StoreError("the file store holds damaged files; nothing was backed up: " + "; ".join(damaged))
    missing = sorted(referenced - {Path(name).name for name in entries})
    if missing:
        raise StoreError(f"{len(missing)} file(s) the database refers to are not in the file store {root}: "
                         + ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
                         + ". If the daily sweep removed a file deleted meanwhile, run the backup again; "
                           "otherwise the store has lost files")
    return entries


def copy_back(backup: Path, entries: dict[str, Entry], root: Path, written: list[Path]) -> None:
    """Put the backup's stored files into the (empty) store at `root`, each at
    the place its name gives, adding each to `written` as it goes, so that a
    failed restore can take them away again."""
    for name, expected in sorted(entries.items()):
        relative = Path(name).relative_to(FILES)
        target = root / relative
        written.append(target)
        entry = copy_checked(backup / name, target)
        if entry != expected:
            raise StoreError(f"{name} changed while it was being restored: {entry.sha256}, expected {expected.sha256}")


def remove(paths: list[Path], root: Path) -> None:
    """Take away files a failed restore wrote, and the folders left empty."""
    for path in paths:
        path.unlink(missing_ok=True)
    for folder in sorted((p for p in root.glob("??/*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    for folder in root.glob("??"):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
