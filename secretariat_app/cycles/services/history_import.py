"""Importing the recorded history of CICA meetings and chairmanships from the
three CSV files of the domain (`meetings_history.csv`,
`chairmanships_history.csv`, `informal_ministerial_history.csv`) and, when the
directory has it, `chairmanship_decisions.csv` (chair_decisions_import).

Every row is read and checked before anything is written; a bad row stops the
import with its file, row and column, and nothing is written. A second import
of the same files changes nothing."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal, overload

from sqlalchemy import select

from secretariat_app.accounts.models.states import Body, State
from secretariat_app.audit import services as audit
from secretariat_app.core.forum_time import forum_today
from secretariat_app.core.loading import LoadReport, upsert
from secretariat_app.cycles.services.chair_decisions_import import (
    DECISION_COLUMNS,
    DECISIONS_FILE,
    read_chair_decisions,
    write_chair_decisions,
)
from secretariat_app.decisions.models import Chairmanship
from secretariat_app.extensions import db
from secretariat_app.meetings.models import (
    DatePrecision,
    Invitation,
    Meeting,
    MeetingFormat,
    MeetingStatus,
)
from secretariat_app.meetings.services.meetings import default_delegations

MEETINGS_FILE = "meetings_history.csv"
CHAIRS_FILE = "chairmanships_history.csv"
INFORMAL_FILE = "informal_ministerial_history.csv"
COLUMNS = {
    MEETINGS_FILE: ("body", "number", "year", "month", "city", "host_state", "format", "note"),
    CHAIRS_FILE: ("state", "start_year", "end_year", "basis"),
    INFORMAL_FILE: ("year", "month", "city", "format", "note"),
    DECISIONS_FILE: DECISION_COLUMNS,
}
NUMBERED_BODIES = ("SUMMIT", "MFA")
FORMATS = {f.value: f for f in MeetingFormat}


class HistoryImportError(ValueError):
    """A bad file or row: says which file, row and column."""

    def __init__(self, file: str, row: int | None, column: str | None, problem: str):
        where = file + (f", row {row}" if row else "") + (f", column {column}" if column else "")
        super().__init__(f"{where}: {problem}")
        self.file, self.row, self.column, self.problem = file, row, column, problem


@dataclass(frozen=True)
class MeetingRow:
    body: str
    number: int | None
    year: int
    month: int
    city: str
    host_state: str | None
    format: MeetingFormat
    note: str
    city_ru: str = ""
    note_ru: str = ""


@dataclass(frozen=True)
class ChairRow:
    state: str
    start_year: int
    end_year: int
    basis: str
    basis_ru: str = ""


# Reading -------------------------------------------------------------------

def _rows(directory: Path, name: str) -> list[tuple[int, dict[str, str]]]:
    path = directory / name
    if not path.is_file():
        raise HistoryImportError(name, None, None, "file not found in " + str(directory))
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS[name] if c not in (reader.fieldnames or [])]
        if missing:
            raise HistoryImportError(name, 1, missing[0], "missing column")
        rows = []
        for line, row in enumerate(reader, start=2):
            if None in row:  # DictReader files surplus fields under the key None
                columns = len(reader.fieldnames or ())  # read with the first row
                raise HistoryImportError(name, line, None, f"more fields than the {columns} columns")
            rows.append((line, row))
        return rows


CsvRow = dict[str, Any]  # a csv.DictReader row


@overload
def _integer(name: str, line: int, row: CsvRow, column: str, low: int, high: int,
             required: Literal[True] = True) -> int: ...
@overload
def _integer(name: str, line: int, row: CsvRow, column: str, low: int, high: int, required: bool) -> int | None: ...
def _integer(name: str, line: int, row: CsvRow, column: str, low: int, high: int, required: bool = True) -> int | None:
    raw = (row.get(column) or "").strip()
    if not raw:
        if required:
            raise HistoryImportError(name, line, column, "a value is required")
        return None
    if not raw.isdigit():
        raise HistoryImportError(name, line, column, f"'{raw}' is not a whole number")
    value = int(raw)
    if not low <= value <= high:
        raise HistoryImportError(name, line, column, f"{value} is outside {low}-{high}")
    return value


def _optional(row: CsvRow, column: str) -> str:
    """A column a file may leave out, its text or "": the Russian venue and note (city_ru,
    note_ru) and basis (basis_ru); blank or absent, the English is shown."""
    return (row.get(column) or "").strip()


def _format(name: str, line: int, row: CsvRow) -> MeetingFormat:
    raw = (row.get("format") or "").strip()
    if raw not in FORMATS:
        raise HistoryImportError(name, line, "format", f"'{raw}' is not one of {', '.join(FORMATS)}")
    return FORMATS[raw]


def read_meetings(directory: Path, states: dict[str, State], bodies: dict[str, Body]) -> list[MeetingRow]:
    rows = []
    for line, row in _rows(directory, MEETINGS_FILE):
        body = (row["body"] or "").strip().upper()
        if body not in bodies or body == "MFA_INFORMAL":
            raise HistoryImportError(MEETINGS_FILE, line, "body", f"unknown body '{row['body']}'")
        number = _integer(MEETINGS_FILE, line, row, "number", 1, 999, required=body in NUMBERED_BODIES)
        host = (row["host_state"] or "").strip() or None
        if host is not None and host not in states:
            raise HistoryImportError(MEETINGS_FILE, line, "host_state", f"unknown state '{host}'")
        rows.append(MeetingRow(
            body=body, number=number,
            year=_integer(MEETINGS_FILE, line, row, "year", 1990, 2100),
            month=_integer(MEETINGS_FILE, line, row, "month", 1, 12),
            city=(row["city"] or "").strip(), host_state=host,
            format=_format(MEETINGS_FILE, line, row), note=(row["note"] or "").strip(),
            city_ru=_optional(row, "city_ru"), note_ru=_optional(row, "note_ru"),
        ))
    seen: set[tuple[str, int | None]] = set()
    for meeting in rows:
        if meeting.number is not None and (meeting.body, meeting.number) in seen:
            raise HistoryImportError(MEETINGS_FILE, None, "number",
                                     f"{meeting.body} number {meeting.number} appears twice")
        seen.add((meeting.body, meeting.number))
    return rows


def read_informal(directory: Path) -> list[MeetingRow]:
    return [
        MeetingRow(
            body="MFA_INFORMAL", number=None,
            year=_integer(INFORMAL_FILE, line, row, "year", 1990, 2100),
            month=_integer(INFORMAL_FILE, line, row, "month", 1, 12),
            city=(row["city"] or "").strip(), host_state=None,
            format=_format(INFORMAL_FILE, line, row), note=(row["note"] or "").strip(),
            city_ru=_optional(row, "city_ru"), note_ru=_optional(row, "note_ru"),
        )
        for line, row in _rows(directory, INFORMAL_FILE)
    ]


def read_chairs(directory: Path, states: dict[str, State]) -> list[ChairRow]:
    rows = []
    for line, row in _rows(directory, CHAIRS_FILE):
        name = (row["state"] or "").strip()
        if name not in states:
            raise HistoryImportError(CHAIRS_FILE, line, "state", f"unknown state '{name}'")
        start = _integer(CHAIRS_FILE, line, row, "start_year", 1990, 2100)
        end = _integer(CHAIRS_FILE, line, row, "end_year", 1990, 2100)
        if end <= start:
            raise HistoryImportError(CHAIRS_FILE, line, "end_year", f"{end} is not after the start year {start}")
        rows.append(ChairRow(name, start, end, (row["basis"] or "").strip(), _optional(row, "basis_ru")))
    rows.sort(key=lambda r: r.start_year)
    for earlier, later in pairwise(rows):
        if later.start_year < earlier.end_year:
            raise HistoryImportError(CHAIRS_FILE, None, "start_year",
                                     f"{later.state} from {later.start_year} overlaps {earlier.state} "
                                     f"until {earlier.end_year}")
    return rows


# Writing -------------------------------------------------------------------

def ordinal_en(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _title(row: MeetingRow, body: Body) -> tuple[str, str]:
    """'5th CICA Summit' / '5-й Саммит СВМДА'; unnumbered: the body and the month."""
    if row.number is not None:
        # Russian ordinal agrees with the noun: Саммит (m.), Совещание (n.).
        ending_ru = "-й" if body.code == "SUMMIT" else "-е"
        return (f"{ordinal_en(row.number)} CICA {body.name_en}",
                f"{row.number}{ending_ru} {body.name_ru} СВМДА")
    return f"{body.name_en}, {row.year}-{row.month:02d}", f"{body.name_ru}, {row.month:02d}.{row.year}"


def _status(row: MeetingRow, today: date) -> MeetingStatus:
    """Held when its month has passed, unless the record says it is only planned."""
    if row.note.strip().lower() == "planned" or (row.year, row.month) >= (today.year, today.month):
        return MeetingStatus.PLANNED
    return MeetingStatus.HELD


def _find_meeting(row: MeetingRow, body: Body) -> Meeting | None:
    query = select(Meeting).where(Meeting.body_id == body.id)
    if row.number is not None:
        query = query.where(Meeting.number == row.number)
    else:
        start = datetime(row.year, row.month, 1, tzinfo=UTC)
        query = query.where(Meeting.starts_at == start, Meeting.date_precision == DatePrecision.MONTH)
    return db.session.scalar(query)


def _write_meeting(row: MeetingRow, body: Body, states: dict[str, State], today: date, report: LoadReport) -> None:
    start = datetime(row.year, row.month, 1, tzinfo=UTC)
    title_en, title_ru = _title(row, body)
    meeting = _find_meeting(row, body)
    created = meeting is None
    if created:
        meeting = Meeting(body_id=body.id, number=row.number, title_en=title_en, title_ru=title_ru)
        # Every member of the day was invited; their delegates see the meeting in their list.
        meeting.invitations = [Invitation(delegation_id=d.id)
                               for d in default_delegations(date(row.year, row.month, 1), with_observers=False)]
        db.session.add(meeting)
    upsert(meeting, {
        "starts_at": start, "ends_at": start, "timezone": "UTC",
        "date_precision": DatePrecision.MONTH, "city": row.city, "city_ru": row.city_ru, "note_ru": row.note_ru,
        "host_state_id": states[row.host_state].id if row.host_state else None,
        "format": row.format, "status": _status(row, today), "note": row.note,
    }, report, f"{body.code} meetings", created)


def _write_chairs(rows: list[ChairRow], states: dict[str, State], report: LoadReport) -> None:
    """Years become dates: a term runs from 1 January of its first year to the
    day before its successor starts (the last one to 31 December of its end year)."""
    for index, row in enumerate(rows):
        successor = rows[index + 1] if index + 1 < len(rows) else None
        starts_on = date(row.start_year, 1, 1)
        ends_on = (date(successor.start_year, 1, 1) - timedelta(days=1)) if successor else date(row.end_year, 12, 31)
        state = states[row.state]
        chair = db.session.scalar(select(Chairmanship).where(Chairmanship.state_id == state.id,
                                                            Chairmanship.starts_on == starts_on))
        created = chair is None
        if created:
            chair = Chairmanship(state_id=state.id, starts_on=starts_on)
            db.session.add(chair)
        upsert(chair, {"ends_on": ends_on, "year_precision": True, "basis": row.basis, "basis_ru": row.basis_ru},
               report, "chairmanships", created)


def import_history(directory: Path, today: date | None = None) -> LoadReport:
    """Read all the files, then write them in one transaction (or nothing)."""
    today = today or forum_today()
    states = {s.name_en: s for s in db.session.scalars(select(State))}
    bodies = {b.code: b for b in db.session.scalars(select(Body))}
    if not bodies:
        raise HistoryImportError(MEETINGS_FILE, None, None, "no bodies known: load the reference data first")
    meetings = read_meetings(directory, states, bodies) + read_informal(directory)
    chairs = read_chairs(directory, states)
    decisions = read_chair_decisions(directory, states, bodies, {(m.body, m.year, m.month) for m in meetings},
                                     {(c.state, c.start_year) for c in chairs})
    with audit.recorded_load("history.import", "history", directory.name or "history") as report:
        for row in meetings:
            _write_meeting(row, bodies[row.body], states, today, report)
        _write_chairs(chairs, states, report)
        write_chair_decisions(decisions, states, bodies, report)
    return report
