"""File types are told by their content, never by their name: tiny real files
of each accepted kind, and the things that must be refused."""
from __future__ import annotations

import io
import zipfile

import pytest

from secretariat_app.core import filetypes
from secretariat_app.core.filetypes import detect
from tests.documents_setup import (
    DOCX,
    ELF,
    JPEG,
    MZ,
    ODS,
    ODT,
    PDF,
    PNG,
    PPTX,
    RTF,
    TEXT,
    XLSX,
)


def write(tmp_path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("content,kind", [
    (PDF, filetypes.PDF), (PNG, filetypes.PNG), (JPEG, filetypes.JPEG), (RTF, filetypes.RTF),
    (TEXT, filetypes.TXT), (b"plain ASCII\n", filetypes.TXT), (DOCX, filetypes.DOCX), (XLSX, filetypes.XLSX),
    (PPTX, filetypes.PPTX), (ODT, filetypes.ODT), (ODS, filetypes.ODS),
])
def test_accepted_types_are_recognised_whatever_the_name(tmp_path, content, kind):
    for name in ("upload", "report.exe", "x.pdf", "photo.jpg"):
        assert detect(write(tmp_path, name, content)) == kind


@pytest.mark.parametrize("content", [ELF, MZ, b"#!/bin/sh\nrm -rf /\n"])
def test_programs_renamed_pdf_are_refused(tmp_path, content):
    assert detect(write(tmp_path, "minutes.pdf", content)) is None


def test_an_empty_file_is_refused(tmp_path):
    assert detect(write(tmp_path, "empty.pdf", b"")) is None


@pytest.mark.parametrize("content", [
    b"\x00\x01\x02binary" * 10,  # NUL bytes: not text
    "текст".encode("cp1251"),  # not UTF-8
    b"PK\x03\x04 not really a zip",
])
def test_unknown_content_is_refused(tmp_path, content):
    assert detect(write(tmp_path, "file.txt", content)) is None


def zipped(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize("members", [
    {"evil.exe": "MZ"},  # any zip
    {"word/document.xml": "<w/>"},  # no [Content_Types].xml
    {"[Content_Types].xml": "<Types/>", "other/thing.xml": "<x/>"},  # OOXML of no accepted kind
    {"mimetype": "application/x-unknown", "content.xml": "<x/>"},  # ODF of no accepted kind
])
def test_zips_that_are_not_office_documents_are_refused(tmp_path, members):
    assert detect(write(tmp_path, "file.docx", zipped(members))) is None


def test_text_cut_inside_a_character_at_the_one_mebibyte_boundary_is_text(tmp_path):
    content = b"a" * ((1 << 20) - 1) + "я".encode()  # the two-byte letter straddles the boundary
    assert detect(write(tmp_path, "long.txt", content)) == filetypes.TXT


def test_invalid_utf8_well_before_the_boundary_is_refused(tmp_path):
    content = b"a" * 100 + b"\xff\xfe" + b"a" * 100
    assert detect(write(tmp_path, "bad.txt", content)) is None
