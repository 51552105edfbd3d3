"""The index of a meeting kit as PDF: a table of symbol, English and Russian
title, date and language, headed in both languages. fpdf2 embeds (a subset of)
Roboto, a TrueType font with Cyrillic installed from PyPI with the app
(font-roboto), so the PDF reads the same everywhere and needs no system font."""
from __future__ import annotations

from typing import TYPE_CHECKING

import font_roboto
from fpdf import FPDF

if TYPE_CHECKING:
    from secretariat_app.documents.kits.services import KitEntry
    from secretariat_app.meetings.models import Meeting

LANGUAGE_NAMES = {"en": "English / английский", "ru": "Russian / русский"}
HEADINGS = ("Symbol / Символ", "Title (English)", "Название (на русском)", "Date / Дата", "Language / Язык")
WIDTHS = (52, 85, 85, 25, 30)  # mm, on landscape A4 (277 mm between the margins)


def index_pdf(meeting: Meeting, entries: list[KitEntry]) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_creation_date(meeting.created_at)  # the same content, the same bytes
    pdf.set_title(f"{meeting.title_en} / {meeting.title_ru}")
    pdf.add_font("Roboto", fname=font_roboto.Roboto)
    pdf.add_font("Roboto", style="B", fname=font_roboto.RobotoBold)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("Roboto", "B", 14)
    pdf.multi_cell(0, 7, "Meeting documents / Документы совещания", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Roboto", "", 11)
    pdf.multi_cell(0, 6, meeting.title_en, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, meeting.title_ru, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Roboto", "", 9)
    with pdf.table(col_widths=WIDTHS, text_align="LEFT", first_row_as_headings=True, line_height=5) as table:
        heading = table.row()
        for text in HEADINGS:
            heading.cell(text)
        for entry in entries:
            row = table.row()
            for text in (entry.symbol, entry.title_en, entry.title_ru, entry.date,
                         LANGUAGE_NAMES.get(entry.language, entry.language)):
                row.cell(text or "—")
    return bytes(pdf.output())
