"""The compiled text as files, in one language: DOCX (python-docx) and PDF (fpdf2, with the
Roboto font the meeting kits embed, so Cyrillic prints everywhere). Each paragraph keeps its
number ("OP2", "OP2 bis"); alternatives stand in square brackets, each followed by its
attribution in italics; reservations and objections are noted below the paragraph."""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import font_roboto
from docx import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from fpdf import FPDF

from secretariat_app.domain.negotiation import TITLE
from secretariat_app.domain.negotiation_compile import CompiledParagraph, Line, render_paragraph

HEADINGS = {
    "en": "Compilation text: proposals in square brackets",
    "ru": "Сводный текст: предложения в квадратных скобках",
}


@dataclass(frozen=True)
class ExportHeader:
    symbol: str
    title: str
    made_at: datetime  # fixes the files' creation date: the same text gives the same bytes


def _bracketed(line: Line) -> str:
    return f"[{line.text}]" if line.bracketed else line.text


def docx_bytes(header: ExportHeader, compiled: Sequence[CompiledParagraph], language: str,
               name_positions: bool = True) -> bytes:
    """The compiled text as a Word document."""
    document = DocxDocument()
    document.core_properties.created = header.made_at.replace(tzinfo=None)
    document.core_properties.modified = header.made_at.replace(tzinfo=None)
    document.core_properties.title = header.symbol
    document.add_paragraph(header.symbol).alignment = WD_ALIGN_PARAGRAPH.RIGHT  # as on a UN-style page
    document.add_heading(header.title, level=1)
    document.add_paragraph(HEADINGS.get(language, HEADINGS["en"])).runs[0].italic = True
    for paragraph in compiled:
        if paragraph.kind == TITLE:
            continue  # the heading above
        lines = render_paragraph(paragraph, language, name_positions)
        for n, line in enumerate(lines):
            out = document.add_paragraph()
            if n == 0:
                out.add_run(f"{paragraph.label}. ").bold = True
            else:
                out.paragraph_format.left_indent = Pt(24)
            if line.text:
                out.add_run(_bracketed(line))
            if line.note:
                note = out.add_run(f" ({line.note})" if line.text else line.note)
                note.italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(header: ExportHeader, compiled: Sequence[CompiledParagraph], language: str,
              name_positions: bool = True) -> bytes:
    """The compiled text as PDF."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(header.made_at)
    pdf.set_title(f"{header.symbol} {header.title}")
    pdf.add_font("Roboto", fname=font_roboto.Roboto)
    pdf.add_font("Roboto", style="B", fname=font_roboto.RobotoBold)
    pdf.add_font("Roboto", style="I", fname=font_roboto.RobotoItalic)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Roboto", "", 10)
    pdf.multi_cell(0, 5, header.symbol, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Roboto", "B", 14)
    pdf.multi_cell(0, 7, header.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Roboto", "I", 10)
    pdf.multi_cell(0, 6, HEADINGS.get(language, HEADINGS["en"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    margin = pdf.l_margin
    for paragraph in compiled:
        if paragraph.kind == TITLE:
            continue
        for n, line in enumerate(render_paragraph(paragraph, language, name_positions)):
            pdf.set_left_margin(margin + (0 if n == 0 else 8))  # write() wraps to the left margin
            pdf.set_x(pdf.l_margin)
            if n == 0:
                pdf.set_font("Roboto", "B", 11)
                pdf.write(6, f"{paragraph.label}. ")
            pdf.set_font("Roboto", "", 11)
            pdf.write(6, _bracketed(line))
            if line.note:
                pdf.set_font("Roboto", "I", 11)
                pdf.write(6, f" ({line.note})" if line.text else line.note)
            pdf.ln(6)
        pdf.set_left_margin(margin)
        pdf.ln(2)
    return bytes(pdf.output())

