"""The manifest of a backup (manifest.json): what the backup holds, with the
SHA-256 and size of every file, and checking a backup against it."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from secretariat_app.backup.errors import DamagedBackup

MANIFEST = "manifest.json"
FORMAT = "cica-secretariat-backup"
FORMAT_VERSION = 1
CHUNK = 1 << 20


@dataclass(frozen=True)
class Entry:
    sha256: str
    size: int


@dataclass
class Manifest:
    created_at: str  # UTC, ISO 8601
    app_version: str
    schema_revision: str  # the Alembic revision of the database in the backup
    database: dict[str, Any]  # engine, file and the versions of the server and tools
    files: dict[str, Entry] = field(default_factory=dict)  # path in the backup -> its sum and size
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def store_files(self) -> dict[str, Entry]:
        """The entries of the file store's files (under files/)."""
        return {path: entry for path, entry in self.files.items() if path.startswith("files/")}

    def write(self, directory: Path) -> None:
        data = asdict(self)
        data["files"] = {path: asdict(entry) for path, entry in sorted(self.files.items())}
        with open(directory / MANIFEST, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise DamagedBackup(f"{path} is not the manifest of a Secretariat backup")
            if data.get("format_version") != FORMAT_VERSION:
                raise DamagedBackup(f"{path} is of format version {data.get('format_version')}; "
                                    f"this code reads version {FORMAT_VERSION}")
            files = {str(name): Entry(str(entry["sha256"]), int(entry["size"]))
                     for name, entry in data["files"].items()}
            return cls(created_at=str(data["created_at"]), app_version=str(data["app_version"]),
                       schema_revision=str(data["schema_revision"]), database=dict(data["database"]),
                       files=files)
        except FileNotFoundError:
            raise DamagedBackup(f"no {MANIFEST} in {directory}: not a backup, or an unfinished one") from None
        except (ValueError, KeyError, TypeError, AttributeError) as error:  # not JSON, or not of this form
            raise DamagedBackup(f"{path} cannot be read: {error!r}") from None


def sha256_of(path: Path) -> Entry:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return Entry(digest.hexdigest(), size)


def problems(directory: Path, manifest: Manifest) -> list[str]:
    """Every way the backup in `directory` differs from its manifest: a file
    missing, of another size or sum, or not listed at all; a stored file whose
    sum is not its name. Empty: every byte is as it was written."""
    found: list[str] = []
    listed = set(manifest.files)
    for name, entry in sorted(manifest.files.items()):
        path = directory / name
        if ".." in Path(name).parts or Path(name).is_absolute():
            found.append(f"{name}: not a path inside the backup")
        elif not path.is_file():
            found.append(f"{name}: missing")
        else:
            actual = sha256_of(path)
            if actual != entry:
                found.append(f"{name}: SHA-256 {actual.sha256} ({actual.size} bytes), "
                             f"the manifest says {entry.sha256} ({entry.size} bytes)")
            elif name.startswith("files/") and Path(name).name != entry.sha256:
                found.append(f"{name}: a stored file must be named by its SHA-256, {entry.sha256}")
    for path in sorted(directory.rglob("*")):
        name = path.relative_to(directory).as_posix()
        if path.is_file() and name != MANIFEST and name not in listed:
            found.append(f"{name}: not in the manifest")
    return found
