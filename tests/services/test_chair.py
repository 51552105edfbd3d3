"""The chairmanship ledger service and the Executive Director's tie to the chair."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.models.staff import Position, StaffAppointment
from secretariat_app.accounts.models.states import State
from secretariat_app.accounts.services.staff import StaffData, save_appointment
from secretariat_app.audit.models import AuditEntry
from secretariat_app.decisions.models import Chairmanship
from secretariat_app.decisions.services.chair import (
    ChairmanshipData,
    chair_on,
    create_chairmanship,
    director_warnings,
    ledger,
    update_chairmanship,
)
from secretariat_app.domain.periods import Period
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from tests.factories import officer


def state_id(code: str) -> int:
    return db.session.scalar(select(State.id).where(State.code == code))


def counts() -> tuple[int, int, int]:
    return (db.session.scalar(select(func.count(Chairmanship.id))),
            db.session.scalar(select(func.count(StaffAppointment.id))),
            db.session.scalar(select(func.count(AuditEntry.id))))


def refused(call, *args) -> list[str]:
    before = counts()
    with pytest.raises(RuleViolations) as caught:
        call(*args)
    db.session.rollback()
    assert counts() == before
    return [v.field for v in caught.value.violations]


def chair(code: str, start: str, end: str | None, **kwargs) -> ChairmanshipData:
    return ChairmanshipData(state_id=state_id(code), starts_on=date.fromisoformat(start),
                            ends_on=date.fromisoformat(end) if end else None, **kwargs)


@pytest.fixture
def history(reference) -> list[Chairmanship]:
    """The ledger from 2002 to the hand-over to Azerbaijan (days chosen for the test)."""
    actor = officer()
    return [
        create_chairmanship(actor, chair("KAZ", "2002-01-01", "2010-06-07", year_precision=True,
                                         basis="Founding chair until the 3rd Summit")),
        create_chairmanship(actor, chair("TUR", "2010-06-08", "2014-05-20", year_precision=True)),
        create_chairmanship(actor, chair("CHN", "2014-05-21", "2018-09-27")),
        create_chairmanship(actor, chair("TJK", "2018-09-28", "2020-09-22")),
        create_chairmanship(actor, chair("KAZ", "2020-09-23", "2024-10-01")),
        create_chairmanship(actor, chair("AZE", "2024-10-02", None)),
    ]


# Writing ------------------------------------------------------------------------

def test_create_writes_the_row_and_an_audit_entry(reference):
    actor = officer()
    saved = create_chairmanship(actor, chair("KAZ", "2002-01-01", None, basis=" Founding chair "))
    assert saved.basis == "Founding chair"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "chairmanship")).one()
    assert (entry.action, entry.actor_id, entry.after["starts_on"]) == ("chairmanship.create", actor.id, "2002-01-01")


def test_end_before_start_is_refused(reference):
    assert refused(create_chairmanship, officer(), chair("KAZ", "2002-01-01", "2001-12-31")) == ["ends_on"]


def test_an_overlap_is_refused_on_the_start_date(history):
    assert refused(create_chairmanship, officer(), chair("RUS", "2024-01-01", "2024-12-31")) == ["starts_on", ]
    assert refused(create_chairmanship, officer(), chair("RUS", "2030-01-01", "2031-01-01")) == ["starts_on"]


def test_only_the_latest_may_be_open_ended(reference):
    create_chairmanship(officer(), chair("CHN", "2014-05-21", "2018-09-27"))
    assert sorted(refused(create_chairmanship, officer(), chair("KAZ", "2002-01-01", None))) == ["ends_on", "starts_on"]


def test_an_observer_cannot_chair(reference):
    assert refused(create_chairmanship, officer(), chair("JPN", "2002-01-01", None)) == ["state"]


def test_update_is_checked_against_the_others_and_audited(history):
    actor = officer()
    tajikistan = history[3]
    update_chairmanship(actor, tajikistan, chair("TJK", "2018-09-28", "2020-09-21"))
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "chairmanship.update")).one()
    assert (entry.before["ends_on"], entry.after["ends_on"]) == ("2020-09-22", "2020-09-21")
    assert refused(update_chairmanship, actor, tajikistan, chair("TJK", "2018-09-28", "2020-09-23")) == ["starts_on"]
    assert db.session.get(Chairmanship, tajikistan.id).ends_on == date(2020, 9, 21)


def test_chair_on_a_day(history):
    assert db.session.get(State, chair_on(date(2019, 1, 1)).state_id).code == "TJK"
    assert db.session.get(State, chair_on(date(2030, 1, 1)).state_id).code == "AZE"
    assert chair_on(date(2001, 12, 31)) is None


# The ledger's checks ------------------------------------------------------------

def test_a_complete_ledger_holds(history):
    result = ledger(date(2025, 6, 1))
    assert [row.state_id for row in result.rows] == [h.state_id for h in history]
    assert result.holds and result.gaps == [] and result.director_warnings == []


def test_gaps_since_2002_are_shown(reference):
    create_chairmanship(officer(), chair("CHN", "2014-05-21", "2018-09-27"))
    result = ledger(date(2025, 6, 1))
    assert not result.holds
    assert result.gaps == [Period(date(2002, 1, 1), date(2014, 5, 20)), Period(date(2018, 9, 28), None)]


def test_a_missing_successor_is_shown(reference):
    create_chairmanship(officer(), chair("KAZ", "2002-01-01", "2024-10-01"))
    assert ledger(date(2024, 1, 1)).successor_missing.state_key == state_id("KAZ")
    assert ledger(date(2023, 1, 1)).successor_missing is None


# The Executive Director -----------------------------------------------------------

def director(code: str = "KAZ", start: str = "2022-10-13", end: str | None = "2024-10-01") -> StaffData:
    return StaffData(person_name="Kairat Sarybay", position=Position.EXECUTIVE_DIRECTOR,
                     nationality_id=state_id(code), starts_on=date.fromisoformat(start),
                     ends_on=date.fromisoformat(end) if end else None)


def test_the_director_is_a_national_of_the_chair(history):
    assert refused(save_appointment, officer(), None, director("RUS")) == ["nationality"]
    save_appointment(officer(), None, director("KAZ"))
    assert counts()[1] == 1


def test_the_director_leaves_by_the_end_of_the_chairmanship(history):
    assert refused(save_appointment, officer(), None, director(end="2024-10-02")) == ["ends_on"]


def test_an_open_ended_director_under_a_chair_with_an_end_is_refused(history):
    assert refused(save_appointment, officer(), None, director(end=None)) == ["ends_on"]


def test_under_an_open_ended_chairmanship_the_directors_term_may_be_open(history):
    saved = save_appointment(officer(), None, director("AZE", start="2025-01-01", end=None))
    assert saved.ends_on is None


def test_without_a_recorded_chair_nothing_is_checked(reference):
    saved = save_appointment(officer(), None, director("RUS", end=None))
    assert saved.ends_on is None


def test_other_posts_are_not_tied_to_the_chair(history):
    deputy = replace(director("RUS", end=None), position=Position.DEPUTY_EXECUTIVE_DIRECTOR)
    assert save_appointment(officer(), None, deputy).ends_on == date(2025, 10, 12)


def test_a_director_still_in_office_after_the_chair_changed_is_warned_about(history):
    actor = officer()
    save_appointment(actor, None, director(end="2024-10-01"))
    assert director_warnings() == []
    # The ledger is corrected later: Azerbaijan took over earlier than recorded.
    update_chairmanship(actor, history[4], chair("KAZ", "2020-09-23", "2024-06-30"))
    update_chairmanship(actor, history[5], chair("AZE", "2024-07-01", None))
    [warning] = ledger(date(2025, 1, 1)).director_warnings
    assert (warning.changed_on, warning.director.person) == (date(2024, 7, 1), "Kairat Sarybay")
    assert (warning.previous.state_key, warning.current.state_key) == (state_id("KAZ"), state_id("AZE"))
