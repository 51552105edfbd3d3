"""Office documents are ZIP containers: which one a ZIP file is (DOCX, XLSX,
PPTX, ODT, ODS, or none: a plain archive), and whether it stays within the
ContainerLimits, told from its central directory without unpacking it.

The order of the checks:

1. The end-of-central-directory record gives the number of entries before
   zipfile builds an object for each: a 25 MB file of empty entries would
   otherwise cost hundreds of MB of memory.
2. zipfile reads the central directory (names and declared sizes; no data).
   Every entry must lie inside the file and not be encrypted.
3. The names tell the kind: OOXML has `[Content_Types].xml` and the folder of
   its application (`word/`, `xl/`, `ppt/`); ODF has `mimetype` first.
   Anything else is an archive, refused.
4. The declared uncompressed sizes of all the entries, and their sum over the
   size of the file itself (the ratio), are held to the limits. Over the
   file's own size, not the sum of the entries' compressed sizes: entries
   that overlap (the "better zip bomb") share compressed bytes and would
   hide their ratio from that sum.
5. For ODF only, the first 100 bytes of `mimetype` are read (a bounded read).

The server never unpacks more than that. The declared sizes are what is held
to the limits; an entry that inflates beyond its declared size fails the
size and CRC check of the program that opens it (zipfile, Word, LibreOffice).
Hostile bytes can make the parser fail in any manner; every failure means
"cannot be checked" and the file is refused as damaged (never a 500)."""
from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from typing import BinaryIO

from secretariat_app.core.filetypes import (
    DOCX,
    ODS,
    ODT,
    PPTX,
    XLSX,
    ContainerLimits,
    FileType,
    Reason,
    RefusedFile,
    mebibytes,
)

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OOXML = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_ODF = {ODT.content_type: ODT, ODS.content_type: ODS}
_END, _END_SIZE = b"PK\x05\x06", 22
_ZIP64_LOCATOR, _ZIP64_END = b"PK\x06\x07", b"PK\x06\x06"


def office_type(path: Path, limits: ContainerLimits) -> FileType:
    """The Office type of the ZIP file at `path`, or RefusedFile: an archive
    that is no Office document, one over the limits, or a damaged one."""
    size = path.stat().st_size
    try:
        with open(path, "rb") as handle:
            parts = _declared_entries(handle, size)
            if parts is None:
                raise RefusedFile(Reason.OFFICE_DAMAGED)
            if parts > limits.max_parts:
                raise RefusedFile(Reason.OFFICE_TOO_MANY_PARTS, parts=parts, limit=limits.max_parts)
            with zipfile.ZipFile(handle) as archive:
                entries = archive.infolist()
                _check_entries(entries, size, limits)
                kind = _kind_by_names(entries)
                _check_sizes(entries, size, limits)
                return kind if kind is not None else _odf_type(archive, entries)
    except RefusedFile:
        raise
    except Exception:  # hostile bytes: any failure of the parser means "damaged"
        raise RefusedFile(Reason.OFFICE_DAMAGED) from None


def _declared_entries(handle: BinaryIO, size: int) -> int | None:
    """The number of entries the end-of-central-directory record declares
    (ZIP64's when the classic one overflows), or None when there is none."""
    tail_size = min(size, _END_SIZE + 0xFFFF)  # the record, then a comment of at most 64 KiB
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(_END)
    if at < 0 or len(tail) - at < _END_SIZE:
        return None
    total, directory_size, directory_offset = struct.unpack("<6xHLL", tail[at + 4:at + 20])
    if total != 0xFFFF and 0xFFFFFFFF not in (directory_size, directory_offset):
        return int(total)
    locator = tail[at - 20:at] if at >= 20 else b""
    if len(locator) != 20 or not locator.startswith(_ZIP64_LOCATOR):
        return None
    (end64_offset,) = struct.unpack("<Q", locator[8:16])
    if end64_offset + 56 > size:
        return None
    handle.seek(end64_offset)
    record = handle.read(56)
    if not record.startswith(_ZIP64_END):
        return None
    (total64,) = struct.unpack("<Q", record[32:40])
    return int(total64)


def _check_entries(entries: list[zipfile.ZipInfo], size: int, limits: ContainerLimits) -> None:
    if len(entries) > limits.max_parts:
        raise RefusedFile(Reason.OFFICE_TOO_MANY_PARTS, parts=len(entries), limit=limits.max_parts)
    for entry in entries:
        if entry.flag_bits & 0x1 or entry.header_offset < 0 or entry.header_offset + entry.compress_size > size:
            raise RefusedFile(Reason.OFFICE_DAMAGED)  # encrypted, or data outside the file


def _kind_by_names(entries: list[zipfile.ZipInfo]) -> FileType | None:
    """DOCX, XLSX or PPTX by their names; None for what may be ODF (mimetype first)."""
    names = [entry.filename for entry in entries]
    if "[Content_Types].xml" in names:
        for folder, kind in _OOXML.items():
            if any(name.startswith(folder) for name in names):
                return kind
    if names and names[0] == "mimetype":
        return None
    raise RefusedFile(Reason.ARCHIVE, kind="ZIP")


def _check_sizes(entries: list[zipfile.ZipInfo], size: int, limits: ContainerLimits) -> None:
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limits.max_unpacked:
        raise RefusedFile(Reason.OFFICE_TOO_LARGE, mb=mebibytes(unpacked), limit=mebibytes(limits.max_unpacked))
    if unpacked > limits.max_ratio * size:
        raise RefusedFile(Reason.OFFICE_RATIO, ratio=f"{unpacked / size:.0f}", limit=f"{limits.max_ratio:g}")


def _odf_type(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> FileType:
    with archive.open(entries[0]) as member:
        declared = member.read(100).decode("ascii", "replace").strip()
    kind = _ODF.get(declared)
    if kind is None:
        raise RefusedFile(Reason.ARCHIVE, kind="ZIP")  # OpenDocument of a kind not accepted, or another ZIP
    return kind

