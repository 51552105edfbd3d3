"""The timeline picture: Summits and MFAs as marks, chairmanships as bands,
departures highlighted and the next due meetings dashed. Built from the same
plain data the rules see, drawn by templates/cycles/timeline.svg."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from secretariat_app.cycles.services.texts import finding_text, reader_words
from secretariat_app.domain import cycles, cycles_text
from secretariat_app.domain.cycles_model import meeting_params

FIRST_YEAR = 1999
YEARS_AHEAD = 4
WIDTH, LEFT, RIGHT = 1080, 110, 20
ROWS = {cycles.SUMMIT: 48, cycles.MFA: 92, cycles.MFA_INFORMAL: 130}
CHAIR_TOP, CHAIR_HEIGHT = 156, 30
HEIGHT = 250
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#bab0ac")


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    label: str
    title: str
    style: str  # "held", "planned", "departure", "justified", "missing", "due", "informal"


@dataclass(frozen=True)
class Band:
    x: float
    width: float
    label: str
    title: str
    colour: str
    departure: bool = False


@dataclass
class Timeline:
    width: int
    height: int
    first_year: int
    last_year: int
    today_x: float
    ticks: list[tuple[float, int]] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    chair_top: int = CHAIR_TOP
    chair_height: int = CHAIR_HEIGHT


def _scale(first: int, last: int) -> Callable[[float], float]:
    per_year = (WIDTH - LEFT - RIGHT) / (last - first + 1)

    def x(year: float) -> float:
        return round(LEFT + (year - first) * per_year, 1)

    return x


def _meeting_style(meeting: cycles.HeldMeeting, departures: dict[tuple[str, int], cycles.Finding]) -> str:
    finding = departures.get((meeting.body, meeting.year))
    if finding is not None:
        return "justified" if finding.justified_by else "departure"
    if meeting.body == cycles.MFA_INFORMAL:
        return "informal"
    return "held" if meeting.status == "held" else "planned"


def build_timeline(history: cycles.CycleHistory, result: cycles.CheckResult,
                   words: cycles_text.Words | None = None) -> Timeline:
    """The picture; its titles (tooltips) in the language of `words` (English by default)."""
    words = words or cycles_text.Words()
    first, last = FIRST_YEAR, result.as_of.year + YEARS_AHEAD
    x = _scale(first, last)
    today_x = x(result.as_of.year + (result.as_of.timetuple().tm_yday - 0.5) / 366)
    timeline = Timeline(WIDTH, HEIGHT, first, last, today_x, rows=dict(ROWS))
    timeline.ticks = [(x(year), year) for year in range(first, last + 1)]
    departures = {(f.body, f.held_year): f for f in result.findings
                  if f.held_year is not None and f.kind in {"late", "early", "extra"}}
    for meeting in history.meetings:
        if meeting.body not in ROWS or not first <= meeting.year <= last:
            continue
        month = meeting.month or 6
        label = str(meeting.number) if meeting.number else ""
        title = words.meeting_when(meeting_params(meeting))
        if meeting.host:
            title = f"{title} · {words.state(meeting.host)}"
        timeline.marks.append(Mark(x(meeting.year + (month - 0.5) / 12), ROWS[meeting.body], label, title,
                                   _meeting_style(meeting, departures)))
    for finding in result.findings:
        if finding.kind == "missing" and finding.body in ROWS and finding.due_year:
            timeline.marks.append(Mark(x(finding.due_year + 0.5), ROWS[finding.body], "?", finding_text(finding, words),
                                       "justified" if finding.justified_by else "missing"))
    scheduled = {(m.body, m.year) for m in history.meetings if m.status != "held"}
    for due in result.next_due:
        if due.body in ROWS and due.due_year <= last and (due.body, due.due_year) not in scheduled:
            timeline.marks.append(Mark(x(due.due_year + 0.5), ROWS[due.body], "", words.due(due.body, due.due_year),
                                       "due"))
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(sorted({c.state for c in history.chairs}))}
    for chair in history.chairs:
        end = chair.end_year or last + 1
        left = x(max(chair.start_year, first))
        name = words.state(chair.state)
        timeline.bands.append(Band(left, x(min(end, last + 1)) - left,
                                   name, f"{name} {chair.start_year}–{chair.end_year or ''}",
                                   colours[chair.state]))
    for finding in result.findings:
        if finding.kind == "wrong_chair" and finding.from_year is not None:
            to_year = finding.to_year or finding.from_year + 1
            timeline.bands.append(Band(x(finding.from_year), x(to_year) - x(finding.from_year), "",
                                       finding_text(finding, words), "none", departure=True))
    return timeline


def timeline_as_of(history: cycles.CycleHistory, as_of: date, rules: Sequence[cycles.Rule]
                   ) -> tuple[Timeline, cycles.CheckResult]:
    result = cycles.check(history, as_of, rules)
    return build_timeline(history, result, reader_words()), result
