"""Running the cycle rules on the data in the database, and keeping their
findings so that officers hear of each new departure once: `check_and_record`
is the one cycle check (beat, the command line and the button); `run_check`
only reads (the pages and `flask cycles check` without --record)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from secretariat_app.accounts.models.states import Body
from secretariat_app.core.columns import utcnow
from secretariat_app.core.forum_time import forum_today
from secretariat_app.cycles.models import CycleFinding
from secretariat_app.cycles.services import officer_alerts
from secretariat_app.cycles.services.rules import rules_on
from secretariat_app.decisions.models import Chairmanship, ChairmanshipDecision, Decision, DecisionStatus
from secretariat_app.domain import cycles
from secretariat_app.extensions import db
from secretariat_app.meetings.models import DatePrecision, Meeting, MeetingStatus


def _local_start(meeting: Meeting) -> datetime:
    try:
        return meeting.starts_at.astimezone(ZoneInfo(meeting.timezone))
    except (KeyError, ValueError):
        return meeting.starts_at


def _held_meeting(meeting: Meeting) -> cycles.HeldMeeting:
    local = _local_start(meeting)
    return cycles.HeldMeeting(
        body=meeting.body.code,
        year=local.year,
        month=local.month,
        day=local.date() if meeting.date_precision == DatePrecision.DAY else None,
        number=meeting.number,
        host=meeting.host_state.name_en if meeting.host_state else None,
        status=meeting.status.value,
        justified_by=meeting.status_decision.reference if meeting.status_decision else None,
        meeting_id=meeting.id,
        prepares_id=meeting.prepares_meeting_id,
    )


def _chair_decision(link: ChairmanshipDecision, meetings: dict[int, Meeting]) -> cycles.ChairDecision:
    decision = link.decision
    meeting = meetings.get(decision.meeting_id) if decision.meeting_id else None
    local = _local_start(meeting) if meeting else None
    return cycles.ChairDecision(
        reference=decision.reference, kind=link.kind,
        body=meeting.body.code if meeting else decision.body.code,
        year=local.year if local else (decision.adopted_on.year if decision.adopted_on else 0),
        month=local.month if local else None,
        number=meeting.number if meeting else None,
        city=meeting.city if meeting else "", city_ru=meeting.city_ru if meeting else "",
    )


def _chair_term(chair: Chairmanship, decisions: list[ChairmanshipDecision], meetings: dict[int, Meeting]
                ) -> cycles.ChairTerm:
    return cycles.ChairTerm(
        state=chair.state.name_en,
        start_year=chair.starts_on.year,
        end_year=(chair.ends_on + timedelta(days=1)).year if chair.ends_on else None,
        justified_by=chair.basis_decision.reference if chair.basis_decision else None,
        decisions=tuple(_chair_decision(link, meetings) for link in decisions),
    )


def _chair_decisions() -> dict[int, list[ChairmanshipDecision]]:
    """Chairmanship id -> its adopted decisions taken at meetings (the history's chairmanship_decisions.csv)."""
    links = db.session.scalars(
        select(ChairmanshipDecision).join(ChairmanshipDecision.decision)
        .where(Decision.status == DecisionStatus.ADOPTED)
        .options(selectinload(ChairmanshipDecision.decision).selectinload(Decision.body))
    )
    by_chair: dict[int, list[ChairmanshipDecision]] = {}
    for link in links:
        by_chair.setdefault(link.chairmanship_id, []).append(link)
    return by_chair


def load_history() -> cycles.CycleHistory:
    """Everything the rules look at: meetings not cancelled, the ledger, and
    adopted decisions that approved a departure."""
    meetings = list(db.session.scalars(
        select(Meeting)
        .options(selectinload(Meeting.body), selectinload(Meeting.host_state), selectinload(Meeting.status_decision))
        .order_by(Meeting.starts_at)
    ))
    by_id = {m.id: m for m in meetings}
    chairs = db.session.scalars(
        select(Chairmanship)
        .options(selectinload(Chairmanship.state), selectinload(Chairmanship.basis_decision))
        .order_by(Chairmanship.starts_on)
    )
    justifications = db.session.execute(
        select(Body.code, Decision.justifies_year, Decision.reference)
        .join(Body, Decision.justifies_body_id == Body.id)
        .where(Decision.status == DecisionStatus.ADOPTED, Decision.justifies_year.is_not(None))
    )
    decisions = _chair_decisions()
    return cycles.CycleHistory(
        meetings=tuple(_held_meeting(m) for m in meetings if m.status != MeetingStatus.CANCELLED),
        chairs=tuple(_chair_term(c, decisions.get(c.id, []), by_id) for c in chairs),
        justifications=tuple(cycles.Justification(body, year, ref) for body, year, ref in justifications
                             if year is not None),  # none is: the statement asks for a year
    )


def run_check(as_of: date, rules: tuple[cycles.Rule, ...] | None = None,
              history: cycles.CycleHistory | None = None) -> cycles.CheckResult:
    """The check as of `as_of`, by the rules in force then, of the database's history (or by
    `rules`, of `history`: `flask cycles check --rules FILE --history DIR`)."""
    return cycles.check(load_history() if history is None else history, as_of,
                        rules_on(as_of) if rules is None else rules)


def finding_key(finding: cycles.Finding) -> str:
    """What makes a finding the same finding from one day to the next."""
    parts = (finding.rule, finding.body, finding.kind, finding.due_year, finding.held_year,
             finding.state, finding.from_year, finding.to_year)
    return "|".join("" if p is None else str(p) for p in parts)


@dataclass
class RecordedCheck:
    result: cycles.CheckResult
    new_warnings: list[CycleFinding]  # raised by this run: the officers are told of these
    queued: int = 0  # CYCLE_FINDING notices queued for them


def check_and_record(as_of: date | None = None, now: datetime | None = None) -> RecordedCheck:
    """The cycle check: the one path of beat (workers.tasks.cycles), the command
    line (`flask cycles check --record`) and the officers' "Run the check now".

    Runs the rules as of `as_of` (today) and, in one transaction: stores the
    findings (new ones added, known ones refreshed, ones no longer found
    resolved) and queues a CYCLE_FINDING notice per newly raised unjustified
    finding and officer (officer_alerts); then commits once. A failure anywhere,
    the commit included, rolls everything back: no finding is stored without its
    notices, and the next run raises it again. Idempotent: a finding is raised
    the first time it is seen (or seen again after it was resolved), so a second
    run queues nothing more. Nothing is mailed here: the dispatcher sends the
    notices after the commit. When a check running at the same moment (the
    button while beat runs) stored a new finding first, this one starts again
    once: the finding is known then, and not raised twice."""
    now = now or utcnow()
    as_of = as_of or forum_today()
    try:
        try:
            return _check_record_and_queue(as_of, now)
        except IntegrityError:  # the unique key of a finding the other check stored
            db.session.rollback()
            return _check_record_and_queue(as_of, now)
    except BaseException:
        db.session.rollback()
        raise


def _check_record_and_queue(as_of: date, now: datetime) -> RecordedCheck:
    result = run_check(as_of)
    new_warnings = _record_findings(result, now)
    queued = officer_alerts.queue_cycle_alerts(new_warnings)
    db.session.commit()
    return RecordedCheck(result, new_warnings, queued)


def _record_findings(result: cycles.CheckResult, now: datetime) -> list[CycleFinding]:
    """Store the findings in the current transaction (flushed, not committed);
    returns the unjustified ones raised now: new, or back after being resolved."""
    # Locked (PostgreSQL) so that two checks at once do not both raise a finding.
    stored = {f.key: f for f in db.session.scalars(
        select(CycleFinding).with_for_update().execution_options(populate_existing=True))}
    seen: set[str] = set()
    new_warnings: list[CycleFinding] = []
    for finding in result.findings:
        key = finding_key(finding)
        seen.add(key)
        row = stored.get(key)
        if row is None:
            row = CycleFinding(key=key, first_seen_at=now)
            db.session.add(row)
        elif row.resolved_at is not None:
            row.resolved_at, row.raised_at = None, None  # it came back: tell again
        row.rule, row.body = finding.rule, finding.body
        row.due_year, row.held_year = finding.due_year, finding.held_year
        row.severity, row.justified_by, row.message = finding.severity, finding.justified_by, finding.message
        row.state, row.from_year, row.to_year = finding.state, finding.from_year, finding.to_year
        row.code, row.params = finding.code, dict(finding.params)
        row.last_seen_at = now
        if finding.severity == cycles.WARNING and row.raised_at is None:
            row.raised_at = now
            new_warnings.append(row)
    for key, row in stored.items():
        if key not in seen and row.resolved_at is None:
            row.resolved_at = now
    db.session.flush()  # the new findings get their ids
    return new_warnings


def open_findings() -> list[CycleFinding]:
    return list(db.session.scalars(
        select(CycleFinding).where(CycleFinding.resolved_at.is_(None))
        .order_by(CycleFinding.severity.desc(), CycleFinding.due_year, CycleFinding.from_year, CycleFinding.id)
    ))
