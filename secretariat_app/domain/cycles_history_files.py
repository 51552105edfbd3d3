"""A forum's recorded history read from its CSV files straight into the engine's
plain data, without the database: `flask cycles check --rules FILE --history DIR`
checks any forum this way, states and all, before (or without) importing it.

The files are those `flask cycles import-history` reads: meetings_history.csv,
chairmanships_history.csv, informal_ministerial_history.csv (optional here) and
chairmanship_decisions.csv (optional). A bad value raises HistoryFileError with
the file, row and column; the database import checks more (known states)."""
from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from secretariat_app.domain.cycles_model import ChairDecision, ChairTerm, CycleHistory, HeldMeeting

MEETINGS, CHAIRS = "meetings_history.csv", "chairmanships_history.csv"
INFORMAL, DECISIONS = "informal_ministerial_history.csv", "chairmanship_decisions.csv"


class HistoryFileError(ValueError):
    """A history file that cannot be read: says which file, row and column."""


def _rows(directory: Path, name: str, required: bool = True) -> Iterator[tuple[int, dict[str, str]]]:
    path = directory / name
    if not path.is_file():
        if required:
            raise HistoryFileError(f"{name}: file not found in {directory}")
        return
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            yield line, {key: (value or "").strip() for key, value in row.items() if key is not None}


def _number(name: str, line: int, row: dict[str, str], column: str, required: bool = True) -> int | None:
    raw = row.get(column, "")
    if not raw and not required:
        return None
    if not raw.isdigit():
        raise HistoryFileError(f"{name}, row {line}, column {column}: '{raw}' is not a whole number")
    return int(raw)


def _year(name: str, line: int, row: dict[str, str], column: str) -> int:
    value = _number(name, line, row, column)
    assert value is not None  # required
    return value


def read_history(directory: Path) -> CycleHistory:
    """The meetings, the chairmanships and the decisions on them, as the engine sees them."""
    meetings: list[HeldMeeting] = []
    places: dict[tuple[str, int, int], tuple[int | None, str, str]] = {}  # (body, year, month) -> number, cities
    for name, informal in ((MEETINGS, False), (INFORMAL, True)):
        for line, row in _rows(directory, name, required=not informal):
            body = "MFA_INFORMAL" if informal else row.get("body", "").upper()
            if not body:
                raise HistoryFileError(f"{name}, row {line}, column body: a value is required")
            year, month = _year(name, line, row, "year"), _number(name, line, row, "month", required=False)
            number = None if informal else _number(name, line, row, "number", required=False)
            planned = row.get("note", "").lower() == "planned"
            meetings.append(HeldMeeting(body, year, month, number=number, host=row.get("host_state") or None,
                                        status="planned" if planned else "held"))
            places[(body, year, month or 0)] = (number, row.get("city", ""), row.get("city_ru", ""))
    decisions: dict[tuple[str, int], list[ChairDecision]] = {}
    for line, row in _rows(directory, DECISIONS, required=False):
        body, year = row.get("body", "").upper(), _year(DECISIONS, line, row, "year")
        month = _number(DECISIONS, line, row, "month", required=False)
        if (body, year, month or 0) not in places:
            raise HistoryFileError(f"{DECISIONS}, row {line}, column month: no {body} meeting in {year}-{month} "
                                   "in the history")
        number, city, city_ru = places[(body, year, month or 0)]
        key = (row.get("state", ""), _year(DECISIONS, line, row, "start_year"))
        decisions.setdefault(key, []).append(ChairDecision(
            f"{body}/{year}/CHAIR/{key[0]}"[:40], row.get("kind", ""), body, year, month, number, city, city_ru))
    terms = sorted(((row.get("state", ""), _year(CHAIRS, line, row, "start_year"), _year(CHAIRS, line, row, "end_year"))
                    for line, row in _rows(directory, CHAIRS)), key=lambda term: term[1])
    chairs = []
    for i, (state, start, end) in enumerate(terms):
        # As the import dates them: a term runs until its successor starts, the last to the end of its end year.
        until = terms[i + 1][1] if i + 1 < len(terms) else end + 1
        chairs.append(ChairTerm(state, start, until, decisions=tuple(decisions.get((state, start), ()))))
    return CycleHistory(tuple(meetings), tuple(chairs))
