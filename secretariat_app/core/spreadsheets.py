"""CSV files people open in a spreadsheet (Excel): UTF-8 with a byte order mark, so
that Excel reads Cyrillic; CRLF line ends, quoted by the csv module; every text
cell that a spreadsheet would take for a formula neutralised with a leading
apostrophe (CSV injection). Used by every CSV export (CBM, participant lists)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# A spreadsheet takes a cell starting with one of these for a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def neutralise(value: str) -> str:
    """A text cell a spreadsheet would evaluate, made inert by a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a byte order mark, CRLF line ends, quoted as needed; None is an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(str(h)) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) if isinstance(v, str) else str(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
