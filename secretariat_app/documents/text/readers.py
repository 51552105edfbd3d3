"""Reading the text out of a stored file, one reader per format, without the
database: PDF (pypdf), DOCX (python-docx), XLSX (openpyxl, streamed), PPTX
(python-pptx), ODT and ODS (odfpy), RTF (striprtf) and TXT.

Files come from people outside the Secretariat, so every reader is held to
limits (`TextLimits`): a time limit for the whole read (a timer signal in the
process's main thread, where the Celery worker and the command line run it),
a cap on the pages, cells and characters read, and, for Office containers,
the same central-directory check the upload made (core/office_files.py), so
that a zip bomb stored before that check is not opened either.

A read ends in one of the TextStatus outcomes: EXTRACTED with the text; SCAN
for a PDF whose pages carry no text layer (a scan, never an empty text);
UNREADABLE with the reason (damaged, encrypted, over a limit, too slow);
UNSUPPORTED for a type without text (pictures). An OSError opening the stored
file is not an outcome: it is raised, for the caller to try again later."""
from __future__ import annotations

import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secretariat_app.core.filetypes import ContainerLimits, RefusedFile
from secretariat_app.core.office_files import office_type
from secretariat_app.documents.models import TextStatus

OFFICE_EXTENSIONS = ("docx", "xlsx", "pptx", "odt", "ods")
ERROR_LENGTH = 400  # file_text.error


@dataclass(frozen=True)
class TextLimits:
    seconds: float = 60.0  # the whole read of one file
    max_chars: int = 5_000_000  # text kept per file; the rest is cut
    max_pages: int = 5_000  # PDF pages and PPTX slides read
    max_cells: int = 2_000_000  # spreadsheet cells read
    container: ContainerLimits = ContainerLimits()

    @classmethod
    def from_config(cls, config: Any) -> TextLimits:
        return cls(seconds=config.get("TEXT_READ_SECONDS", cls.seconds),
                   max_chars=config.get("TEXT_MAX_CHARS", cls.max_chars),
                   container=ContainerLimits.from_config(config))


@dataclass(frozen=True)
class Reading:
    status: TextStatus
    text: str = ""
    error: str = ""


class TooSlow(Exception):
    """The read went past its time limit."""


class _Enough(Exception):
    """A reader collected as much text as is kept."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TooSlow in the block once `seconds` have passed (main thread only:
    elsewhere the block runs unlimited, and Celery's task time limit is the guard)."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def _expire(_signum: int, _frame: Any) -> None:
        raise TooSlow()

    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Text:
    """Pieces of text up to a number of characters (then _Enough)."""

    def __init__(self, max_chars: int):
        self.pieces: list[str] = []
        self.left = max_chars

    def add(self, piece: str) -> None:
        if not piece:
            return
        self.pieces.append(piece[:self.left])
        self.left -= len(piece)
        if self.left <= 0:
            raise _Enough()

    def joined(self) -> str:
        return "\n".join(self.pieces)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # NUL cannot be stored by PostgreSQL
_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n(?:[ \t\r\f\v]*\n)+")


def clean(text: str) -> str:
    """Control characters out, runs of blank lines made one."""
    return _BLANK_LINES.sub("\n\n", _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))).strip()


# The readers: each adds the text of `path` to `out` --------------------------------------

def _pdf(path: Path, out: _Text, limits: TextLimits) -> TextStatus:
    from pypdf import PdfReader

    reader = PdfReader(path)
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("the PDF is encrypted with a password")
    pages = reader.pages
    if len(pages) == 0:
        raise ValueError("the PDF has no pages")
    found = False
    for number, page in enumerate(pages):
        if number >= limits.max_pages:
            break
        text = page.extract_text() or ""
        found = found or bool(text.strip())
        out.add(text)
    return TextStatus.EXTRACTED if found else TextStatus.SCAN


def _docx(path: Path, out: _Text, limits: TextLimits) -> TextStatus:
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(str(path))
    paragraph, run_text = qn("w:p"), qn("w:t")
    parts = [document.element.body]
    for section in document.sections:  # headers and footers hold text too (the symbol, often)
        parts += [section.header._element, section.footer._element]
    for part in parts:
        for element in part.iter(paragraph):
            out.add("".join(node.text or "" for node in element.iter(run_text)))
    return TextStatus.EXTRACTED


def _xlsx(path: Path, out: _Text, limits: TextLimits) -> TextStatus:
    import openpyxl

    handle = open(path, "rb")  # a stream: openpyxl judges a path by its extension, and stored files have none
    workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    cells = 0
    try:
        for sheet in workbook.worksheets:
            out.add(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                values = [str(value) for value in row if value is not None and str(value).strip()]
                cells += len(row)
                out.add("\t".join(values))
                if cells >= limits.max_cells:
                    return TextStatus.EXTRACTED
    finally:
        workbook.close()
        handle.close()
    return TextStatus.EXTRACTED


def _pptx(path: Path, out: _Text, limits: TextLimits) -> TextStatus:
    from pptx import Presentation

    presentation = Presentation(str(path))
    for number, slide in enumerate(presentation.slides):
        if number >= limits.max_pages:
            break
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.add(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                for row in shape.table.rows:
                    out.add("\t".join(cell.text for cell in row.cells))
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            out.add(slide.notes_slide.notes_text_frame.text)
    return TextStatus.EXTRACTED


_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_BREAKS = {"p", "h", "list-item"}
_ODF_SPACES = {"s": " ", "tab": "\t", "line-break": "\n"}


def _odf(path: Path, out: _Text, limits: TextLimits) -> TextStatus:
    from odf.opendocument import load

    document = load(str(path))
    line: list[str] = []

    def walk(node: Any) -> None:
        for child in node.childNodes:
            if child.nodeType == child.TEXT_NODE:
                line.append(str(child.data))
                continue
            namespace, name = getattr(child, "qname", (None, None))
            if namespace == _ODF_TEXT and name in _ODF_SPACES:
                count = int(child.getAttribute("c") or 1) if name == "s" else 1
                line.append(_ODF_SPACES[name] * min(count, 100))
                continue
            walk(child)
            if namespace == _ODF_TEXT and name in _ODF_BREAKS and line:
                out.add("".join(line))
                line.clear()

    walk(document.body)
    out.add("".join(line))
    return TextStatus.EXTRACTED


_RTF_CODEPAGE = re.compile(rb"\\ansicpg(\d{3,5})")


def _rtf(path: Path, out: _Text, limits: TextLimits) -> TextStatus:
    from striprtf.striprtf import rtf_to_text

    data = path.read_bytes()
    found = _RTF_CODEPAGE.search(data[:4096])
    encoding = f"cp{found.group(1).decode()}" if found else "cp1252"
    try:
        "".encode(encoding)
    except LookupError:
        encoding = "cp1252"
    out.add(rtf_to_text(data.decode("latin-1"), encoding=encoding, errors="replace"))
    return TextStatus.EXTRACTED


def _txt(path: Path, out: _Text, limits: TextLimits) -> TextStatus:
    with open(path, encoding="utf-8", errors="replace") as handle:
        out.add(handle.read(limits.max_chars + 1))
    return TextStatus.EXTRACTED


READERS: dict[str, Callable[[Path, _Text, TextLimits], TextStatus]] = {
    "pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "pptx": _pptx, "odt": _odf, "ods": _odf, "rtf": _rtf, "txt": _txt,
}


def read_file(path: Path, extension: str, limits: TextLimits | None = None) -> Reading:
    """The text of the stored file at `path` of type `extension` (as stored).
    OSError when the file cannot be opened (the caller tries again later)."""
    limits = limits or TextLimits()
    reader = READERS.get(extension)
    if reader is None:
        return Reading(TextStatus.UNSUPPORTED, error=f"no text is read from .{extension} files")
    with open(path, "rb"):  # missing or unreadable store: OSError, before any parser hides it
        pass
    out = _Text(limits.max_chars)
    try:
        with time_limit(limits.seconds):
            if extension in OFFICE_EXTENSIONS:
                office_type(path, limits.container)  # RefusedFile: a zip bomb or damaged container
            status = reader(path, out, limits)
    except _Enough:
        status = TextStatus.EXTRACTED
    except TooSlow:
        return Reading(TextStatus.UNREADABLE, error=f"reading took longer than {limits.seconds:g} s")
    except RefusedFile as refused:
        return Reading(TextStatus.UNREADABLE, error=f"refused as an Office container: {refused.reason.name}")
    except Exception as error:  # hostile bytes can fail a parser in any manner: the file is unreadable
        return Reading(TextStatus.UNREADABLE, error=_describe(error))
    text = clean(out.joined())
    if status is TextStatus.EXTRACTED and not text:
        return Reading(TextStatus.EXTRACTED, "")  # an empty spreadsheet or letter: nothing to show, not a scan
    return Reading(status, text if status is TextStatus.EXTRACTED else "")


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
