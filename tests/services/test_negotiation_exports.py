"""The compiled text as DOCX and PDF in both languages: numbering kept, brackets and
attributions written, Cyrillic printed, a delegate's markdown-like characters left as typed."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime

import pypdf

from secretariat_app.domain.negotiation import OPERATIVE, TITLE, Paragraph, Proposal, Text, Wording
from secretariat_app.domain.negotiation_compile import compile_text
from secretariat_app.negotiations.services.exports import ExportHeader, docx_bytes, pdf_bytes

TEXT = Text(
    (Paragraph(1, TITLE, {"en": "Statement", "ru": "Заявление"}),
     Paragraph(2, OPERATIVE, {"en": "They agree.", "ru": "Они согласны."}),
     Paragraph(3, OPERATIVE, {"en": "They **meet** __often__.", "ru": "Они встречаются."})),
    (Proposal(10, 2, "replace", "Aland", "en", {"en": Wording("agree", "decide"), "ru": Wording("согласны", "решили")},
              supporters=("Borduria",)),
     Proposal(11, 3, "delete", "Borduria", "en", {"en": Wording(), "ru": Wording()}, objectors=("Aland",))),
)
HEADER = ExportHeader("CICA/SOC/2026/3/Rev.1", "Statement", datetime(2026, 12, 6, tzinfo=UTC))


def paragraphs(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("word/document.xml").decode()
    return ["".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in xml.split("</w:p>")]


def test_the_docx_keeps_numbers_brackets_and_attributions_in_each_language():
    english = paragraphs(docx_bytes(HEADER, compile_text(TEXT, {}, "en"), "en"))
    assert "OP1. [They agree.]" in english
    assert "[Alt. 1: They decide.] (proposed by Aland; supported by Borduria)" in english
    assert "[Delete] (proposed by Borduria; objected to by Aland)" in english
    russian = paragraphs(docx_bytes(replace_title(HEADER, "Заявление"), compile_text(TEXT, {}, "ru"), "ru"))
    assert "ОП1. [Они согласны.]" in russian
    assert "[Вариант 1: Они решили.] (предложение: Aland; при поддержке: Borduria)" in russian


def replace_title(header: ExportHeader, title: str) -> ExportHeader:
    return ExportHeader(header.symbol, title, header.made_at)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_is_made_in_both_languages_and_is_the_same_for_the_same_text():
    english = pdf_bytes(HEADER, compile_text(TEXT, {}, "en"), "en")
    assert english == pdf_bytes(HEADER, compile_text(TEXT, {}, "en"), "en")
    lines = pdf_text(english).splitlines()
    assert "OP1. [They agree.]" in lines
    assert "[Alt. 1: They decide.] (proposed by Aland; supported by Borduria)" in lines
    assert "OP2. [They **meet** __often__.]" in lines  # as typed, not formatting
    russian = pdf_text(pdf_bytes(replace_title(HEADER, "Заявление"), compile_text(TEXT, {}, "ru"), "ru"))
    assert "[Вариант 1: Они решили.] (предложение: Aland; при поддержке: Borduria)" in russian.splitlines()
