"""The agenda keeps positions 1..n, unique per meeting, through every change."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from secretariat_app.accounts.models.states import Body
from secretariat_app.audit.models import AuditEntry
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.meetings.models import AgendaItem, Meeting
from secretariat_app.meetings.services import agenda
from secretariat_app.meetings.services import meetings as service
from secretariat_app.meetings.services.agenda import AgendaItemData
from secretariat_app.meetings.services.meetings import MeetingData


@pytest.fixture
def meeting(reference) -> Meeting:
    soc = db.session.scalar(select(Body).where(Body.code == "SOC"))
    return service.create_meeting(None, MeetingData(
        body_id=soc.id, title_en="SOC", title_ru="КСДЛ", starts_at=datetime(2027, 6, 1, 10),
        ends_at=datetime(2027, 6, 2, 18), timezone="Asia/Almaty",
    ))


def order(meeting: Meeting) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(AgendaItem.position, AgendaItem.title_en).where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position)
    )
    return [(position, title) for position, title in rows]


def items(meeting: Meeting, *titles: str) -> list[AgendaItem]:
    return [agenda.add_item(None, meeting, AgendaItemData(t, t + " (ru)")) for t in titles]


def test_items_are_added_at_the_end(meeting):
    items(meeting, "Opening", "Budget", "Closing")
    assert order(meeting) == [(1, "Opening"), (2, "Budget"), (3, "Closing")]


def test_titles_in_both_languages_are_required(meeting):
    with pytest.raises(RuleViolations) as excinfo:
        agenda.add_item(None, meeting, AgendaItemData("Opening", " "))
    assert [v.field for v in excinfo.value.violations] == ["title_ru"]
    assert order(meeting) == []


def test_moving_up_and_down_swaps_neighbours(meeting):
    opening, budget, closing = items(meeting, "Opening", "Budget", "Closing")
    agenda.move_item(None, closing, -1)
    assert order(meeting) == [(1, "Opening"), (2, "Closing"), (3, "Budget")]
    agenda.move_item(None, opening, +1)
    assert order(meeting) == [(1, "Closing"), (2, "Opening"), (3, "Budget")]
    with pytest.raises(RuleViolations):
        agenda.move_item(None, closing, -1)  # already first
    with pytest.raises(RuleViolations):
        agenda.move_item(None, budget, +1)  # already last
    assert order(meeting) == [(1, "Closing"), (2, "Opening"), (3, "Budget")]


def test_removing_closes_the_gap(meeting):
    first, second, third, fourth = items(meeting, "One", "Two", "Three", "Four")
    agenda.remove_item(None, second)
    assert order(meeting) == [(1, "One"), (2, "Three"), (3, "Four")]
    agenda.remove_item(None, first)
    assert order(meeting) == [(1, "Three"), (2, "Four")]
    items(meeting, "Five")
    assert order(meeting) == [(1, "Three"), (2, "Four"), (3, "Five")]


def test_editing_keeps_the_position_and_everything_is_audited(meeting):
    (item,) = items(meeting, "Opening")
    agenda.update_item(None, item, AgendaItemData("Opening of the session", "Открытие сессии"))
    assert order(meeting) == [(1, "Opening of the session")]
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "agenda_item").order_by(AuditEntry.id)).all()
    assert actions == ["agenda_item.create", "agenda_item.update"]


def test_two_meetings_have_their_own_numbering(meeting, reference):
    other = service.create_meeting(None, MeetingData(
        body_id=meeting.body_id, title_en="SOC 2", title_ru="КСДЛ 2", starts_at=datetime(2027, 9, 1, 10),
        ends_at=datetime(2027, 9, 1, 18), timezone="Asia/Almaty"))
    items(meeting, "A", "B")
    items(other, "X")
    assert order(other) == [(1, "X")]
