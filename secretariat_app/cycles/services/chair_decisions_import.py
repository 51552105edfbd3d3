"""The history's decisions on the chairmanship (`chairmanship_decisions.csv`,
optional): at which meeting each chairmanship was assumed, extended, renewed,
handed over or elected. Each row becomes an adopted decision of that meeting,
linked to the chairmanship (ChairmanshipDecision), so that the cycle check shows
a departure from the chair rule "justified by the 4th MFA (Astana, September 2012)".

Columns: state, start_year (the chairmanship, as in chairmanships_history.csv),
kind, body, year, month (the meeting, as in meetings_history.csv or
informal_ministerial_history.csv), note (and note_ru, optional)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from secretariat_app.accounts.models.states import Body, State
from secretariat_app.core.loading import LoadReport, upsert
from secretariat_app.decisions.models import (
    Chairmanship,
    ChairmanshipDecision,
    Decision,
    DecisionStatus,
    Procedure,
)
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting

DECISIONS_FILE = "chairmanship_decisions.csv"
DECISION_COLUMNS = ("state", "start_year", "kind", "body", "year", "month", "note")
# kind -> its words in the decision's title, English and Russian
KINDS = {"assumed": ("assumed", "принято"), "extended": ("extended", "продлено"),
         "renewed": ("renewed", "возобновлено"), "handed_over": ("handed over", "передано"),
         "elected": ("chosen", "избрано")}


@dataclass(frozen=True)
class ChairDecisionRow:
    line: int
    state: str
    start_year: int
    kind: str
    body: str
    year: int
    month: int
    note: str
    note_ru: str = ""

    def reference(self, state: State) -> str:
        """'MFA/2012/CHAIR/TUR': the meeting's body and year, the chair's state."""
        return f"{self.body}/{self.year}/CHAIR/{state.code}"


def month_span(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=UTC)
    return start, datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)


def find_meeting(body: Body, year: int, month: int) -> Meeting | None:
    """The meeting of `body` that began in that month (the history knows months, not days)."""
    start, end = month_span(year, month)
    return db.session.scalar(select(Meeting).where(Meeting.body_id == body.id, Meeting.starts_at >= start,
                                                   Meeting.starts_at < end).order_by(Meeting.starts_at).limit(1))


def read_chair_decisions(directory: Path, states: dict[str, State], bodies: dict[str, Body],
                         meetings: set[tuple[str, int, int]], chairs: set[tuple[str, int]]) -> list[ChairDecisionRow]:
    """The rows of the file (none when it is absent), each checked: the state,
    a chairmanship of the chairs file, the kind, and a meeting (body, year, month)
    of the meetings files or of the database. `meetings` and `chairs` are what the
    other files hold."""
    from secretariat_app.cycles.services.history_import import HistoryImportError, _integer, _optional, _rows

    if not (directory / DECISIONS_FILE).is_file():
        return []
    rows: list[ChairDecisionRow] = []
    seen: dict[tuple[str, str, int], int] = {}
    for line, row in _rows(directory, DECISIONS_FILE):
        name = (row["state"] or "").strip()
        if name not in states:
            raise HistoryImportError(DECISIONS_FILE, line, "state", f"unknown state '{name}'")
        start = _integer(DECISIONS_FILE, line, row, "start_year", 1990, 2100)
        if (name, start) not in chairs:
            raise HistoryImportError(DECISIONS_FILE, line, "start_year",
                                     f"no chairmanship of {name} from {start} in chairmanships_history.csv")
        kind = (row["kind"] or "").strip()
        if kind not in KINDS:
            raise HistoryImportError(DECISIONS_FILE, line, "kind", f"'{kind}' is not one of {', '.join(KINDS)}")
        body = (row["body"] or "").strip().upper()
        if body not in bodies:
            raise HistoryImportError(DECISIONS_FILE, line, "body", f"unknown body '{row['body']}'")
        year = _integer(DECISIONS_FILE, line, row, "year", 1990, 2100)
        month = _integer(DECISIONS_FILE, line, row, "month", 1, 12)
        if (body, year, month) not in meetings and find_meeting(bodies[body], year, month) is None:
            raise HistoryImportError(DECISIONS_FILE, line, "month",
                                     f"no {body} meeting in {year}-{month:02d} in the history")
        key = (name, body, year)
        if key in seen:
            raise HistoryImportError(DECISIONS_FILE, line, "year",
                                     f"a second decision on {name}'s chairmanship at the {body} of {year} "
                                     f"(row {seen[key]})")
        seen[key] = line
        rows.append(ChairDecisionRow(line, name, start, kind, body, year, month, (row["note"] or "").strip(),
                                     _optional(row, "note_ru")))
    return rows


def write_chair_decisions(rows: list[ChairDecisionRow], states: dict[str, State], bodies: dict[str, Body],
                          report: LoadReport) -> None:
    """Each row as an adopted decision of its meeting, linked to its chairmanship
    (the meetings and chairmanships are written, and flushed, first)."""
    db.session.flush()
    for row in rows:
        state, body = states[row.state], bodies[row.body]
        meeting = find_meeting(body, row.year, row.month)
        chair = db.session.scalar(select(Chairmanship).where(Chairmanship.state_id == state.id,
                                                            Chairmanship.starts_on == date(row.start_year, 1, 1)))
        assert meeting is not None and chair is not None  # checked when read, written before
        reference = row.reference(state)
        decision = db.session.scalar(select(Decision).where(Decision.reference == reference))
        created = decision is None
        if decision is None:
            decision = Decision(reference=reference, procedure=Procedure.MEETING, status=DecisionStatus.ADOPTED)
            db.session.add(decision)
        kind_en, kind_ru = KINDS[row.kind]
        upsert(decision, {
            "body_id": body.id, "meeting_id": meeting.id, "adopted_on": date(row.year, row.month, 1),
            "title_en": f"Chairmanship of {state.name_en}: {kind_en}",
            "title_ru": f"Председательство: {state.name_ru} — {kind_ru}",
            "text_en": row.note, "text_ru": row.note_ru,
        }, report, "chairmanship decisions", created)
        db.session.flush()
        link = db.session.scalar(select(ChairmanshipDecision).where(ChairmanshipDecision.decision_id == decision.id))
        if link is None:
            link = ChairmanshipDecision(decision_id=decision.id, chairmanship_id=chair.id, kind=row.kind)
            db.session.add(link)
        else:
            link.chairmanship_id, link.kind = chair.id, row.kind
