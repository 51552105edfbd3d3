"""Real files of every format the text reader knows, written by the libraries
that write them (no tests here): each `make(kind, text)` holds `text` as its
body, in English or Russian. Used by the extraction tests and by
bench/extract/run.py, which makes a thousand of them."""
from __future__ import annotations

import io

KINDS = ("pdf", "docx", "xlsx", "pptx", "odt", "ods", "rtf", "txt")


def pdf(text: str) -> bytes:
    import font_roboto
    from fpdf import FPDF

    document = FPDF()
    document.add_font("Roboto", fname=font_roboto.Roboto)
    document.set_font("Roboto", size=11)
    for paragraph in text.split("\n"):
        document.add_page() if document.page == 0 else None
        document.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


def scanned_pdf(pages: int = 2) -> bytes:
    """A PDF of pages that carry only pictures (drawn rectangles): no text layer."""
    from fpdf import FPDF

    document = FPDF()
    for _ in range(pages):
        document.add_page()
        document.rect(20, 20, 120, 80, style="F")
    return bytes(document.output())


def docx(text: str) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    for paragraph in text.split("\n"):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx(text: str) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for number, line in enumerate(text.split("\n"), start=1):
        sheet.cell(row=number, column=1, value=number)
        sheet.cell(row=number, column=2, value=line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pptx(text: str) -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[5])
    slide.shapes.title.text = text.split("\n")[0]
    box = slide.shapes.add_textbox(Inches(1), Inches(2), Inches(8), Inches(4))
    box.text_frame.text = "\n".join(text.split("\n")[1:])
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def odt(text: str) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for paragraph in text.split("\n"):
        document.text.addElement(P(text=paragraph))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def ods(text: str) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Sheet1")
    for line in text.split("\n"):
        row = TableRow()
        cell = TableCell(valuetype="string")
        cell.addElement(P(text=line))
        row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def rtf(text: str) -> bytes:
    def escaped(char: str) -> str:
        if char in "\\{}":
            return "\\" + char
        if ord(char) > 127:
            return f"\\u{ord(char) if ord(char) < 32768 else ord(char) - 65536}?"
        return char

    body = "\\par\n".join("".join(escaped(c) for c in line) for line in text.split("\n"))
    return ("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Arial;}}\\f0\\fs22 " + body + "}").encode("ascii")


def txt(text: str) -> bytes:
    return text.encode("utf-8")


MAKERS = {"pdf": pdf, "docx": docx, "xlsx": xlsx, "pptx": pptx, "odt": odt, "ods": ods, "rtf": rtf, "txt": txt}


def make(kind: str, text: str) -> bytes:
    return MAKERS[kind](text)
