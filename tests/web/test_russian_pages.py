"""Russian everywhere: the pages each kind of user visits, rendered in Russian
on the demo data (`flask seed`: the history, the December SWG and SOC with
their documents, the CBM demo), show no Latin word but symbols, e-mail
addresses, code, and the proper names listed below (tests/visible_text.py
says what the check allows, and why)."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.models.states import State
from secretariat_app.accounts.services import second_factor
from secretariat_app.cbm.models import CbmActivity, CbmActivityReport, CbmAnnualReport, CbmArea, CbmCoordinatorUser
from secretariat_app.decisions.models import Decision
from secretariat_app.demo import seed as seeding
from secretariat_app.demo.accounts import DEMO_PASSWORD
from secretariat_app.documents.models import Document
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from tests.conftest import log_in
from tests.factories import enrol
from tests.visible_text import latin_words, visible_text

OFFICER, ADMIN = "officer@secretariat.cica.example", "admin@secretariat.cica.example"
MEMBER, OBSERVER = "delegate.kaz@cica.example", "delegate.jpn@cica.example"


@pytest.fixture
def demo(app_ctx):
    """The demo, every user reading Russian, the staff enrolled with the tests' authenticator."""
    report = seeding.seed(with_demo=True)
    db.session.execute(update(User).values(language="ru"))
    db.session.commit()
    for user in db.session.scalars(select(User)).all():
        if second_factor.is_required_for(user):
            enrol(user)
    return report


def _proper_names() -> list[str]:
    """What has no Russian form on the pages: the people's names (as their
    accounts spell them), the states' codes, and the places officers and
    coordinators type in one language (the meetings' cities, the activities'
    venues)."""
    names = [user.name for user in db.session.scalars(select(User))]
    names += [code for state in db.session.scalars(select(State)) for code in (state.code, state.iso2 or "")]
    names += list(db.session.scalars(select(Meeting.city)))
    names += list(db.session.scalars(select(CbmActivity.venue)))
    names += list(db.session.scalars(select(CbmActivityReport.venue)))
    return names


def _first(statement):
    found = db.session.scalar(statement.limit(1))
    assert found is not None, statement
    return found


def _pages(kind: str, coordinator: str) -> tuple[str, list[str]]:
    coordinated = select(CbmCoordinatorUser.area_id).join(User, User.id == CbmCoordinatorUser.user_id).where(
        User.email == coordinator)
    own = _first(select(CbmAnnualReport).where(CbmAnnualReport.area_id.in_(coordinated)).order_by(CbmAnnualReport.id))
    soc = _first(select(Meeting.id).where(Meeting.title_en.like("%Senior Officials%")).order_by(Meeting.id.desc()))
    document = _first(select(Document.id).where(Document.meeting_id == soc).order_by(Document.id))
    decision = _first(select(Decision.id).order_by(Decision.id))
    report = _first(select(CbmAnnualReport).order_by(CbmAnnualReport.id))
    activity_report = _first(select(CbmActivityReport).order_by(CbmActivityReport.id))
    area = report.area_id
    activity_page = f"/cbm/reports/{activity_report.annual_report_id}/activities/{activity_report.activity_id}"
    shared = ["/cbm/", f"/cbm/areas/{area}", "/cbm/overview", f"/cbm/reports/{report.id}",
              "/calendar/", "/my/notices/", "/my/sessions/", "/my/tokens/", "/decisions/", f"/decisions/{decision}"]
    pages = {
        "officer": (OFFICER, [*shared, "/admin/", "/documents/", f"/documents/{document}", "/meetings/",
                              f"/meetings/{soc}", f"/meetings/{soc}/agenda", f"/meetings/{soc}/invitations",
                              "/cycles/", "/cycles/rules", "/notices/failed", activity_page]),
        "admin": (ADMIN, ["/admin/", "/admin/audit", "/admin/staff", "/admin/states", "/admin/states/KAZ",
                          "/admin/delegations", "/admin/users", "/notices/failed", "/my/sessions/"]),
        "delegate": (MEMBER, [*shared, "/delegation/", "/inbox/", f"/inbox/{document}", "/delegation/meetings",
                              f"/delegation/meetings/{soc}"]),
        "observer": (OBSERVER, ["/delegation/", "/inbox/", "/delegation/meetings", "/cbm/", "/calendar/",
                                "/my/notices/"]),
        "coordinator": (coordinator, ["/cbm/", f"/cbm/areas/{own.area_id}", f"/cbm/reports/{own.id}",
                                      "/inbox/"]),
    }
    return pages[kind]


@pytest.mark.parametrize("kind", ["officer", "admin", "delegate", "observer", "coordinator"])
def test_the_pages_a_user_visits_in_russian_show_no_english(demo, client, kind):
    coordinator = next(email for email, areas in sorted(demo.coordinators.items())
                       if email not in (MEMBER, OBSERVER))
    email, pages = _pages(kind, coordinator)
    names = _proper_names()
    log_in(client, email, DEMO_PASSWORD)
    leaks = {}
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        assert '<html lang="ru">' in html, page
        if words := latin_words(html, names):
            leaks[page] = sorted(set(words))
    assert leaks == {}


def test_the_check_finds_english_and_allows_only_what_it_says():
    page = ('<html lang="ru"><head><title>Документы · СВМДА</title><style>p {color: red}</style></head><body>'
            '<p>Документ CICA/SOC/2026/1 от officer@cica.example, формат PDF, часовой пояс Asia/Almaty.</p>'
            '<p>Действие <code>document.download</code>, <span lang="en">Provisional agenda</span>.</p>'
            '<p title="Not text">Председатель: Aigerim Demo.</p><script>var shown = "never";</script>'
            '<p>Status: document.download, MFA_INFORMAL, en: отсутствует, 57 Bytes.</p></body></html>')
    assert latin_words(page, names=["Aigerim Demo"]) == ["Status", "document.download", "MFA_INFORMAL", "en",
                                                          "Bytes"]
    assert "Provisional" not in visible_text(page) and "Not text" not in visible_text(page)


def test_the_demo_pages_have_something_to_check(demo, client):
    """The check reads real text: the officer's document page names its symbol and Russian title."""
    log_in(client, OFFICER, DEMO_PASSWORD)
    document = _first(select(Document).order_by(Document.id))
    text = visible_text(client.get(f"/documents/{document.id}").get_data(as_text=True))
    assert document.symbol in text and document.title_ru in text
    assert _first(select(CbmArea.id)) is not None
