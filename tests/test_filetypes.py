"""Uploads are accepted by their content, and only under a name that agrees
with it: the accepted kinds, what is refused under any name, plain text
whatever it says, and the Office containers held to their limits from the
central directory (bombs, crafted and damaged ones). No database here; the
same files go through the real upload forms in tests/web/test_uploads.py."""
from __future__ import annotations

import io
import struct
import zipfile

import pytest

from secretariat_app.core import filetypes, office_files
from secretariat_app.core.filetypes import MIB, ContainerLimits, Reason, RefusedFile
from secretariat_app.core.sniffing import identify
from secretariat_app.domain.violations import Violation
from tests import upload_samples as samples
from tests.documents_setup import DOCX, ELF, JPEG, MZ, ODS, ODT, PDF, PNG, PPTX, RTF, TEXT, XLSX

LIMITS = ContainerLimits()


def short(value):
    """A test id for a file: its first 8 bytes (pytest would spell out a whole bomb; a ZIP's
    time of writing comes after them, so the ids are the same in every pytest-xdist worker)."""
    return repr(value[:8])[2:-1] if isinstance(value, bytes) else None


def check(tmp_path, content: bytes, name: str | None, limits: ContainerLimits = LIMITS) -> filetypes.FileType:
    path = tmp_path / "upload"
    path.write_bytes(content)
    return identify(path, name, limits)


def refusal(tmp_path, content: bytes, name: str | None, limits: ContainerLimits = LIMITS) -> RefusedFile:
    with pytest.raises(RefusedFile) as caught:
        check(tmp_path, content, name, limits)
    return caught.value


def message(refused: RefusedFile) -> str:
    return Violation("file", refused.reason.value, refused.params).render()


# What is accepted ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("content,kind,names", [
    (PDF, filetypes.PDF, ["a.pdf", "A.PDF"]), (PNG, filetypes.PNG, ["a.png"]),
    (JPEG, filetypes.JPEG, ["a.jpg", "a.jpeg", "a.JPEG"]), (RTF, filetypes.RTF, ["a.rtf"]),
    (TEXT, filetypes.TXT, ["a.txt"]), (b"plain ASCII\n", filetypes.TXT, ["a.txt"]),
    (DOCX, filetypes.DOCX, ["a.docx"]), (XLSX, filetypes.XLSX, ["a.xlsx"]), (PPTX, filetypes.PPTX, ["a.pptx"]),
    (ODT, filetypes.ODT, ["a.odt"]), (ODS, filetypes.ODS, ["a.ods"]),
], ids=short)
def test_each_accepted_type_is_recognised_under_its_own_extension(tmp_path, content, kind, names):
    for name in [*names, None]:  # without a name (files the application writes) the content alone decides
        assert check(tmp_path, content, name) == kind


@pytest.mark.parametrize("name,content,extension,content_type", samples.GOOD, ids=short)
def test_good_files_are_accepted_with_the_type_of_their_content(tmp_path, name, content, extension, content_type):
    kind = check(tmp_path, content, name)
    assert (kind.extension, kind.content_type) == (extension, content_type)


@pytest.mark.parametrize("name", ["../../etc/passwd\x00.pdf", "C:\\Users\\me\\minutes.pdf", "minutes.pdf ",
                                  ".pdf", "протокол.заседания.pdf"])
def test_the_extension_is_the_last_one_of_the_names_last_part(tmp_path, name):
    assert check(tmp_path, PDF, name) == filetypes.PDF


# Plain text is text whatever it says ------------------------------------------------------------------------

@pytest.mark.parametrize("content", [
    samples.SHELL_SCRIPT,
    b"#!/usr/bin/env python3\nimport os\nos.system('rm -rf /')\n",
    samples.RUSSIAN_TEXT,
    samples.XML_PLAIN,  # XML without a script is only text
    b"Note: never paste <script>alert(1)</script> into a page.\n",  # mentions markup, does not begin with it
    b"<3 to the interpreters\n", b"<-- see above\n",
    "\ufeffС отметкой о BOM\n".encode(),
    b"MZ is the sign of a Windows program; this note is text.\n",
    RTF, PDF,  # RTF source and this tiny ASCII PDF are UTF-8 text too: stored as what they are
], ids=short)
def test_utf8_text_named_txt_is_accepted_whatever_it_says(tmp_path, content):
    kind = check(tmp_path, content, "notes.txt")
    assert kind in (filetypes.TXT, filetypes.RTF, filetypes.PDF)
    if kind == filetypes.TXT:
        assert kind.content_type == "text/plain; charset=utf-8"


def test_text_cut_inside_a_character_at_the_one_mebibyte_boundary_is_text(tmp_path):
    content = b"a" * ((1 << 20) - 1) + "я".encode()  # the two-byte letter straddles the chunk boundary
    assert check(tmp_path, content, "long.txt") == filetypes.TXT


@pytest.mark.parametrize("content", [
    "текст".encode("cp1251"), "текст".encode("utf-16"), b"a" * 100 + b"\xff\xfe" + b"a" * 100,
    b"a" * (3 * MIB) + b"\x00",  # a NUL far past the first chunk: the whole file is read
], ids=short)
def test_text_that_is_not_utf8_is_refused_with_how_to_save_it(tmp_path, content):
    refused = refusal(tmp_path, content, "notes.txt")
    assert refused.reason is Reason.NOT_UTF8 and "Save it as UTF-8" in message(refused)
    assert refusal(tmp_path, content, "notes.pdf").reason is Reason.UNKNOWN


# Refused under any name ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,content,words", samples.HOSTILE, ids=short)
def test_each_hostile_file_is_refused_with_a_message_a_person_understands(tmp_path, name, content, words):
    assert words in message(refusal(tmp_path, content, name))


@pytest.mark.parametrize("content,reason", [
    (samples.HTML, Reason.HTML), (samples.SVG, Reason.SVG), (samples.XML_SCRIPT, Reason.XML_SCRIPT),
    (ELF, Reason.EXECUTABLE), (MZ, Reason.EXECUTABLE), (b"\xcf\xfa\xed\xfe\x07" + bytes(40), Reason.EXECUTABLE),
    (b"\x00asm\x01\x00\x00\x00", Reason.EXECUTABLE),
    (samples.plain_zip(), Reason.ARCHIVE), (samples.RAR, Reason.ARCHIVE), (samples.SEVEN_ZIP, Reason.ARCHIVE),
    (samples.GZIP, Reason.ARCHIVE), (samples.tar_of_text(), Reason.ARCHIVE), (samples.OLD_WORD, Reason.OLD_OFFICE),
    (samples.docx_bomb(200), Reason.OFFICE_TOO_LARGE),
], ids=short)
def test_what_is_refused_under_any_name_is_refused_under_every_name(tmp_path, content, reason):
    for name in ("a.txt", "a.pdf", "a.docx", "a.png", "a.exe", "a", None):
        assert refusal(tmp_path, content, name).reason is reason, name


@pytest.mark.parametrize("content,reason", [
    (b"<html><body>hi</body></html>", Reason.HTML),
    (b"  \n\t<!-- generated -->\n<!DOCTYPE html>\n<p>hi", Reason.HTML),
    ("\ufeff<!doctype HTML><title>x</title>".encode(), Reason.HTML),
    (b"<p>Dear colleagues</p>", Reason.HTML),
    (b"<!-- a comment, then nothing -->", Reason.HTML),  # what a browser sniffs as HTML
    (b"<?xml version='1.0'?><!-- c --><?pi x?><html xmlns='http://www.w3.org/1999/xhtml'/>", Reason.HTML),
    (b"<svg><circle r='1'/></svg>", Reason.SVG),
    (b"<?xml version='1.0'?>\n<!DOCTYPE svg PUBLIC '-//W3C//DTD SVG 1.1//EN' 'x'>\n<svg/>", Reason.SVG),
    (b"<s:svg xmlns:s='http://www.w3.org/2000/svg'/>", Reason.SVG),
    (b"<?xml version='1.0'?><feed><entry><a href='javascript:alert(1)'/></entry></feed>", Reason.XML_SCRIPT),
    (b"<?xml version='1.0'?><?xml-stylesheet href='x.xsl' type='text/xsl'?><doc/>", Reason.XML_SCRIPT),
    (b"<doc>" + b"<item/>" * 200_000 + b"<script>x</script></doc>", Reason.XML_SCRIPT),  # deep in the file
], ids=short)
def test_markup_is_recognised_as_a_browser_would_see_it(tmp_path, content, reason):
    assert refusal(tmp_path, content, "page.txt").reason is reason


# The name must agree with the content --------------------------------------------------------------------------

@pytest.mark.parametrize("content,name,actual,right", [
    (PNG, "photo.jpg", "PNG", "png"), (JPEG, "photo.png", "JPEG", "jpg"), (PDF, "minutes.docx", "PDF", "pdf"),
    (DOCX, "minutes.pdf", "DOCX", "docx"), (XLSX, "budget.docx", "XLSX", "xlsx"), (ODT, "text.ods", "ODT", "odt"),
    (samples.SHELL_SCRIPT, "run.pdf", "TXT", "txt"), (TEXT, "note.rtf", "TXT", "txt"),
], ids=short)
def test_a_name_that_claims_another_accepted_type_is_refused(tmp_path, content, name, actual, right):
    refused = refusal(tmp_path, content, name)
    assert refused.reason is Reason.MISMATCH and (refused.params["actual"], refused.params["right"]) == (actual, right)
    assert f"name it .{right}" in message(refused)


@pytest.mark.parametrize("name", ["minutes", "minutes.", "../minutes"])
def test_a_name_without_extension_is_refused_saying_which_to_add(tmp_path, name):
    refused = refusal(tmp_path, PDF, name)
    assert refused.reason is Reason.NO_EXTENSION and "add .pdf" in message(refused)


@pytest.mark.parametrize("name", ["notes.md", "page.html", "table.csv", "run.sh", "x.pdf.exe", "data.xml"])
def test_an_extension_not_accepted_is_refused_whatever_the_content(tmp_path, name):
    refused = refusal(tmp_path, b"plain text\n", name)
    assert refused.reason is Reason.EXTENSION_NOT_ACCEPTED and "Send one of: PDF, DOCX" in message(refused)


def test_an_unknown_binary_is_refused(tmp_path):
    assert refusal(tmp_path, b"\x00\x01\x02binary" * 10, "file.pdf").reason is Reason.UNKNOWN


# Office containers: limits from the central directory ---------------------------------------------------------

def test_the_limits_are_the_configured_ones_both_ways(tmp_path):
    bomb, dense = samples.docx_bomb(200), samples.docx_bomb(20)
    assert refusal(tmp_path, bomb, "a.docx").reason is Reason.OFFICE_TOO_LARGE
    assert refusal(tmp_path, dense, "a.docx").reason is Reason.OFFICE_RATIO
    generous = ContainerLimits(max_unpacked=300 * MIB, max_ratio=2000)
    assert check(tmp_path, bomb, "a.docx", generous) == filetypes.DOCX
    assert check(tmp_path, dense, "a.docx", generous) == filetypes.DOCX
    assert refusal(tmp_path, dense, "a.docx", ContainerLimits(max_unpacked=19 * MIB, max_ratio=2000)).params == {
        "mb": "20", "limit": "19"}


def test_the_bomb_is_a_real_one_that_inflates_to_its_declared_size(tmp_path):
    bomb = samples.docx_bomb(200)
    assert len(bomb) < 250_000
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        entry = archive.getinfo("word/document.xml")
        assert entry.file_size == 200 * MIB
        with archive.open(entry) as member:
            assert member.read(MIB) == bytes(MIB)


def test_a_real_document_is_far_below_the_limits(tmp_path):
    with zipfile.ZipFile(io.BytesIO(samples.DOCX)) as archive:
        unpacked = sum(entry.file_size for entry in archive.infolist())
    assert unpacked / len(samples.DOCX) < 5
    assert check(tmp_path, samples.DOCX, "a.docx", ContainerLimits(max_unpacked=10_000, max_ratio=5)) == filetypes.DOCX


def overlapping_bomb(parts: int) -> bytes:
    """One MiB of zeros stored once, named by `parts` central entries that all point at it."""
    shell = samples.office_shell(samples.zeros(1, "word/part0.xml"))
    single = samples.zip_of(shell)
    end = single.rindex(b"PK\x05\x06")
    directory_at = struct.unpack("<L", single[end + 16:end + 20])[0]
    records = single[directory_at:end]
    last = records.rindex(b"PK\x01\x02")
    copies = [records[last:].replace(b"part0", f"q{i:04d}".encode()) for i in range(parts)]  # names of one length
    directory = records + b"".join(copies)
    total = 3 + parts
    return (single[:directory_at] + directory
            + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, total, total, len(directory), directory_at, 0))


def test_entries_that_share_their_bytes_cannot_hide_the_ratio(tmp_path):
    refused = refusal(tmp_path, overlapping_bomb(150), "a.docx")
    assert refused.reason is Reason.OFFICE_TOO_LARGE and refused.params["mb"] == "151"
    assert refusal(tmp_path, overlapping_bomb(50), "a.docx").reason is Reason.OFFICE_RATIO


def test_too_many_parts_are_refused_from_the_end_record_before_the_directory_is_read(tmp_path, monkeypatch):
    many = samples.zip_of(samples.office_shell(*(samples.deflated(b"<x/>", f"word/p{i}.xml") for i in range(20))))
    assert check(tmp_path, many, "a.docx") == filetypes.DOCX
    refused = refusal(tmp_path, many, "a.docx", ContainerLimits(max_parts=10))
    assert refused.reason is Reason.OFFICE_TOO_MANY_PARTS and refused.params == {"parts": 22, "limit": 10}
    end = samples.DOCX.rindex(b"PK\x05\x06")
    claims = samples.DOCX[:end + 8] + struct.pack("<2H", 60_000, 60_000) + samples.DOCX[end + 12:]

    def never(*args, **kwargs):
        raise AssertionError("the central directory was read")

    monkeypatch.setattr(office_files.zipfile, "ZipFile", never)
    refused = refusal(tmp_path, claims, "a.docx")
    assert refused.reason is Reason.OFFICE_TOO_MANY_PARTS and refused.params["parts"] == 60_000


def test_a_zip64_end_record_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 1)  # zipfile then writes the ZIP64 end records
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w/>")):
            archive.writestr(name, text)
    content = buffer.getvalue()
    assert b"PK\x06\x06" in content
    monkeypatch.undo()
    assert check(tmp_path, content, "a.docx") == filetypes.DOCX
    assert refusal(tmp_path, content, "a.docx", ContainerLimits(max_parts=1)).params == {"parts": 2, "limit": 1}


def central_field(content: bytes, offset: int, value: bytes) -> bytes:
    """`content` with the bytes at `offset` of its first central directory record replaced."""
    at = content.index(b"PK\x01\x02") + offset
    return content[:at] + value + content[at + len(value):]


@pytest.mark.parametrize("content", [
    central_field(samples.DOCX, 20, struct.pack("<L", 10**9)),  # compressed size past the end of the file
    central_field(samples.DOCX, 42, struct.pack("<L", 10**9)),  # local header past the end of the file
    central_field(samples.DOCX, 8, struct.pack("<H", 1)),  # encrypted
    samples.DOCX[:30],
    samples.DOCX[:-1],
    samples.DOCX[:len(samples.DOCX) // 2] + b"\x00" * (len(samples.DOCX) // 2),
    b"PK\x03\x04",
    b"PK\x05\x06" + bytes(18),  # an empty archive
], ids=short)
def test_crafted_truncated_or_malformed_containers_are_refused_with_a_message(tmp_path, content):
    refused = refusal(tmp_path, content, "a.docx")
    assert refused.reason in (Reason.OFFICE_DAMAGED, Reason.ARCHIVE)
    assert "Save it again" in message(refused) or "Archives are not accepted" in message(refused)


def test_no_truncation_or_flipped_byte_of_a_document_escapes_as_an_error(tmp_path):
    """Whatever the bytes, the answer is a type or a refusal: never another exception."""
    content, outcomes = samples.DOCX, set()
    for cut in range(0, len(content), 7):
        for variant in (content[:cut], content[:cut] + bytes([content[cut] ^ 0xFF]) + content[cut + 1:]):
            try:
                outcomes.add(check(tmp_path, variant, "a.docx").label)
            except RefusedFile as refused:
                outcomes.add(refused.reason.name)
    assert {"DOCX", "OFFICE_DAMAGED", "EMPTY"} <= outcomes


def test_every_reason_has_a_message_with_its_parameters_filled():
    params = {"mb": "1", "kind": "ZIP", "parts": 1, "limit": 1, "ratio": "1", "actual": "PDF", "right": "pdf",
              "extension": "exe", "types": filetypes.ACCEPTED}
    for reason in Reason:
        assert "%(" not in reason.value % params and reason.value.endswith(".")
