"""What a decision's page shows of its silence procedure: when silence ends (in the
forum's time and the reader's), whether the reader's delegation may still break it,
its own objection, and the timeline gathered from the records (the circulation rows,
the reminder notices sent, the objections, the adoption)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from secretariat_app.accounts.models.people import User
from secretariat_app.core.forum_time import forum_zone
from secretariat_app.decisions.models import Decision, DecisionStatus, SilenceObjection
from secretariat_app.decisions.services.deadline_text import deadline_text
from secretariat_app.domain import silence_timeline as story
from secretariat_app.domain.silence_clock import adoption_day, forum_day
from secretariat_app.extensions import db
from secretariat_app.notices.models import Notification, NotificationKind, NotificationStatus
from secretariat_app.permissions import Action, can


@dataclass
class SilenceView:
    ends: str  # "23:59 on 12 March 2027, Astana time (…in your time…)"
    adopted_if_silent: date
    is_open: bool  # the deadline day has not ended
    may_break: bool  # the reader's delegation may lodge an objection now
    own_objection: SilenceObjection | None
    events: list[story.Event] = field(default_factory=list)
    objections: list[SilenceObjection] = field(default_factory=list)  # those the reader may read in full


def _reminders(decision: Decision) -> tuple[tuple, ...]:
    rows = db.session.execute(select(Notification.due_at).where(
        Notification.kind == NotificationKind.SILENCE_REMINDER, Notification.subject_type == "decision",
        Notification.subject_id == decision.id, Notification.status == NotificationStatus.SENT)).scalars()
    zone = forum_zone()
    return story.reminders_from((at, forum_day(at, zone)) for at in rows)


def events(decision: Decision, language: str, today: date) -> list[story.Event]:
    assert decision.silence_circulated_on is not None and decision.silence_deadline is not None  # circulated
    rows = decision.circulations
    return story.timeline(story.SilenceFacts(
        circulated_on=decision.silence_circulated_on,
        circulated_at=min((r.circulated_at for r in rows), default=None),
        deadline=decision.silence_deadline, today=today,
        members=sum(1 for r in rows if r.as_member),
        others=tuple(sorted(r.delegation.name(language) for r in rows if not r.as_member)),
        reminders=_reminders(decision),
        objections=tuple(story.ObjectionFact(o.lodged_on, o.lodged_at, o.delegation.name(language))
                         for o in decision.objections),
        adopted_on=decision.adopted_on if decision.status == DecisionStatus.ADOPTED else None,
    ))


def silence_view(decision: Decision, reader: User, reader_zone: str | None, language: str,
                 today: date) -> SilenceView | None:
    """None for a decision not (yet) circulated under silence."""
    if decision.silence_deadline is None or decision.silence_circulated_on is None:
        return None
    is_open = today <= decision.silence_deadline and decision.status in (DecisionStatus.UNDER_SILENCE,
                                                                         DecisionStatus.STOPPED)
    own = next((o for o in decision.objections if o.delegation_id == getattr(reader, "delegation_id", None)),
               None) if getattr(reader, "delegation_id", None) else None
    return SilenceView(
        ends=deadline_text(decision.silence_deadline, reader_zone, language),
        adopted_if_silent=adoption_day(decision.silence_deadline),
        is_open=is_open,
        may_break=is_open and own is None and can(reader, Action.BREAK_SILENCE, decision),
        own_objection=own,
        events=events(decision, language, today),
        objections=[o for o in decision.objections if can(reader, Action.READ_SILENCE_OBJECTION, o)],
    )
