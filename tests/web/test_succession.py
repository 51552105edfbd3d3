"""The succession pages, walked as an officer (every step through its form, with
CSRF, readable errors), a member's delegate (what was circulated to them) and an
observer's (refused), in English and in Russian."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from secretariat_app.decisions.models import Chairmanship
from secretariat_app.decisions.succession import services as succession
from secretariat_app.decisions.succession.models import ChairCandidature, ChairSuccession
from secretariat_app.extensions import db
from secretariat_app.notices.models import Notification, NotificationKind
from tests.conftest import log_in, post_form
from tests.succession_setup import cast, mfa_decision, soc_decision, state
from tests.visible_text import latin_words

ERROR_RE = re.compile(r'<p class="error"[^>]*>([^<]+)</p>')


@pytest.fixture
def world(reference):
    return cast()


def errors(html: str) -> list[str]:
    return ERROR_RE.findall(html)


def term_value(world, index=0) -> str:
    return succession.terms_ahead(world.today)[index].starts_on.isoformat()


def candidatures() -> int:
    return db.session.scalar(select(func.count(ChairCandidature.id)))


def record(client, world, code="KAZ", **overrides):
    data = {"state": str(state(code).id), "term": term_value(world),
            "letter_on": (world.today - timedelta(days=2)).isoformat(), "note": ""}
    data.update(overrides)
    return post_form(client, "/chairmanship/succession/candidatures/new", data)


def only(statement):
    return db.session.scalar(statement)


def test_anonymous_is_sent_to_log_in(client, world):
    for url in ("/chairmanship/succession/", "/chairmanship/succession/candidatures/new"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_officers_walk_a_succession_through_the_forms(client, world):
    log_in(client, world.officer.email)
    page = client.get("/chairmanship/").get_data(as_text=True)
    assert 'data-term-state="no_candidate"' in page and 'data-problem="succession-overdue"' in page
    # A candidature, then the current Chair asking to continue.
    assert record(client, world).status_code == 302
    assert record(client, world, "AZE").status_code == 302
    html = client.get("/chairmanship/succession/").get_data(as_text=True)
    assert 'data-term-state="candidates"' in html and "asks to continue" in html
    assert "facilitated by the current Chair" in html  # two candidates
    kaz = only(select(ChairCandidature).where(ChairCandidature.state_id == state("KAZ").id))
    # Informing the members: a notice for every member delegation's people, once.
    assert post_form(client, f"/chairmanship/succession/candidatures/{kaz.id}/inform", {},
                     page="/chairmanship/succession/").status_code == 302
    queued = db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == NotificationKind.CHAIR_CANDIDATURE))
    assert queued == 2
    again = post_form(client, f"/chairmanship/succession/candidatures/{kaz.id}/inform", {},
                      page="/chairmanship/succession/", follow_redirects=True)
    assert "The members have already been informed of this candidature." in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == NotificationKind.CHAIR_CANDIDATURE)) == 2
    # The SOC's recommendation through the silence procedure (adopted: the silence held).
    next_term = only(select(ChairSuccession))
    soc = soc_decision(world.today, adopted=True)
    url = f"/chairmanship/succession/{next_term.id}/recommendation"
    assert post_form(client, url, {"candidature": str(kaz.id), "decision": str(soc.id)}).status_code == 302
    assert 'data-term-state="recommended"' in client.get("/chairmanship/succession/").get_data(as_text=True)
    # The MFA's decision: the term is decided and the ledger records Kazakhstan.
    mfa = mfa_decision(world.today)
    url = f"/chairmanship/succession/{next_term.id}/decision"
    assert post_form(client, url, {"candidature": str(kaz.id), "decision": str(mfa.id)}).status_code == 302
    page = client.get("/chairmanship/").get_data(as_text=True)
    assert 'data-term-state="decided"' in page and 'data-problem="succession-overdue"' not in page
    assert 'data-problem="successor"' not in page
    assert only(select(Chairmanship.state_id).where(Chairmanship.starts_on == next_term.starts_on)) == \
        state("KAZ").id


def test_readable_errors_and_nothing_written(client, world):
    log_in(client, world.officer.email)
    response = record(client, world, "JPN")
    assert response.status_code == 200
    assert errors(response.get_data(as_text=True)) == ["Only a member state may seek the chairmanship."]
    response = record(client, world, letter_on=(world.today + timedelta(days=1)).isoformat())
    assert errors(response.get_data(as_text=True)) == ["The letter cannot be dated after today."]
    response = record(client, world, term="not a date", letter_on="yesterday")
    assert response.status_code == 200 and len(errors(response.get_data(as_text=True))) >= 2
    assert candidatures() == 0
    record(client, world)
    kaz = only(select(ChairCandidature))
    next_term = only(select(ChairSuccession))
    mfa = mfa_decision(world.today)
    response = post_form(client, f"/chairmanship/succession/{next_term.id}/recommendation",
                         {"candidature": str(kaz.id), "decision": str(mfa.id)})
    assert response.status_code == 200 and errors(response.get_data(as_text=True))  # not an SOC decision: no choice
    response = post_form(client, f"/chairmanship/succession/{next_term.id}/decision",
                         {"candidature": "999", "decision": str(mfa.id)})
    assert response.status_code == 200 and errors(response.get_data(as_text=True))
    assert client.get("/chairmanship/succession/999/decision").status_code == 404
    response = post_form(client, f"/chairmanship/succession/candidatures/{kaz.id}/withdraw",
                         {"withdrawn_on": (kaz.letter_on - timedelta(days=1)).isoformat()})
    assert errors(response.get_data(as_text=True)) == ["The withdrawal is dated between the letter and today."]
    response = post_form(client, f"/chairmanship/succession/candidatures/{kaz.id}/withdraw",
                         {"withdrawn_on": world.today.isoformat(), "note": "By letter"})
    assert response.status_code == 302
    html = client.get("/chairmanship/succession/").get_data(as_text=True)
    assert "withdrawn on" in html and candidatures() == 1


def test_a_post_without_its_csrf_token_is_refused(client, world):
    log_in(client, world.officer.email)
    response = client.post("/chairmanship/succession/candidatures/new",
                           data={"state": str(state("KAZ").id), "term": term_value(world),
                                 "letter_on": world.today.isoformat()})
    assert response.status_code == 400 and candidatures() == 0


def informed(world) -> tuple[ChairCandidature, ChairCandidature]:
    """Kazakhstan's candidature circulated to the members; Russia's recorded, not circulated."""
    terms = succession.terms_ahead(world.today)
    kaz = succession.record_candidature(world.officer, succession.CandidatureData(
        state("KAZ").id, terms[0].starts_on, world.today), world.today)
    rus = succession.record_candidature(world.officer, succession.CandidatureData(
        state("RUS").id, terms[1].starts_on, world.today), world.today)
    succession.inform_members(world.officer, kaz)
    return kaz, rus


def test_a_members_delegate_sees_what_was_circulated_to_them_and_may_not_act(client, world):
    kaz, rus = informed(world)
    log_in(client, world.kaz1.email)
    assert 'href="/chairmanship/succession/"' in client.get("/delegation/").get_data(as_text=True)
    html = client.get("/chairmanship/succession/").get_data(as_text=True)
    assert f'data-candidature="{kaz.id}"' in html and f'data-candidature="{rus.id}"' not in html
    assert "Candidatures circulated to your delegation" in html and 'data-term-state="candidates"' in html
    assert "Inform the members" not in html and "Record a candidature" not in html
    for url in ("/chairmanship/succession/candidatures/new", f"/chairmanship/succession/candidatures/{kaz.id}/withdraw",
                f"/chairmanship/succession/{kaz.succession_id}/decision", "/chairmanship/"):
        assert client.get(url).status_code == 403, url
    assert post_form(client, f"/chairmanship/succession/candidatures/{rus.id}/inform", {},
                     page="/my/notices/").status_code == 403
    assert db.session.get(ChairCandidature, rus.id).informed_at is None
    # Their notice names the candidature and links the page.
    notices = client.get("/my/notices/").get_data(as_text=True)
    assert "Candidature of Kazakhstan for the chairmanship" in notices


def test_an_observers_delegate_is_refused(client, world):
    informed(world)
    log_in(client, world.jpn1.email)
    assert 'href="/chairmanship/succession/"' not in client.get("/delegation/").get_data(as_text=True)
    assert client.get("/chairmanship/succession/").status_code == 403
    assert post_form(client, "/chairmanship/succession/candidatures/new",
                     {"state": str(state("JPN").id), "term": term_value(world), "letter_on": world.today.isoformat()},
                     page="/my/notices/").status_code == 403
    assert candidatures() == 2


def names() -> list[str]:
    from secretariat_app.accounts.models.people import User
    from secretariat_app.accounts.models.states import State

    return [user.name for user in db.session.scalars(select(User))] + list(db.session.scalars(select(State.code)))


def test_the_pages_in_russian(app, client, world):
    kaz, _rus = informed(world)
    soc = soc_decision(world.today, adopted=False)
    succession.record_recommendation(world.officer, kaz.succession, succession.StepData(kaz.id, soc.id))
    log_in(client, world.rus1.email)  # reads Russian
    html = client.get("/chairmanship/succession/").get_data(as_text=True)
    assert "Кандидатуры, доведённые до вашей делегации" in html and "Казахстан" in html
    assert latin_words(html, names()) == []
    world.officer.language = "ru"
    db.session.commit()
    client = app.test_client()
    log_in(client, world.officer.email)
    for url in ("/chairmanship/succession/", "/chairmanship/succession/candidatures/new",
                f"/chairmanship/succession/{kaz.succession_id}/recommendation",
                f"/chairmanship/succession/{kaz.succession_id}/decision",
                f"/chairmanship/succession/candidatures/{kaz.id}/withdraw"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert latin_words(response.get_data(as_text=True), names()) == [], url
    response = record(client, world, "JPN")
    assert errors(response.get_data(as_text=True)) == ["Выдвигаться на председательство может только государство-член."]
