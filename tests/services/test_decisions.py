"""The decisions register and the silence procedure, against the database."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import gettext
from sqlalchemy import func, select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.decisions.models import (
    Decision,
    DecisionStatus,
    Procedure,
    SilenceObjection,
)
from secretariat_app.decisions.services.decisions import (
    DecisionData,
    DecisionFilter,
    ObjectionData,
    circulate,
    close_silence_procedures,
    create_decision,
    proposed_reference,
    record_objection,
    register_query,
    register_years,
    update_decision,
)
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from tests.factories import officer, reading_in
from tests.reference import body, delegation

TODAY = date(2024, 6, 27)  # the SOC approved an outcome document subject to two weeks' silence


def counts() -> tuple[int, int, int]:
    return (db.session.scalar(select(func.count(Decision.id))),
            db.session.scalar(select(func.count(SilenceObjection.id))),
            db.session.scalar(select(func.count(AuditEntry.id))))


def data(procedure: Procedure = Procedure.MEETING, **kwargs) -> DecisionData:
    values = dict(body_id=body("SOC").id, procedure=procedure, title_en="CBM plan for 2025",
                  title_ru="План реализации МД на 2025 год", reference="SOC/2024/DEC/3", text_en="The SOC adopts…",
                  adopted_on=date(2024, 6, 27) if procedure == Procedure.MEETING else None)
    values.update(kwargs)
    return DecisionData(**values)


def refused(call, *args, **kwargs) -> list[str]:
    """Fields named by the violations; asserts that nothing was written."""
    before = counts()
    with pytest.raises(RuleViolations) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    assert counts() == before
    return [v.field for v in caught.value.violations]


def soc_meeting(day: date = date(2024, 6, 27), code: str = "SOC") -> Meeting:
    start = datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)
    meeting = Meeting(body_id=body(code).id, title_en="SOC", title_ru="КСДЛ", starts_at=start,
                      ends_at=start + timedelta(hours=6), timezone="Asia/Almaty")
    db.session.add(meeting)
    db.session.commit()
    return meeting


@pytest.fixture
def draft(reference) -> Decision:
    return create_decision(officer(), data(Procedure.SILENCE, reference="SOC/2024/DEC/4"), today=TODAY)


@pytest.fixture
def under_silence(draft) -> Decision:
    return circulate(officer(), draft, today=TODAY)


# Recording decisions --------------------------------------------------------------

def test_a_meeting_decision_with_a_date_is_adopted_and_audited(reference):
    actor = officer()
    decision = create_decision(actor, data(meeting_id=soc_meeting().id), today=TODAY)
    assert (decision.status, decision.adopted_on) == (DecisionStatus.ADOPTED, date(2024, 6, 27))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "decision"))
    assert (entry.action, entry.actor_id, entry.after["reference"]) == ("decision.create", actor.id, "SOC/2024/DEC/3")


def test_a_meeting_decision_without_a_date_is_a_draft(reference):
    assert create_decision(officer(), data(adopted_on=None), today=TODAY).status == DecisionStatus.DRAFT


def test_the_next_free_reference_is_proposed_and_used_when_blank(reference):
    assert proposed_reference(body("SOC"), 2024) == "SOC/2024/DEC/1"
    create_decision(officer(), data(reference="SOC/2024/DEC/7"), today=TODAY)
    assert proposed_reference(body("SOC"), 2024) == "SOC/2024/DEC/8"
    assert proposed_reference(body("SWG"), 2024) == "SWG/2024/DEC/1"
    blank = create_decision(officer(), data(reference=" "), today=TODAY)
    assert blank.reference == "SOC/2024/DEC/8"


def test_a_duplicate_reference_is_refused(reference):
    create_decision(officer(), data(), today=TODAY)
    assert refused(create_decision, officer(), data(title_en="Another"), today=TODAY) == ["reference"]


def test_unknown_body_and_missing_titles_are_refused(reference):
    assert refused(create_decision, officer(), data(body_id=None), today=TODAY) == ["body"]
    assert refused(create_decision, officer(), data(title_en=" ", title_ru=""), today=TODAY) == ["title_en", "title_ru"]


def test_the_meeting_must_be_of_the_body_and_the_date_within_it(reference):
    swg = soc_meeting(code="SWG")
    assert refused(create_decision, officer(), data(meeting_id=swg.id), today=TODAY) == ["meeting"]
    soc = soc_meeting()
    assert refused(create_decision, officer(), data(meeting_id=soc.id, adopted_on=date(2024, 6, 20)),
                   today=TODAY) == ["adopted_on"]


def test_a_departure_is_recorded_with_body_and_year(reference):
    decision = create_decision(officer(), data(body_id=body("MFA").id, reference="MFA/2020/DEC/1",
                                               adopted_on=date(2020, 9, 23), justifies_body_id=body("MFA").id,
                                               justifies_year=2020), today=TODAY)
    assert (decision.justifies_body.code, decision.justifies_year) == ("MFA", 2020)
    assert refused(create_decision, officer(), data(reference="X/1", justifies_body_id=body("MFA").id),
                   today=TODAY) == ["justifies_year"]


def test_update_is_audited_and_checks_uniqueness_against_others(reference):
    actor = officer()
    first = create_decision(actor, data(), today=TODAY)
    create_decision(actor, data(reference="SOC/2024/DEC/5"), today=TODAY)
    update_decision(actor, first, data(title_en="Revised title"), today=TODAY)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "decision.update")).one()
    assert (entry.before["title_en"], entry.after["title_en"]) == ("CBM plan for 2025", "Revised title")
    assert refused(update_decision, actor, first, data(reference="SOC/2024/DEC/5"), today=TODAY) == ["reference"]
    assert db.session.get(Decision, first.id).reference == "SOC/2024/DEC/3"


# The silence procedure ------------------------------------------------------------

def test_a_silence_draft_is_circulated_with_a_two_week_deadline(draft):
    assert draft.status == DecisionStatus.DRAFT and draft.adopted_on is None
    circulate(officer(), draft, today=TODAY)
    assert (draft.status, draft.silence_circulated_on, draft.silence_deadline) == (
        DecisionStatus.UNDER_SILENCE, TODAY, date(2024, 7, 11))


def test_the_deadline_can_be_chosen_but_not_before_circulation(draft):
    assert refused(circulate, officer(), draft, date(2024, 6, 27), today=TODAY) == ["deadline"]
    circulate(officer(), draft, date(2024, 7, 5), today=TODAY)
    assert draft.silence_deadline == date(2024, 7, 5)


def test_a_draft_is_circulated_once_and_a_meeting_decision_never(under_silence, reference):
    assert refused(circulate, officer(), under_silence, today=TODAY) == ["procedure"]
    meeting_decision = create_decision(officer(), data(), today=TODAY)
    assert refused(circulate, officer(), meeting_decision, today=TODAY) == ["procedure"]


def test_once_circulated_the_procedure_cannot_change(under_silence):
    assert refused(update_decision, officer(), under_silence,
                   data(reference="SOC/2024/DEC/4"), today=TODAY) == ["procedure"]


def test_adopted_on_the_day_after_the_deadline_when_nobody_objects(under_silence):
    assert close_silence_procedures(date(2024, 7, 11)) == []  # the deadline day itself
    assert close_silence_procedures(date(2024, 7, 12)) == [under_silence.id]
    decision = db.session.get(Decision, under_silence.id)
    assert (decision.status, decision.adopted_on) == (DecisionStatus.ADOPTED, date(2024, 7, 12))
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "decision.silence_closed")).one()
    assert entry.actor_id is None and entry.after["status"] == "adopted"


def test_closing_twice_changes_nothing_more(under_silence):
    close_silence_procedures(date(2024, 8, 1))
    before = counts()
    assert close_silence_procedures(date(2024, 8, 2)) == []
    assert counts() == before
    assert db.session.get(Decision, under_silence.id).adopted_on == date(2024, 7, 12)


def test_a_members_objection_stops_the_procedure_and_is_recorded(under_silence):
    actor = officer()
    objection = record_objection(actor, under_silence, ObjectionData(delegation("RUS").id, date(2024, 7, 3),
                                                                     "Paragraph 4 is not acceptable."),
                                 today=date(2024, 7, 3))
    decision = db.session.get(Decision, under_silence.id)
    assert decision.status == DecisionStatus.STOPPED and decision.adopted_on is None
    assert (objection.text, objection.recorded_by_id, objection.lodged_on) == (
        "Paragraph 4 is not acceptable.", actor.id, date(2024, 7, 3))
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"decision.silence_broken", "silence_objection.create"} <= actions
    assert close_silence_procedures(date(2024, 8, 1)) == []  # stopped stays stopped
    assert db.session.get(Decision, under_silence.id).status == DecisionStatus.STOPPED


def test_an_objection_on_the_deadline_day_counts(under_silence):
    record_objection(officer(), under_silence, ObjectionData(delegation("CHN").id, date(2024, 7, 11), "No."),
                     today=date(2024, 7, 15))
    assert db.session.get(Decision, under_silence.id).status == DecisionStatus.STOPPED


def test_an_observers_objection_is_refused(under_silence):
    objection = ObjectionData(delegation("JPN").id, date(2024, 7, 3), "We object.")
    assert refused(record_objection, officer(), under_silence, objection, today=date(2024, 7, 3)) == ["delegation"]
    assert db.session.get(Decision, under_silence.id).status == DecisionStatus.UNDER_SILENCE


def test_membership_is_judged_on_the_day_of_the_objection(reference):
    decision = create_decision(officer(), data(Procedure.SILENCE), today=date(2018, 6, 20))
    circulate(officer(), decision, today=date(2018, 6, 20))
    early = ObjectionData(delegation("LKA").id, date(2018, 6, 30), "Sri Lanka objects.")
    assert refused(record_objection, officer(), decision, early, today=date(2018, 7, 2)) == ["delegation"]
    record_objection(officer(), decision, replace(early, lodged_on=date(2018, 7, 1)), today=date(2018, 7, 2))
    assert db.session.get(Decision, decision.id).status == DecisionStatus.STOPPED


def test_an_objection_after_the_deadline_is_refused(under_silence):
    late = ObjectionData(delegation("RUS").id, date(2024, 7, 12), "Too late.")
    assert refused(record_objection, officer(), under_silence, late, today=date(2024, 7, 12)) == ["lodged_on"]
    assert close_silence_procedures(date(2024, 7, 12)) == [under_silence.id]


def test_no_objection_to_a_draft_or_an_adopted_decision(draft, reference):
    objection = ObjectionData(delegation("RUS").id, TODAY, "No.")
    assert refused(record_objection, officer(), draft, objection, today=TODAY) == ["procedure"]


def test_one_objection_per_delegation(under_silence):
    objection = ObjectionData(delegation("RUS").id, date(2024, 7, 3), "No.")
    record_objection(officer(), under_silence, objection, today=date(2024, 7, 3))
    assert refused(record_objection, officer(), under_silence, objection, today=date(2024, 7, 4)) == ["delegation"]


def test_approved_at_a_meeting_subject_to_silence(reference):
    meeting = soc_meeting()
    decision = create_decision(officer(), data(Procedure.SILENCE, meeting_id=meeting.id), today=TODAY)
    circulate(officer(), decision, today=TODAY)
    close_silence_procedures(date(2024, 7, 12))
    decision = db.session.get(Decision, decision.id)
    assert (decision.meeting_id, decision.status, decision.adopted_on) == (
        meeting.id, DecisionStatus.ADOPTED, date(2024, 7, 12))


# The register ---------------------------------------------------------------------

def test_register_filters_by_body_year_status_and_hides_the_rest_from_delegates(under_silence):
    create_decision(officer(), data(), today=TODAY)
    create_decision(officer(), data(body_id=body("MFA").id, reference="MFA/2021/DEC/1",
                                    adopted_on=date(2021, 10, 12)), today=TODAY)

    def refs(filters: DecisionFilter, adopted_only: bool = False) -> set[str]:
        return {d.reference for d in db.session.scalars(register_query(filters, adopted_only))}

    assert refs(DecisionFilter()) == {"SOC/2024/DEC/3", "SOC/2024/DEC/4", "MFA/2021/DEC/1"}
    assert refs(DecisionFilter(body_id=body("MFA").id)) == {"MFA/2021/DEC/1"}
    assert refs(DecisionFilter(year=2024)) == {"SOC/2024/DEC/3", "SOC/2024/DEC/4"}
    assert refs(DecisionFilter(status=DecisionStatus.UNDER_SILENCE)) == {"SOC/2024/DEC/4"}
    assert refs(DecisionFilter(), adopted_only=True) == {"SOC/2024/DEC/3", "MFA/2021/DEC/1"}
    assert register_years()[-1] == 2021 and 2024 in register_years()


@pytest.mark.parametrize("language, name", [("ru", "Япония"), ("en", "Japan")])
def test_an_observers_objection_is_refused_naming_the_state_in_the_readers_language(under_silence, language, name):
    objection = ObjectionData(delegation("JPN").id, date(2024, 7, 3), "We object.")
    with reading_in(language):
        with pytest.raises(RuleViolations) as caught:
            record_objection(officer(), under_silence, objection, today=date(2024, 7, 3))
        message = " ".join(v.render(gettext) for v in caught.value.violations)
    assert name in message and ("Japan" in message) == (language == "en")


def test_outside_a_request_the_objection_refusal_names_the_state_in_english(under_silence):
    objection = ObjectionData(delegation("JPN").id, date(2024, 7, 3), "We object.")
    with pytest.raises(RuleViolations) as caught:
        record_objection(officer(), under_silence, objection, today=date(2024, 7, 3))
    assert "Japan is not a member" in caught.value.violations[0].render()
