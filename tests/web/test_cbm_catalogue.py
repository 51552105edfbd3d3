"""The catalogue pages: who may read them and who may use the officers' pages,
the catalogue in the reader's language with today's coordinators, and the
officers' forms (areas, appointments, terms, coordinator users)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.models.people import Role, User
from secretariat_app.accounts.models.states import MembershipStatus
from secretariat_app.cbm.models import CbmArea, CbmCoordinator, CbmCoordinatorUser
from secretariat_app.decisions.models import Decision
from secretariat_app.extensions import db
from tests import cbm_builders as build
from tests.conftest import csrf_token, log_in, post_form
from tests.factories import DelegationFactory, UserFactory, officer
from tests.form_errors import error_fields
from tests.forum_day import SUITE_DAY
from tests.services.test_cbm_catalogue import soc_decision

pytestmark = pytest.mark.usefixtures("steady_forum_day")

TODAY = SUITE_DAY


@dataclass
class Cast:
    area: CbmArea  # smes, coordinated by the coordinator's state
    other: CbmArea  # ict, coordinated by the other coordinator's state
    decision: Decision
    coordinator: User
    other_coordinator: User
    member: User
    observer: User
    stateless: User  # a delegate of a delegation whose state holds no status in CICA
    officer: User


@pytest.fixture
def cast(app_ctx) -> Cast:
    area, other = build.area("smes", name_en="Small and medium enterprises"), build.area("ict")
    return Cast(area=area, other=other, decision=soc_decision("SOC/2024/DEC/7"),
                coordinator=build.coordinator_user(area), other_coordinator=build.coordinator_user(other),
                member=build.member_delegate(), observer=build.member_delegate(MembershipStatus.OBSERVER),
                stateless=UserFactory(roles=[Role.DELEGATE], delegation=DelegationFactory()), officer=officer())


def officer_pages(c: Cast) -> list[str]:
    term = c.area.coordinators[0].id
    return ["/cbm/areas/new", f"/cbm/areas/{c.area.id}/edit", f"/cbm/areas/{c.area.id}/coordinators/new",
            f"/cbm/coordinators/{term}/end", f"/cbm/areas/{c.area.id}/coordinator-users/new"]


def html(response) -> str:
    return response.get_data(as_text=True)


def client_of(app, user):
    """Another browser, logged in as `user`."""
    other = app.test_client()
    log_in(other, user.email)
    return other


# Who may use the pages ----------------------------------------------------------------------------------------

def test_anonymous_is_sent_to_log_in(client, cast):
    for url in ["/cbm/", f"/cbm/areas/{cast.area.id}", *officer_pages(cast)]:
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url


@pytest.mark.parametrize("who", ["officer", "coordinator", "other_coordinator", "member", "observer"])
def test_everyone_with_a_status_reads_the_catalogue_and_the_area(client, login, cast, who):
    login(getattr(cast, who))
    catalogue, area = client.get("/cbm/"), client.get(f"/cbm/areas/{cast.area.id}")
    assert catalogue.status_code == 200 and area.status_code == 200
    assert "Small and medium enterprises" in html(catalogue)
    assert ("Add a priority area" in html(catalogue)) is (who == "officer")
    assert ("Record an appointment" in html(area)) is (who == "officer")
    assert ("New concept paper" in html(area)) is (who in ("officer", "coordinator"))
    assert ('id="my-areas"' in html(catalogue)) is (who in ("coordinator", "other_coordinator"))


def test_a_delegation_without_a_status_is_refused(client, login, cast):
    login(cast.stateless)
    assert client.get("/cbm/").status_code == 403
    assert client.get(f"/cbm/areas/{cast.area.id}").status_code == 403


@pytest.mark.parametrize("who", ["coordinator", "other_coordinator", "member", "observer"])
def test_only_officers_use_the_officers_pages(client, login, cast, who):
    assignment = db.session.scalar(select(CbmCoordinatorUser).where(CbmCoordinatorUser.area_id == cast.area.id))
    login(getattr(cast, who))
    for url in officer_pages(cast):
        assert client.get(url).status_code == 403, url
    token = csrf_token(client, "/auth/password")
    assert client.post(f"/cbm/coordinator-users/{assignment.id}/revoke",
                       data={"csrf_token": token}).status_code == 403
    assert db.session.scalar(select(func.count(CbmCoordinatorUser.id))) == 2


def test_a_missing_area_is_404(client, login, cast):
    login(cast.officer)
    assert client.get("/cbm/areas/999").status_code == 404


# What the pages show ------------------------------------------------------------------------------------------

def test_the_catalogue_shows_todays_coordinators_in_the_readers_language(client, login, cast):
    state = cast.area.coordinators[0].state
    cast.area.coordinators[0].decision_id = cast.decision.id
    ended = build.member_state()
    build.appoint(cast.area, ended, start=date(2010, 1, 1), end=date(2012, 12, 31))
    db.session.commit()
    reader = build.member_delegate(language="ru")
    login(reader)
    page = html(client.get("/cbm/"))
    row = page[page.index('data-area="smes"'):page.index('data-area="ict"')]
    assert "Область smes" in row and state.name_ru in row and "SOC/2024/DEC/7" in row
    assert ended.name_ru not in row


def test_the_coordinator_users_are_shown_to_the_areas_coordinators_and_officers(app, cast):
    url = f"/cbm/areas/{cast.area.id}"
    page = html(client_of(app, cast.coordinator).get(url))
    assert cast.coordinator.email in page and "Revoke" not in page
    assert "Revoke" in html(client_of(app, cast.officer).get(url))
    assert cast.coordinator.email not in html(client_of(app, cast.member).get(url))
    assert cast.coordinator.email not in html(client_of(app, cast.other_coordinator).get(url))


# The officers' forms ------------------------------------------------------------------------------------------

def test_an_officer_adds_an_area(client, login, cast):
    login(cast.officer)
    data = {"dimension_id": str(cast.area.dimension_id), "code": "tourism", "name_en": "Tourism", "name_ru": "Туризм"}
    response = post_form(client, "/cbm/areas/new", data)
    added = db.session.scalar(select(CbmArea).where(CbmArea.code == "tourism"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cbm/areas/{added.id}")
    again = post_form(client, "/cbm/areas/new", {**data, "name_ru": ""})
    assert again.status_code == 200 and set(error_fields(html(again))) == {"code", "name_ru"}
    assert db.session.scalar(select(func.count(CbmArea.id))) == 3


def test_an_officer_corrects_the_names(client, login, cast):
    login(cast.officer)
    response = post_form(client, f"/cbm/areas/{cast.area.id}/edit", {"name_en": "SMEs", "name_ru": "МСП"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (cast.area.name_en, cast.area.name_ru, cast.area.code) == ("SMEs", "МСП", "smes")


def test_an_appointment_through_the_form_needs_the_decision(client, login, cast):
    login(cast.officer)
    state = build.member_state()
    url = f"/cbm/areas/{cast.area.id}/coordinators/new"
    data = {"state_id": str(state.id), "role": "co_coordinator", "term_start": "2024-07-01", "term_end": "",
            "decision_id": ""}
    refused = post_form(client, url, data)
    assert refused.status_code == 200 and error_fields(html(refused)) == ["decision_id"]
    assert post_form(client, url, {**data, "decision_id": str(cast.decision.id)}).status_code == 302
    row = db.session.scalar(select(CbmCoordinator).where(CbmCoordinator.state_id == state.id))
    assert (row.role.value, row.decision_id, row.term_end) == ("co_coordinator", cast.decision.id, None)
    page = html(client.get(f"/cbm/areas/{cast.area.id}"))
    assert 'data-role="co_coordinator"' in page and "SOC/2024/DEC/7" in page


def test_an_officer_ends_a_term(app, client, login, cast):
    login(cast.officer)
    term = cast.area.coordinators[0]
    bad = post_form(client, f"/cbm/coordinators/{term.id}/end", {"term_end": "2019-12-31"})
    assert error_fields(html(bad)) == ["term_end"]
    end = TODAY - timedelta(days=1)
    assert post_form(client, f"/cbm/coordinators/{term.id}/end", {"term_end": end.isoformat()}).status_code == 302
    db.session.expire_all()
    assert term.term_end == end
    assert "New concept paper" not in html(client_of(app, cast.coordinator).get(f"/cbm/areas/{cast.area.id}"))


def test_an_officer_assigns_and_revokes_a_coordinator_user(client, login, cast):
    state = cast.area.coordinators[0].state
    colleague = UserFactory(roles=[Role.DELEGATE], delegation=build.delegation_of(state))
    login(cast.officer)
    page = html(client.get(f"/cbm/areas/{cast.area.id}"))
    assert colleague.email in page  # offered in the form
    url = f"/cbm/areas/{cast.area.id}/coordinator-users/new"
    outsider = post_form(client, url, {"user_id": str(cast.member.id)}, page=f"/cbm/areas/{cast.area.id}")
    assert error_fields(html(outsider)) == ["user_id"]
    assert post_form(client, url, {"user_id": str(colleague.id)}).status_code == 302
    db.session.expire_all()
    assert colleague.has_role(Role.COORDINATOR)
    assignment_id = db.session.scalar(select(CbmCoordinatorUser.id).where(CbmCoordinatorUser.user_id == colleague.id))
    response = post_form(client, f"/cbm/coordinator-users/{assignment_id}/revoke", {},
                         page=f"/cbm/areas/{cast.area.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert not colleague.has_role(Role.COORDINATOR) and db.session.get(CbmCoordinatorUser, assignment_id) is None
