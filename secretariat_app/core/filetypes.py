"""File types recognised by their content, never by their name.

Allowed: PDF, DOCX, XLSX, PPTX, ODT, ODS, RTF, TXT, PNG, JPEG."""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str


PDF = FileType("pdf", "application/pdf")
PNG = FileType("png", "image/png")
JPEG = FileType("jpg", "image/jpeg")
RTF = FileType("rtf", "application/rtf")
TXT = FileType("txt", "text/plain; charset=utf-8")
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PPTX = FileType("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation")
ODT = FileType("odt", "application/vnd.oasis.opendocument.text")
ODS = FileType("ods", "application/vnd.oasis.opendocument.spreadsheet")

_OOXML = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_ODF = {ODT.content_type: ODT, ODS.content_type: ODS}


def _zip_type(path: Path) -> FileType | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                return _ODF.get(archive.read("mimetype").decode("ascii", "replace").strip())
            if "[Content_Types].xml" in names:
                for prefix, kind in _OOXML.items():
                    if any(name.startswith(prefix) for name in names):
                        return kind
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def _is_text(path: Path) -> bool:
    with open(path, "rb") as handle:
        data = handle.read(1 << 20)
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the 1 MiB boundary is still text.
        return error.start >= len(data) - 3
    return True


def detect(path: Path) -> FileType | None:
    """The allowed type of the file at `path`, or None (refuse it)."""
    with open(path, "rb") as handle:
        head = handle.read(16)
    if not head:
        return None
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"{\\rtf"):
        return RTF
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(path)
    if head.startswith((b"MZ", b"\x7fELF", b"#!")):
        return None  # programs and scripts, whatever their name says
    return TXT if _is_text(path) else None
