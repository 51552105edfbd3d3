"""The decisions pages: who may use them, what delegates see, the forms and their refusals."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from secretariat_app.decisions.models import (
    Decision,
    DecisionStatus,
    Procedure,
    SilenceObjection,
)
from secretariat_app.decisions.services.decisions import (
    DecisionData,
    circulate,
    create_decision,
)
from secretariat_app.extensions import db
from tests.conftest import post_form
from tests.factories import delegate, officer
from tests.form_errors import error_fields
from tests.forum_day import SUITE_DAY
from tests.reference import body, delegation

pytestmark = pytest.mark.usefixtures("steady_forum_day")


def rows() -> tuple[int, int]:
    return (db.session.scalar(select(func.count(Decision.id))),
            db.session.scalar(select(func.count(SilenceObjection.id))))


def status_of(decision_id: int) -> DecisionStatus:
    db.session.expire_all()
    return db.session.get(Decision, decision_id).status


def make(reference: str, procedure: Procedure = Procedure.MEETING, adopted_on: date | None = date(2024, 6, 27),
         circulated_on: date | None = None) -> Decision:
    decision = create_decision(None, DecisionData(
        body_id=body(reference.split("/")[0]).id, procedure=procedure,
        title_en=f"Title {reference}", title_ru=f"Название {reference}",
        reference=reference, adopted_on=adopted_on if procedure == Procedure.MEETING else None))
    if circulated_on is not None:
        circulate(None, decision, today=circulated_on)
    return decision


def form(**overrides) -> dict[str, str]:
    values = {"body": str(body("SOC").id), "reference": "SOC/2024/DEC/3", "procedure": "meeting", "meeting": "",
              "adopted_on": "2024-06-27", "title_en": "CBM plan", "title_ru": "План МД", "text_en": "Text",
              "text_ru": "Текст", "justifies_body": "", "justifies_year": ""}
    values.update(overrides)
    return values


@pytest.fixture
def register(reference) -> dict[str, Decision]:
    return {
        "adopted": make("SOC/2024/DEC/1"),
        "draft": make("SOC/2024/DEC/2", Procedure.SILENCE),
        "silence": make("SOC/2024/DEC/5", Procedure.SILENCE, circulated_on=SUITE_DAY - timedelta(days=2)),
    }


# Who may use the pages ------------------------------------------------------------

def officer_urls(register) -> list[str]:
    draft, silence = register["draft"].id, register["silence"].id
    return ["/decisions/new", f"/decisions/{draft}/edit", f"/decisions/{draft}/circulate",
            f"/decisions/{silence}/objections/new"]


def test_anonymous_is_sent_to_log_in(client, register):
    for url in ["/decisions/", f"/decisions/{register['adopted'].id}", *officer_urls(register)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/auth/login" in response.headers["Location"]


def test_a_delegate_is_refused_the_officer_pages(client, login, register):
    login(delegate(delegation("RUS")))
    for url in officer_urls(register):
        assert client.get(url).status_code == 403, url
    before = rows()
    assert post_form(client, "/decisions/new", form(), page="/auth/password").status_code == 403
    objection = {"delegation": str(delegation("RUS").id), "lodged_on": SUITE_DAY.isoformat(), "text": "No."}
    url = f"/decisions/{register['silence'].id}/objections/new"
    assert post_form(client, url, objection, page="/auth/password").status_code == 403
    assert rows() == before and status_of(register["silence"].id) == DecisionStatus.UNDER_SILENCE


def test_a_delegate_reads_adopted_decisions_and_the_drafts_circulated_to_them(client, login, register):
    login(delegate(delegation("KAZ")))
    html = client.get("/decisions/").get_data(as_text=True)
    assert "SOC/2024/DEC/1" in html
    assert "SOC/2024/DEC/2" not in html and "SOC/2024/DEC/5" not in html
    assert 'name="status"' not in html and "New decision" not in html
    html = client.get("/decisions/?status=draft").get_data(as_text=True)
    assert "SOC/2024/DEC/2" not in html
    assert client.get(f"/decisions/{register['adopted'].id}").status_code == 200
    assert client.get(f"/decisions/{register['draft'].id}").status_code == 404
    # A draft under silence was circulated to every member delegation: Kazakhstan reads it
    # (tests/web/test_silence_delegates.py: who else does not).
    assert client.get(f"/decisions/{register['silence'].id}").status_code == 200


def test_an_officer_sees_everything_and_filters(client, login, register):
    make("MFA/2021/DEC/1", adopted_on=date(2021, 10, 12))
    login(officer())
    html = client.get("/decisions/").get_data(as_text=True)
    assert all(ref in html for ref in ("SOC/2024/DEC/1", "SOC/2024/DEC/2", "SOC/2024/DEC/5", "MFA/2021/DEC/1"))
    html = client.get("/decisions/?status=under_silence").get_data(as_text=True)
    assert "SOC/2024/DEC/5" in html and "SOC/2024/DEC/1" not in html
    html = client.get("/decisions/?year=2021").get_data(as_text=True)
    assert "MFA/2021/DEC/1" in html and "SOC/2024/DEC/1" not in html
    html = client.get(f"/decisions/?body={body('SOC').id}&year=nonsense").get_data(as_text=True)
    assert "SOC/2024/DEC/1" in html and "MFA/2021/DEC/1" not in html
    assert client.get(f"/decisions/{register['silence'].id}").status_code == 200


# Recording ------------------------------------------------------------------------

def test_the_new_form_proposes_the_next_free_reference(client, login, register):
    login(officer())
    html = client.get("/decisions/new?body=SOC").get_data(as_text=True)
    assert f'value="SOC/{SUITE_DAY.year}/DEC/' in html
    html = client.get("/decisions/new?body=SWG").get_data(as_text=True)
    assert f'value="SWG/{SUITE_DAY.year}/DEC/1"' in html


def test_an_officer_records_a_meeting_decision(client, login, reference):
    login(officer())
    response = post_form(client, "/decisions/new", form())
    assert response.status_code == 302
    decision = db.session.scalar(select(Decision).where(Decision.reference == "SOC/2024/DEC/3"))
    assert (decision.status, decision.adopted_on) == (DecisionStatus.ADOPTED, date(2024, 6, 27))
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_duplicate_reference_is_a_field_error(client, login, register):
    login(officer())
    response = post_form(client, "/decisions/new", form(reference="SOC/2024/DEC/1"))
    assert response.status_code == 200
    assert error_fields(response.get_data(as_text=True)) == ["reference"]
    assert rows()[0] == 3


def test_a_silence_decision_with_an_adoption_date_is_refused(client, login, reference):
    login(officer())
    response = post_form(client, "/decisions/new", form(procedure="silence"))
    assert error_fields(response.get_data(as_text=True)) == ["adopted_on"]
    assert rows()[0] == 0


def test_editing_a_decision(client, login, register):
    login(officer())
    decision_id = register["draft"].id
    html = client.get(f"/decisions/{decision_id}/edit").get_data(as_text=True)
    assert "SOC/2024/DEC/2" in html
    response = post_form(client, f"/decisions/{decision_id}/edit",
                         form(reference="SOC/2024/DEC/2", procedure="silence", adopted_on="", title_en="Renamed"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Decision, decision_id).title_en == "Renamed"


# The silence procedure ------------------------------------------------------------

def test_circulating_a_draft(client, login, register):
    login(officer())
    url = f"/decisions/{register['draft'].id}/circulate"
    default = (SUITE_DAY + timedelta(days=14)).isoformat()
    assert f'value="{default}"' in client.get(url).get_data(as_text=True)
    response = post_form(client, url, {"deadline": SUITE_DAY.isoformat()})
    assert error_fields(response.get_data(as_text=True)) == ["deadline"]
    assert status_of(register["draft"].id) == DecisionStatus.DRAFT
    assert post_form(client, url, {"deadline": default}).status_code == 302
    assert status_of(register["draft"].id) == DecisionStatus.UNDER_SILENCE
    decision = db.session.get(Decision, register["draft"].id)
    assert (decision.status, decision.silence_circulated_on) == (DecisionStatus.UNDER_SILENCE, SUITE_DAY)


def objection_form(code: str, lodged_on: date, text: str = "We cannot join the consensus.") -> dict[str, str]:
    return {"delegation": str(delegation(code).id), "lodged_on": lodged_on.isoformat(), "text": text}


def test_a_members_objection_stops_the_procedure(client, login, register):
    login(officer())
    decision_id = register["silence"].id
    response = post_form(client, f"/decisions/{decision_id}/objections/new", objection_form("RUS", SUITE_DAY))
    assert response.status_code == 302
    assert status_of(decision_id) == DecisionStatus.STOPPED
    html = client.get(f"/decisions/{decision_id}").get_data(as_text=True)
    assert "We cannot join the consensus." in html and 'data-status="stopped"' in html


def test_an_observers_objection_is_refused(client, login, register):
    login(officer())
    decision_id = register["silence"].id
    response = post_form(client, f"/decisions/{decision_id}/objections/new", objection_form("JPN", SUITE_DAY))
    assert error_fields(response.get_data(as_text=True)) == ["delegation"]
    assert rows()[1] == 0 and status_of(decision_id) == DecisionStatus.UNDER_SILENCE


def test_an_objection_after_the_deadline_is_refused(client, login, reference):
    late = make("SOC/2024/DEC/9", Procedure.SILENCE, circulated_on=SUITE_DAY - timedelta(days=20))
    login(officer())
    response = post_form(client, f"/decisions/{late.id}/objections/new",
                         objection_form("RUS", SUITE_DAY - timedelta(days=1)))
    assert error_fields(response.get_data(as_text=True)) == ["lodged_on"]
    assert rows()[1] == 0 and status_of(late.id) == DecisionStatus.UNDER_SILENCE


def test_no_objection_page_for_a_meeting_decision(client, login, register):
    login(officer())
    assert client.get(f"/decisions/{register['adopted'].id}/objections/new").status_code == 404
