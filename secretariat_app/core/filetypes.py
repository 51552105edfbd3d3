"""The file types the Secretariat accepts, the names that go with them, and
why a file is refused (each reason with the message a person reads).

Accepted: PDF, DOCX, XLSX, PPTX, ODT, ODS, RTF, TXT, PNG, JPEG. What a file
is, is told by its content (core/sniffing.py, the Office containers in
core/office_files.py); its name must agree (docs/security.md#uploads)."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from secretariat_app.domain.violations import N_

MIB = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    extension: str  # the one it is stored and downloaded with
    content_type: str
    label: str  # what a message calls it: the same in English and Russian
    names: tuple[str, ...] = ()  # further extensions a name may end in

    @property
    def extensions(self) -> tuple[str, ...]:
        return (self.extension, *self.names)


PDF = FileType("pdf", "application/pdf", "PDF")
PNG = FileType("png", "image/png", "PNG")
JPEG = FileType("jpg", "image/jpeg", "JPEG", ("jpeg",))
RTF = FileType("rtf", "application/rtf", "RTF")
TXT = FileType("txt", "text/plain; charset=utf-8", "TXT")
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX")
PPTX = FileType("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PPTX")
ODT = FileType("odt", "application/vnd.oasis.opendocument.text", "ODT")
ODS = FileType("ods", "application/vnd.oasis.opendocument.spreadsheet", "ODS")

ACCEPTED_TYPES = (PDF, DOCX, XLSX, PPTX, ODT, ODS, RTF, TXT, PNG, JPEG)
ACCEPTED = ", ".join(kind.label for kind in ACCEPTED_TYPES)
BY_EXTENSION = {extension: kind for kind in ACCEPTED_TYPES for extension in kind.extensions}


@dataclass(frozen=True)
class ContainerLimits:
    """How far an Office file (a ZIP container) may unpack, read from its
    central directory without unpacking it (config: OFFICE_MAX_*)."""

    max_unpacked: int = 100 * MIB  # the declared uncompressed size of all its parts
    max_ratio: float = 100  # that size over the file's own size
    max_parts: int = 10_000  # entries in its central directory

    @classmethod
    def from_config(cls, config: Any) -> ContainerLimits:
        return cls(max_unpacked=config["OFFICE_MAX_UNPACKED_SIZE"], max_ratio=config["OFFICE_MAX_COMPRESSION_RATIO"],
                   max_parts=config["OFFICE_MAX_PARTS"])


class Reason(enum.Enum):
    """Why a file is refused; the value is the message (N_: translated where shown)."""

    EMPTY = N_("The file is empty.")
    TOO_LARGE = N_("The file is larger than %(mb)s MB, the largest the Secretariat accepts.")
    EXECUTABLE = N_("This file is a program (%(kind)s), whatever its name says. Programs are not accepted "
                    "under any name: send the document itself.")
    ARCHIVE = N_("This file is a %(kind)s archive. Archives are not accepted under any name: "
                 "send each document as a file of its own.")
    OLD_OFFICE = N_("This file is in an old Microsoft Office format (DOC, XLS, PPT) or is another compound file, "
                    "which is not accepted. Save it as DOCX, XLSX or PPTX (File, Save As) or as PDF.")
    HTML = N_("This file is a web page (HTML). Web pages can carry scripts and are not accepted under any name: "
              "save it as PDF and upload the PDF.")
    SVG = N_("This file is an SVG drawing, which can carry scripts; it is not accepted under any name. "
             "Send the picture as PNG, JPEG or PDF.")
    XML_SCRIPT = N_("This file is XML that carries a script or a web page, and is not accepted under any name. "
                    "Send the document as PDF or as an Office file.")
    OFFICE_DAMAGED = N_("This file looks like an Office document (a ZIP container) but is damaged or incomplete, "
                        "so it cannot be checked. Save it again from your office program and upload it once more.")
    OFFICE_TOO_MANY_PARTS = N_("This Office file has %(parts)s parts, more than the %(limit)s the Secretariat "
                               "accepts. Save it again from your office program, or send it as PDF.")
    OFFICE_TOO_LARGE = N_("This Office file would unpack to %(mb)s MB, more than the %(limit)s MB the Secretariat "
                          "accepts. Remove large pictures or embedded media, or send it as PDF.")
    OFFICE_RATIO = N_("This Office file is compressed %(ratio)s to 1, more than the %(limit)s to 1 a real document "
                      "reaches: it looks built to overwhelm the program that opens it (a \"zip bomb\"), and is not "
                      "accepted. Save it again from your office program, or send it as PDF.")
    NOT_UTF8 = N_("This text file is not in UTF-8, the only encoding accepted for plain text. Save it as UTF-8 "
                  "(in Notepad: File, Save As, Encoding: UTF-8) and upload it again.")
    NO_EXTENSION = N_("The name of the file has no extension. Its content is a %(actual)s file: add .%(right)s "
                      "to its name and upload it again.")
    EXTENSION_NOT_ACCEPTED = N_("Files whose name ends in .%(extension)s are not accepted. Send one of: %(types)s.")
    MISMATCH = N_("The name of the file ends in .%(extension)s, but its content is a %(actual)s file. Choose the "
                  "right file, or, if this is the one you meant, name it .%(right)s.")
    UNKNOWN = N_("This type of file is not accepted (the content decides, not the name). Send one of: %(types)s.")


class RefusedFile(ValueError):
    """The upload is empty, too large, or not a file the Secretariat accepts under its name."""

    def __init__(self, reason: Reason, **params: Any):
        super().__init__(reason.name)
        self.reason = reason
        self.params = params


def mebibytes(size: float) -> str:
    """A size in MB as a message shows it: 25, 100, 200.3, 0.00019."""
    value = size / MIB
    return f"{round(value, 1) if value >= 1 else float(f'{value:.2g}'):g}"
