"""Files to upload (no tests here): real small documents that must be
accepted, and hostile ones that must be refused, each with a few words of the
message its refusal shows. The zip bombs are built here in milliseconds:
deflate after a full flush starts afresh, so one compressed MiB of zeros is
the same bytes every time and a 200 MiB entry is that block repeated."""
from __future__ import annotations

import gzip
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from tests.documents_setup import ELF, JPEG, MZ, ODS, ODT, PDF, PNG, RTF, XLSX

MIB = 1024 * 1024
_DOS_DATE = (2024 - 1980) << 9 | 5 << 5 | 1

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>')
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    '<w:p><w:r><w:t>Concept of the SME forum · Концепция форума</w:t></w:r></w:p></w:body></w:document>')


def member(name: str) -> zipfile.ZipInfo:
    """A deflated ZIP entry with a fixed time: the same bytes on every run."""
    info = zipfile.ZipInfo(name, date_time=(2024, 5, 1, 9, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def real_docx() -> bytes:
    """A small DOCX as Word would write it: content types, relationships, the main part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS),
                           ("word/document.xml", DOCUMENT)):
            archive.writestr(member(name), text)
    return buffer.getvalue()


@dataclass(frozen=True)
class Entry:
    name: str
    data: bytes  # as stored in the archive
    crc: int
    size: int  # declared uncompressed
    method: int = zipfile.ZIP_DEFLATED


def deflated(content: bytes, name: str) -> Entry:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Entry(name, packer.compress(content) + packer.flush(), zlib.crc32(content), len(content))


def zeros(mib: int, name: str = "word/document.xml") -> Entry:
    """`mib` MiB of zeros, deflated, built from one compressed MiB (about 1 KB)."""
    packer, zero = zlib.compressobj(9, zlib.DEFLATED, -15), bytes(MIB)
    first = packer.compress(zero) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(zero) + packer.flush(zlib.Z_FULL_FLUSH)
    assert block == first  # after a full flush deflate starts afresh
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(zero, crc)
    return Entry(name, block * mib + packer.flush(), crc, mib * MIB)


def zip_of(entries: list[Entry]) -> bytes:
    """A ZIP file of these entries, written field by field (local headers, central directory, end record)."""
    out, central = io.BytesIO(), []
    for entry in entries:
        offset, name = out.tell(), entry.name.encode()
        common = (entry.method, 0, _DOS_DATE, entry.crc, len(entry.data), entry.size, len(name))
        out.write(struct.pack("<4s2H3H3LHH", b"PK\x03\x04", 20, 0, *common, 0) + name + entry.data)
        central.append(struct.pack("<4s3H3H3LH4HLL", b"PK\x01\x02", 20, 20, 0, *common, 0, 0, 0, 0, 0, offset)
                       + name)
    directory, at = b"".join(central), out.tell()
    out.write(directory + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory),
                                      at, 0))
    return out.getvalue()


def office_shell(*more: Entry) -> list[Entry]:
    return [deflated(CONTENT_TYPES.encode(), "[Content_Types].xml"), deflated(RELS.encode(), "_rels/.rels"), *more]


def docx_bomb(mib: int = 200) -> bytes:
    """A DOCX whose main part is `mib` MiB of zeros (about 1 KB a MiB: ratio about 1000)."""
    return zip_of(office_shell(zeros(mib)))


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member("minutes.pdf"), PDF)
        archive.writestr(member("setup.exe"), MZ)
    return buffer.getvalue()


def tar_of_text() -> bytes:
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        content = b"notes\n"
        info = tarfile.TarInfo("notes.txt")
        info.size, info.mtime = len(content), 1714554000
        archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


DOCX = real_docx()
SHELL_SCRIPT = ("#!/bin/sh\n# Сверка списков делегаций\nrm -rf /tmp/cica-*\n"
                "echo \"<script>alert(1)</script>\"\n").encode()
RUSSIAN_TEXT = ("Пояснительная записка к проекту повестки дня СМИД СВМДА.\n"
                "Делегациям предлагается представить замечания до 1 декабря.\n").encode()
HTML = b"<!DOCTYPE html>\n<html><head><title>Minutes</title></head><body><script>fetch('/admin')</script></body></html>"
SVG = (b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(document.cookie)</script></svg>')
XML_SCRIPT = (b'<?xml version="1.0"?>\n<report><title>Q3</title>'
              b'<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script></report>')
XML_PLAIN = b'<?xml version="1.0"?>\n<participants><state code="KAZ">Kazakhstan</state></participants>\n'
RAR = b"Rar!\x1a\x07\x01\x00" + bytes(32)
SEVEN_ZIP = b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(32)
GZIP = gzip.compress(b"minutes of the meeting", mtime=0)
OLD_WORD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)

# (name, content, words of the message): refused through every upload form.
HOSTILE = [
    ("minutes.pdf", HTML, "web page (HTML)"),
    ("minutes.txt", HTML, "web page (HTML)"),
    ("emblem.png", SVG, "SVG drawing"),
    ("report.txt", XML_SCRIPT, "XML that carries a script"),
    ("report.xml", XML_SCRIPT, "XML that carries a script"),
    ("agenda.docx", ELF, "program (ELF)"),
    ("agenda.pdf", MZ, "program (Windows)"),
    ("agenda.docx", plain_zip(), "ZIP archive"),
    ("bomb.docx", docx_bomb(200), "would unpack to 200 MB, more than the 100 MB"),
    ("dense.docx", docx_bomb(20), "to 1, more than the 100 to 1"),
    ("cut.docx", DOCX[:len(DOCX) * 2 // 3], "damaged or incomplete"),
    ("papers.docx", RAR, "RAR archive"),
    ("papers.pdf", SEVEN_ZIP, "7-Zip archive"),
    ("papers.txt", GZIP, "gzip archive"),
    ("papers.docx", tar_of_text(), "tar archive"),
    ("old.doc", OLD_WORD, "old Microsoft Office format"),
    ("photo.jpg", PNG, "ends in .jpg, but its content is a PNG file"),
    ("notes.pdf", SHELL_SCRIPT, "ends in .pdf, but its content is a TXT file"),
    ("записка.txt", "Пояснительная записка".encode("cp1251"), "not in UTF-8"),
    ("minutes", PDF, "has no extension"),
    ("minutes.exe", PDF, "ends in .exe are not accepted"),
]

# (name, content, stored extension, content type served): accepted through every upload form.
GOOD = [
    ("concept.docx", DOCX, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("minutes.PDF", PDF, "pdf", "application/pdf"),
    ("check.txt", SHELL_SCRIPT, "txt", "text/plain; charset=utf-8"),
    ("записка.txt", RUSSIAN_TEXT, "txt", "text/plain; charset=utf-8"),
    ("participants.txt", XML_PLAIN, "txt", "text/plain; charset=utf-8"),
    ("budget.xlsx", XLSX, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("text.odt", ODT, "odt", "application/vnd.oasis.opendocument.text"),
    ("sheet.ods", ODS, "ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("letter.rtf", RTF, "rtf", "application/rtf"),
    ("photo.jpeg", JPEG, "jpg", "image/jpeg"),
    ("emblem.png", PNG, "png", "image/png"),
]
