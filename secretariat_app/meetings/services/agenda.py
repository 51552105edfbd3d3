"""A meeting's agenda: items numbered 1..n, added, edited, removed and moved.

Positions stay contiguous and unique per meeting. Each change locks the
meeting's row first (PostgreSQL), so two officers editing one agenda at the
same time are served one after the other."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from secretariat_app.accounts.models.people import User
from secretariat_app.audit import services as audit
from secretariat_app.domain import meeting_rules as rules
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db
from secretariat_app.meetings.models import AgendaItem, Meeting

AGENDA_FIELDS = ("meeting_id", "position", "title_en", "title_ru")


@dataclass
class AgendaItemData:
    title_en: str
    title_ru: str


def _lock(meeting_id: int) -> None:
    db.session.execute(select(Meeting.id).where(Meeting.id == meeting_id).with_for_update())


def _items(meeting_id: int) -> list[AgendaItem]:
    return list(db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.position)
    ))


def _checked(data: AgendaItemData) -> tuple[str, str]:
    title_en, title_ru = (data.title_en or "").strip(), (data.title_ru or "").strip()
    violations = rules.check_titles(title_en, title_ru, rules.AGENDA_TITLE_MAX)
    if violations:
        db.session.rollback()
        raise RuleViolations(violations)
    return title_en, title_ru


def add_item(actor: User | None, meeting: Meeting, data: AgendaItemData) -> AgendaItem:
    """Add an item at the end of the agenda and commit."""
    title_en, title_ru = _checked(data)
    _lock(meeting.id)
    last = db.session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id))
    item = AgendaItem(meeting_id=meeting.id, position=(last or 0) + 1, title_en=title_en, title_ru=title_ru)
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "agenda_item.create", "agenda_item", item.id, None, audit.snapshot(item, AGENDA_FIELDS))
    db.session.commit()
    db.session.expire(meeting, ["agenda_items"])
    return item


def update_item(actor: User | None, item: AgendaItem, data: AgendaItemData) -> AgendaItem:
    """Change an item's titles and commit."""
    title_en, title_ru = _checked(data)
    with audit.tracking_changes(actor, "agenda_item.update", "agenda_item", item, AGENDA_FIELDS):
        item.title_en, item.title_ru = title_en, title_ru
    db.session.commit()
    return item


def _renumber(items: list[AgendaItem]) -> None:
    """Give `items` the positions 1..n in their order, one row at a time, so
    that no two rows ever hold the same position (the unique constraint is
    checked row by row)."""
    for index, item in enumerate(items, start=1):
        if item.position != index:
            item.position = index
            db.session.flush()


def remove_item(actor: User | None, item: AgendaItem) -> None:
    """Remove an item; the ones after it move up."""
    meeting_id = item.meeting_id
    _lock(meeting_id)
    audit.record(actor, "agenda_item.delete", "agenda_item", item.id, audit.snapshot(item, AGENDA_FIELDS), None)
    db.session.delete(item)
    db.session.flush()
    _renumber(_items(meeting_id))  # later items only ever move to a position just freed
    db.session.commit()


def move_item(actor: User | None, item: AgendaItem, step: int) -> AgendaItem:
    """Move an item one place up (step -1) or down (step +1) by swapping it
    with its neighbour. Refused at either end of the agenda."""
    if step not in (-1, 1):
        raise ValueError("step is -1 or +1")
    _lock(item.meeting_id)
    db.session.refresh(item)
    items = _items(item.meeting_id)
    index = next(i for i, other in enumerate(items) if other.id == item.id)
    target = index + step
    if not 0 <= target < len(items):
        db.session.rollback()
        message = N_("This item is already first.") if step < 0 else N_("This item is already last.")
        raise RuleViolations([Violation("position", message)])
    neighbour = items[target]
    before = item.position
    mine, theirs = item.position, neighbour.position
    item.position = 0  # a position no item holds, while the neighbour takes this one
    db.session.flush()
    neighbour.position = mine
    db.session.flush()
    item.position = theirs
    db.session.flush()
    audit.record(actor, "agenda_item.move", "agenda_item", item.id, {"position": before}, {"position": item.position})
    db.session.commit()
    return item
