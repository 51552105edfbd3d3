"""The silence procedure as the delegations live it: a member delegation reads the
draft in both languages with the end of silence in Astana's time and its own, and
breaks silence with a written objection (text and/or a file) until 24:00 in Astana on
the deadline day, not a minute later; an observer sees the draft only if the
Secretariat circulated it to them, and never breaks silence; nobody else sees it."""
from __future__ import annotations

import io
from datetime import date

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from secretariat_app.accounts.models.states import Body
from secretariat_app.decisions.models import Decision, DecisionStatus, Procedure, SilenceObjection
from secretariat_app.decisions.services.decisions import (
    DecisionData,
    circulate,
    close_silence_procedures,
    create_decision,
)
from secretariat_app.extensions import db
from tests.conftest import post_form
from tests.documents_setup import PDF
from tests.factories import UserFactory, delegate, officer
from tests.silence_setup import (
    A_MINUTE_LATE,
    CIRCULATED_AT,
    DEADLINE,
    LAST_MINUTE,
    circulated,
    client_of,
    delegation,
)
from tests.upload_samples import HTML
from tests.visible_text import visible_text

ENDS_IN_BOGOTA = ("23:59 on 12 March 2027, Astana time (13:59 on 12 March 2027 in your time, America/Bogota)")
ENDS_IN_UTC_RU = "23:59 12 марта 2027, по времени Астаны (18:59 12 марта 2027 по вашему времени, UTC)"


@pytest.fixture
def members(app_ctx, reference):
    return {"KAZ": delegate(delegation("KAZ"), timezone="America/Bogota"),
            "RUS": delegate(delegation("RUS"), language="ru", timezone="UTC"),
            "JPN": delegate(delegation("JPN"))}  # an observer's delegate


def break_url(decision: Decision) -> str:
    return f"/decisions/{decision.id}/break-silence"


def english(html: str) -> str:
    return visible_text(html, "en")


def objections() -> list[SilenceObjection]:
    db.session.expire_all()
    return list(db.session.scalars(select(SilenceObjection)))


def status_of(decision: Decision) -> DecisionStatus:
    db.session.expire_all()
    return db.session.get(Decision, decision.id).status


# Reading the draft ------------------------------------------------------------------------------

def test_a_member_delegate_in_utc_minus_5_reads_the_draft_with_both_times(app_ctx, members):
    decision = circulated()
    with freeze_time(CIRCULATED_AT):
        page = client_of(app_ctx, members["KAZ"]).get(f"/decisions/{decision.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    text = english(html)
    assert f"Silence ends at {ENDS_IN_BOGOTA}." in text
    assert "adopted on 13 March 2027 unless a member objects by then" in text
    for words in ("The Committee decides to meet in Astana.", "Комитет постановляет собраться в Астане.",
                  "Venue of the next SOC", "Место проведения следующего КСДЛ"):
        assert words in html
    assert f'href="/decisions/{decision.id}/break-silence"' in html
    assert "Circulated to" in text and "member delegations" in text  # the timeline


def test_the_page_in_russian_for_a_reader_in_utc(app_ctx, members):
    decision = circulated()
    with freeze_time(CIRCULATED_AT):
        page = client_of(app_ctx, members["RUS"]).get(f"/decisions/{decision.id}")
    text = visible_text(page.get_data(as_text=True))
    assert page.status_code == 200
    assert f"Процедура молчания заканчивается в {ENDS_IN_UTC_RU}." in text
    assert "Нарушить молчание" in text and "Хронология процедуры молчания" in text


def test_an_observer_not_circulated_gets_404_and_one_circulated_reads_without_breaking(app_ctx, members):
    hidden = circulated()
    shown = another_draft(observers=["JPN"])
    with freeze_time(CIRCULATED_AT):
        japan = client_of(app_ctx, members["JPN"])
        assert japan.get(f"/decisions/{hidden.id}").status_code == 404
        assert japan.get(break_url(hidden)).status_code == 404
        page = japan.get(f"/decisions/{shown.id}")
        assert page.status_code == 200 and "break-silence" not in page.get_data(as_text=True)
        assert "Budget" in page.get_data(as_text=True)
        assert japan.get(break_url(shown)).status_code == 403
        refused = post_form(japan, break_url(shown), {"text": "No."}, page=f"/decisions/{shown.id}")
    assert refused.status_code == 403 and objections() == []


def another_draft(reference: str = "SOC/2027/DEC/2", observers: list[str] | None = None) -> Decision:
    """A second draft, circulated to the members (and the observers named) unless `observers` is None."""
    soc = db.session.scalar(select(Body).where(Body.code == "SOC"))
    with freeze_time(CIRCULATED_AT):
        decision = create_decision(None, DecisionData(body_id=soc.id, procedure=Procedure.SILENCE,
                                                      reference=reference, title_en="Budget", title_ru="Бюджет"))
        if observers is not None:
            circulate(None, decision, deadline=DEADLINE, observer_ids=[delegation(c).id for c in observers])
    return decision


def test_others_are_refused(app_ctx, members, client):
    decision = circulated()
    url = f"/decisions/{decision.id}"
    with freeze_time(CIRCULATED_AT):
        assert client.get(url).status_code == 302  # to the login page
        nobody = client_of(app_ctx, UserFactory())  # an account of no delegation and no role
        assert nobody.get(url).status_code == 404
        assert nobody.get(f"{url}/break-silence").status_code == 403
        secretariat = client_of(app_ctx, officer())
        assert secretariat.get(url).status_code == 200
        assert secretariat.get(f"{url}/break-silence").status_code == 403  # officers record objections elsewhere
    not_circulated = another_draft("SOC/2027/DEC/3")
    with freeze_time(CIRCULATED_AT):
        assert client_of(app_ctx, members["KAZ"]).get(f"/decisions/{not_circulated.id}").status_code == 404


def test_a_member_delegate_sees_it_among_what_needs_them(app_ctx, members):
    decision = circulated()
    with freeze_time(CIRCULATED_AT):
        home = client_of(app_ctx, members["KAZ"]).get("/delegation/").get_data(as_text=True)
        elsewhere = client_of(app_ctx, members["JPN"]).get("/delegation/").get_data(as_text=True)
    assert f'href="/decisions/{decision.id}"' in home and "silence ends 12 March 2027" in home
    assert f'href="/decisions/{decision.id}"' not in elsewhere


# Breaking silence ------------------------------------------------------------------------------

def test_an_objection_at_23_59_astana_time_breaks_silence(app_ctx, members):
    decision = circulated()
    with freeze_time(LAST_MINUTE):
        kaz = client_of(app_ctx, members["KAZ"])
        form = kaz.get(break_url(decision)).get_data(as_text=True)
        assert ENDS_IN_BOGOTA in english(form)
        response = post_form(kaz, break_url(decision), {"text": "Kazakhstan cannot join the consensus."})
    assert response.status_code == 302
    [objection] = objections()
    assert (objection.delegation_id, objection.lodged_on) == (delegation("KAZ").id, date(2027, 3, 12))
    assert objection.lodged_at == LAST_MINUTE and objection.recorded_by_id == members["KAZ"].id
    assert status_of(decision) == DecisionStatus.STOPPED
    with freeze_time(LAST_MINUTE):
        page = english(client_of(app_ctx, officer()).get(f"/decisions/{decision.id}").get_data(as_text=True))
        russia = client_of(app_ctx, members["RUS"]).get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert "Kazakhstan cannot join the consensus." in page
    assert "Silence broken by Kazakhstan: the decision is not adopted" in page
    # Another member may still lodge its own objection, and is not told the draft will be adopted.
    assert "Молчание нарушено: решение не принято." in visible_text(russia) and "break-silence" in russia
    assert "присоединяется к консенсусу" not in russia


def test_an_objection_at_00_01_astana_time_is_refused_and_says_when_silence_ended(app_ctx, members):
    decision = circulated()
    with freeze_time(A_MINUTE_LATE):
        kaz = client_of(app_ctx, members["KAZ"])
        page = english(kaz.get(break_url(decision)).get_data(as_text=True))
        assert f"Silence could be broken until {ENDS_IN_BOGOTA}. That time has passed" in page
        response = post_form(kaz, break_url(decision), {"text": "Too late?"}, page=f"/decisions/{decision.id}")
    assert response.status_code == 200
    assert f"Silence could be broken until {ENDS_IN_BOGOTA}." in english(response.get_data(as_text=True))
    assert objections() == [] and status_of(decision) == DecisionStatus.UNDER_SILENCE
    # Once the worker has closed it (adopted the day after the deadline), the answer is the same, not a 403.
    close_silence_procedures(today=date(2027, 3, 13))
    assert status_of(decision) == DecisionStatus.ADOPTED
    with freeze_time(A_MINUTE_LATE):
        kaz = client_of(app_ctx, members["KAZ"])
        response = post_form(kaz, break_url(decision), {"text": "Too late?"}, page=f"/decisions/{decision.id}")
        assert response.status_code == 200 and "That time has passed" in response.get_data(as_text=True)
        adopted = english(kaz.get(f"/decisions/{decision.id}").get_data(as_text=True))
    assert objections() == []
    assert "Adopted: no member broke silence" in adopted and "13 March 2027" in adopted


def test_the_objection_may_be_a_file_that_passes_the_upload_checks(app_ctx, members):
    decision = circulated()
    with freeze_time(LAST_MINUTE):
        kaz = client_of(app_ctx, members["KAZ"])
        refused = post_form(kaz, break_url(decision), {"text": "", "file": (io.BytesIO(HTML), "note.pdf")},
                            content_type="multipart/form-data")
        assert refused.status_code == 200 and "web page (HTML)" in refused.get_data(as_text=True)
        assert objections() == []
        empty = post_form(kaz, break_url(decision), {"text": "  "})
        assert "Write the objection, or attach it as a file." in empty.get_data(as_text=True)
        response = post_form(kaz, break_url(decision), {"text": "", "file": (io.BytesIO(PDF), "Note verbale.pdf")},
                             content_type="multipart/form-data")
        assert response.status_code == 302
        [objection] = objections()
        url = f"/decisions/objections/{objection.id}/file"
        got = kaz.get(url)
        assert got.status_code == 200 and got.data == PDF and got.headers["Content-Type"] == "application/pdf"
        assert client_of(app_ctx, members["RUS"]).get(url).status_code == 200  # a member it was circulated to
        assert client_of(app_ctx, members["JPN"]).get(url).status_code == 404  # an observer
        assert client_of(app_ctx, officer()).get(url).status_code == 200
    assert objection.filename == "Note verbale.pdf" and status_of(decision) == DecisionStatus.STOPPED


def test_one_objection_per_delegation_and_the_form_needs_its_token(app_ctx, members):
    decision = circulated()
    with freeze_time(LAST_MINUTE):
        kaz = client_of(app_ctx, members["KAZ"])
        assert kaz.post(break_url(decision), data={"text": "No token."}).status_code == 400
        assert post_form(kaz, break_url(decision), {"text": "First."}).status_code == 302
        page = english(kaz.get(break_url(decision)).get_data(as_text=True))
        assert "Your delegation broke silence on 12 March 2027." in page
        again = post_form(kaz, break_url(decision), {"text": "Second."}, page=f"/decisions/{decision.id}")
    assert again.status_code == 200 and "already recorded" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SilenceObjection.id))) == 1


def test_the_file_of_an_objection_is_kept_by_the_sweeper(app_ctx, members):
    from secretariat_app.core.storage import file_store
    from secretariat_app.documents.services.versions import sweep_files

    decision = circulated()
    with freeze_time(LAST_MINUTE):
        kaz = client_of(app_ctx, members["KAZ"])
        post_form(kaz, break_url(decision), {"text": "See the note.", "file": (io.BytesIO(PDF), "note.pdf")},
                  content_type="multipart/form-data")
    [objection] = objections()
    # Other tests of this worker may have left files nothing refers to any more: only this one matters.
    assert objection.file_sha256 not in sweep_files(grace_seconds=0)
    assert file_store().exists(objection.file_sha256)


# The officer circulates ------------------------------------------------------------------------

def test_the_officer_circulates_to_the_members_and_the_observers_chosen(app_ctx, members):
    decision = another_draft("SOC/2027/DEC/4")
    url = f"/decisions/{decision.id}/circulate"
    with freeze_time(CIRCULATED_AT):
        secretariat = client_of(app_ctx, officer())
        page = secretariat.get(url).get_data(as_text=True)
        assert f'value="{delegation("JPN").id}"' in page and f'value="{delegation("RUS").id}"' not in page
        garbage = post_form(secretariat, url, {"deadline": DEADLINE.isoformat(), "observers": "nonsense"})
        assert garbage.status_code == 200 and status_of(decision) == DecisionStatus.DRAFT
        response = post_form(secretariat, url, {"deadline": DEADLINE.isoformat(),
                                                "observers": [str(delegation("JPN").id)]})
        assert response.status_code == 302
        assert client_of(app_ctx, members["JPN"]).get(f"/decisions/{decision.id}").status_code == 200
        timeline = english(secretariat.get(f"/decisions/{decision.id}").get_data(as_text=True))
    assert status_of(decision) == DecisionStatus.UNDER_SILENCE
    assert "for information to: Japan" in timeline


def test_the_notice_is_listed_among_my_notices_with_its_link(app_ctx, members):
    decision = circulated()
    with freeze_time(CIRCULATED_AT):
        mine = client_of(app_ctx, members["KAZ"]).get("/my/notices/").get_data(as_text=True)
        theirs = client_of(app_ctx, members["JPN"]).get("/my/notices/").get_data(as_text=True)
    assert "Draft decision under silence" in mine and f'href="/decisions/{decision.id}"' in mine
    assert "Draft decision under silence" not in theirs
