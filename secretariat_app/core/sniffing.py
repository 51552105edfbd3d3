"""What an upload is, told by its content, and whether its name agrees
(the rules in docs/security.md#uploads; the types and reasons in filetypes).

1. Refused under any name: programs (ELF, Mach-O, WebAssembly, and a
   Windows "MZ" program), archives other than the Office containers (RAR,
   7-Zip, gzip, bzip2, xz, Zstandard, CAB, tar, and a ZIP that is no Office
   document), old compound Office files, and markup a browser would run: an
   HTML page, an SVG drawing, XML carrying a script or a web page.
2. The content's type: PDF, PNG, JPEG, RTF, an Office container
   (office_files: DOCX, XLSX, PPTX, ODT, ODS, within its limits), or UTF-8
   text (TXT).
3. The name: its extension must be one of that type's. Plain UTF-8 text is
   text whatever it says: a name ending in .txt agrees with any content that
   is UTF-8 text and no markup, a shell script included. The type stored is
   always the content's, so that one content has one type in the store.

Markup is recognised by how the text begins, as a browser sniffing it would
(after a byte-order mark, blanks, comments, processing instructions and a
doctype: the first element, or the doctype's name). So an HTML page named
.txt is refused, and a note that merely quotes `<script>` in its third line
is text: it is served as a text/plain attachment with nosniff, which no
browser renders.

Why no library: python-magic needs libmagic, which the CI machine does not
guarantee; the pure-Python ones (filetype, puremagic) match the same dozen
signatures written below, but tell a DOCX from a ZIP by its first local
header rather than its central directory, and know nothing of zip bombs, of
UTF-8 text or of HTML inside it, which are the work here."""
from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

from secretariat_app.core.filetypes import (
    ACCEPTED,
    BY_EXTENSION,
    JPEG,
    PDF,
    PNG,
    RTF,
    TXT,
    ContainerLimits,
    FileType,
    Reason,
    RefusedFile,
)
from secretariat_app.core.office_files import ZIP_SIGNATURES, office_type

HEAD = 8192  # the bytes the signatures look at (tar's is at 257)
MARKUP_HEAD = 65536  # the text in which the first element is looked for
CHUNK = 1 << 20

_EXECUTABLES = (
    (b"\x7fELF", "ELF"),
    (b"\xfe\xed\xfa\xce", "Mach-O"), (b"\xfe\xed\xfa\xcf", "Mach-O"),
    (b"\xce\xfa\xed\xfe", "Mach-O"), (b"\xcf\xfa\xed\xfe", "Mach-O"),
    (b"\xca\xfe\xba\xbe", "Mach-O"),  # a universal binary (or a Java class)
    (b"\x00asm", "WebAssembly"),
)
_ARCHIVES = (
    (b"Rar!\x1a\x07", "RAR"), (b"7z\xbc\xaf\x27\x1c", "7-Zip"), (b"\x1f\x8b", "gzip"),
    (b"\xfd7zXZ\x00", "xz"), (b"\x28\xb5\x2f\xfd", "Zstandard"), (b"MSCF\x00\x00\x00\x00", "CAB"),
)
_BZIP2 = re.compile(rb"BZh[1-9](1AY&SY|\x17rE8P\x90)")
_COMPOUND = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: DOC, XLS, PPT, MSI
_PNG = b"\x89PNG\r\n\x1a\n"

# The elements that make a browser take a text for HTML (WHATWG MIME sniffing, and a few more).
_HTML_ELEMENTS = frozenset(
    "html head body script iframe frameset frame h1 h2 h3 h4 h5 h6 div font table a style title b br p "
    "meta link base form img object embed span".split())
_SKIP = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.S)
_DOCTYPE = re.compile(r"<!doctype\s+([^\s>\[]+)[^>]*>", re.I)
_ELEMENT = re.compile(r"<([a-z_][\w.:-]*)", re.I)
# What makes XML run something in a browser: a script, an XHTML or SVG part, a stylesheet, a javascript: link.
_ACTIVE = re.compile(r"<(?:[\w.-]+:)?(?:script|html|svg)[\s>/]|http://www\.w3\.org/(?:1999/xhtml|2000/svg)"
                     r"|<\?xml-stylesheet|javascript\s*:", re.I)


def identify(path: Path, filename: str | None, limits: ContainerLimits) -> FileType:
    """The accepted type of the file at `path` named `filename`, or RefusedFile
    with the reason. Without a name (files the application writes itself),
    the content alone decides."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD)
    if not head:
        raise RefusedFile(Reason.EMPTY)
    extension = _extension(filename) if filename is not None else None
    kind = _signed_type(head, path, limits)
    if kind is None:
        if not _is_utf8_text(path):
            if head.startswith(b"MZ"):
                raise RefusedFile(Reason.EXECUTABLE, kind="Windows")
            if extension == TXT.extension:
                raise RefusedFile(Reason.NOT_UTF8)
            raise RefusedFile(Reason.UNKNOWN, types=ACCEPTED)
        _refuse_markup(path)
        kind = TXT
    if filename is None:
        return kind
    return _agreeing(kind, extension, path)


def _signed_type(head: bytes, path: Path, limits: ContainerLimits) -> FileType | None:
    """The type the first bytes prove, None for no signature (perhaps text);
    RefusedFile for what is refused under any name."""
    for signature, name in _EXECUTABLES:
        if head.startswith(signature):
            raise RefusedFile(Reason.EXECUTABLE, kind=name)
    for signature, name in _ARCHIVES:
        if head.startswith(signature):
            raise RefusedFile(Reason.ARCHIVE, kind=name)
    if _BZIP2.match(head):
        raise RefusedFile(Reason.ARCHIVE, kind="bzip2")
    if head[257:262] == b"ustar":
        raise RefusedFile(Reason.ARCHIVE, kind="tar")
    if head.startswith(_COMPOUND):
        raise RefusedFile(Reason.OLD_OFFICE)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(_PNG) and head[12:16] == b"IHDR":
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"{\\rtf"):
        return RTF
    if head.startswith(ZIP_SIGNATURES):
        return office_type(path, limits)
    return None


def _agreeing(kind: FileType, extension: str | None, path: Path) -> FileType:
    if extension is None:
        raise RefusedFile(Reason.NO_EXTENSION, actual=kind.label, right=kind.extension)
    claimed = BY_EXTENSION.get(extension)
    if claimed is None:
        raise RefusedFile(Reason.EXTENSION_NOT_ACCEPTED, extension=extension[:16], types=ACCEPTED)
    if claimed == kind:
        return kind
    if claimed == TXT and _is_utf8_text(path):  # plain text whatever it says (RTF source, a tiny ASCII PDF)
        _refuse_markup(path)
        return kind
    raise RefusedFile(Reason.MISMATCH, extension=extension, actual=kind.label, right=kind.extension)


def _extension(filename: str) -> str | None:
    """The extension of the last part of a name, lower case; None without one."""
    base = re.split(r"[\\/]", filename)[-1].strip().rstrip(". ")
    _stem, dot, extension = base.rpartition(".")
    return extension.lower() if dot and extension else None


# Text --------------------------------------------------------------------------------------------------------

def _is_utf8_text(path: Path) -> bool:
    """The whole file is UTF-8 without a NUL byte."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in _chunks(path):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _refuse_markup(path: Path) -> None:
    """RefusedFile when UTF-8 text is a page a browser would run."""
    with open(path, "rb") as handle:
        text = handle.read(MARKUP_HEAD).decode("utf-8", "ignore").lstrip("\ufeff")
    root, doctype = _first_element(text)
    local = (root or "").rpartition(":")[2].lower()
    if doctype == "svg" or local == "svg":
        raise RefusedFile(Reason.SVG)
    if doctype == "html" or local in _HTML_ELEMENTS or (root is None and text.lstrip().startswith("<!--")):
        raise RefusedFile(Reason.HTML)
    if (root is not None or text.lstrip().startswith("<?xml")) and _mentions(path, _ACTIVE):
        raise RefusedFile(Reason.XML_SCRIPT)


def _first_element(text: str) -> tuple[str | None, str | None]:
    """The name of the first element and of the doctype, past blanks, comments
    and processing instructions; (None, ...) when the text begins otherwise."""
    at, doctype = 0, None
    while at < len(text):
        if skipped := _SKIP.match(text, at):
            at = skipped.end()
        elif declared := _DOCTYPE.match(text, at):
            doctype, at = declared.group(1).lower(), declared.end()
        elif element := _ELEMENT.match(text, at):
            return element.group(1), doctype
        else:
            break
    return None, doctype


def _mentions(path: Path, pattern: re.Pattern[str]) -> bool:
    """`pattern` occurs anywhere in the text file, read a chunk at a time."""
    decoder, carry = codecs.getincrementaldecoder("utf-8")("ignore"), ""
    for chunk in _chunks(path):
        text = carry + decoder.decode(chunk)
        if pattern.search(text):
            return True
        carry = text[-256:]
    return False
