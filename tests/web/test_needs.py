""""Needs you now" on each kind of user's dashboard: documents to acknowledge and
registrations closing (delegates), reports due (coordinators), decisions under
silence (whoever may see them; officers with the deadline), and what waits on the
Secretariat (reports submitted, papers to review, failed notices). Each item links
to where it is done; only what the reader may see; a constant number of statements."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from secretariat_app.accounts.models.states import Body
from secretariat_app.cbm.models import PaperKind, PaperStatus, ReportStatus
from secretariat_app.core.columns import utcnow
from secretariat_app.decisions.models import Decision, DecisionStatus, Procedure
from secretariat_app.documents.models import DistributionLevel
from secretariat_app.documents.services.circulation import Audience, CirculationData, circulate
from secretariat_app.documents.services.reading import acknowledge
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Invitation, Participant
from secretariat_app.notices.models import Notification, NotificationKind, NotificationStatus
from tests import cbm_builders as build
from tests.conftest import log_in
from tests.documents_setup import make_document
from tests.web.test_cbm_reports import client_of
from tests.web.test_inbox_queries import counting_statements


def _circulated(world, level=DistributionLevel.LIMITED, title="Draft declaration"):
    document = make_document(world, level=level, title_en=title, title_ru=title + " (ru)")
    circulate(world.officer, document, CirculationData(Audience.MEMBERS_AND_OBSERVERS
                                                       if level == DistributionLevel.GENERAL else Audience.MEMBERS))
    return document


def _silence(body_id: int, reference: str = "SOC/2026/DEC/1") -> Decision:
    decision = Decision(reference=reference, body_id=body_id, procedure=Procedure.SILENCE,
                        status=DecisionStatus.UNDER_SILENCE, title_en="On the venue of the Summit",
                        title_ru="О месте проведения Саммита", silence_circulated_on=date(2026, 12, 1),
                        silence_deadline=date(2026, 12, 15))
    db.session.add(decision)
    db.session.commit()
    return decision


def _soc_id() -> int:
    found = db.session.scalar(select(Body.id).where(Body.code == "SOC"))
    if found is None:
        body = Body(code="SOC", name_en="Senior Officials Committee", name_ru="Комитет старших должностных лиц")
        db.session.add(body)
        db.session.commit()
        found = body.id
    return found


def _home(client) -> str:
    response = client.get("/", follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_delegate_is_asked_to_acknowledge_what_reached_the_delegation(client, login, world):
    limited = _circulated(world)
    general = _circulated(world, DistributionLevel.GENERAL, "Provisional agenda")
    draft = make_document(world, title_en="Unfinished")
    login(world.a1)
    html = _home(client)
    assert "Documents to acknowledge" in html
    for document in (limited, general):
        assert f'href="/inbox/{document.id}"' in html
    assert f'href="/inbox/{draft.id}"' not in html
    acknowledge(world.a2, limited)  # a colleague acknowledged for the delegation
    html = _home(client)
    assert f'href="/inbox/{limited.id}"' not in html and f'href="/inbox/{general.id}"' in html


def test_an_observer_is_not_asked_about_what_it_may_not_read(client, login, world):
    limited = _circulated(world)
    general = _circulated(world, DistributionLevel.GENERAL, "Provisional agenda")
    login(world.obs1)
    html = _home(client)
    assert f'href="/inbox/{general.id}"' in html
    assert f'href="/inbox/{limited.id}"' not in html and limited.symbol not in html


def test_a_registration_closing_soon_is_listed_with_who_is_registered(client, login, world):
    now = utcnow()
    meeting = world.meeting
    meeting.starts_at, meeting.ends_at = now + timedelta(days=20), now + timedelta(days=21)
    meeting.registration_deadline = now + timedelta(days=5)
    db.session.commit()
    login(world.a1)
    html = _home(client)
    assert "Registration closing" in html and f'href="/delegation/meetings/{meeting.id}"' in html
    assert "nobody registered yet" in html
    invitation = db.session.scalar(select(Invitation).where(Invitation.meeting_id == meeting.id,
                                                            Invitation.delegation_id == world.member_a.id))
    db.session.add(Participant(invitation_id=invitation.id, name="Aliya"))
    meeting.registration_deadline = now + timedelta(days=6)
    db.session.commit()
    assert "1 participant registered" in _home(client)
    meeting.registration_deadline = now - timedelta(hours=1)  # closed: nothing to do any more
    db.session.commit()
    assert f'href="/delegation/meetings/{meeting.id}"' not in _home(client)
    other = client.application.test_client()
    log_in(other, world.b1.email)  # another delegation, not invited
    assert f'href="/delegation/meetings/{meeting.id}"' not in _home(other)


def test_an_officer_sees_decisions_under_silence_with_the_deadline_a_delegate_does_not(client, login, world):
    decision = _silence(world.soc.id)
    login(world.officer)
    html = _home(client)
    assert f'href="/decisions/{decision.id}"' in html and "silence ends 15 December 2026" in html
    delegate_client = client.application.test_client()
    log_in(delegate_client, world.a1.email)
    assert f'href="/decisions/{decision.id}"' not in _home(delegate_client)  # the register shows it adopted only


@pytest.fixture
def cast(app_ctx):
    return build.cbm_cast()


def test_a_coordinator_sees_the_reports_to_submit_and_the_secretariat_what_to_publish(app_ctx, cast):
    draft = build.annual_report(cast.area, 2026, due=date(2026, 11, 20))
    submitted = build.annual_report(cast.area, 2025, due=date(2025, 11, 20), status=ReportStatus.SUBMITTED)
    other = build.annual_report(build.area("ict"), 2026, due=date(2026, 11, 20))
    html = _home(client_of(app_ctx, cast.coordinator))
    assert "CBM reports to submit" in html and f'href="/cbm/reports/{draft.id}"' in html
    assert f'href="/cbm/reports/{submitted.id}"' not in html and f'href="/cbm/reports/{other.id}"' not in html
    assert "CBM reports to submit" not in _home(client_of(app_ctx, cast.member))
    officer_html = _home(client_of(app_ctx, cast.officer))
    assert "CBM reports submitted, to publish or reopen" in officer_html
    assert f'href="/cbm/reports/{submitted.id}"' in officer_html
    assert f'href="/cbm/reports/{draft.id}"' not in officer_html


def test_the_secretariat_sees_papers_to_review_and_failed_notices(app_ctx, cast):
    paper = build.paper(cast.area, PaperKind.CONCEPT_PAPER, PaperStatus.SUBMITTED, period=None)
    db.session.add(Notification(kind=NotificationKind.MEETING_REMINDER, subject_type="meeting", subject_id=1,
                                recipient_id=cast.member.id, due_at=utcnow(), status=NotificationStatus.FAILED,
                                attempts=6, last_error="550 mailbox unavailable"))
    db.session.commit()
    html = _home(client_of(app_ctx, cast.officer))
    assert f'href="/cbm/papers/{paper.id}"' in html and "concept paper" in html
    assert 'href="/notices/failed"' in html and "1 notice could not be sent" in html
    member_html = _home(client_of(app_ctx, cast.member))
    assert f'href="/cbm/papers/{paper.id}"' not in member_html and "could not be sent" not in member_html


def test_nothing_waits_says_so_in_russian(app_ctx, cast):
    cast.member.language = "ru"
    db.session.commit()
    assert "Ничто не ждёт ваших действий." in _home(client_of(app_ctx, cast.member))


def test_the_delegates_dashboard_costs_the_same_statements_for_one_item_or_many(client, login, world):
    _circulated(world)
    login(world.a1)
    _home(client)
    with counting_statements() as few:
        _home(client)
    for n in range(8):
        _circulated(world, title=f"Paper {n}")
    for n in range(3):
        _silence(_soc_id(), f"SOC/2026/DEC/{n + 10}")
    with counting_statements() as many:
        html = _home(client)
    assert html.count('href="/inbox/') >= 9
    assert len(many) == len(few)


def test_the_secretariats_dashboard_costs_the_same_statements_for_one_item_or_many(app_ctx, cast):
    build.annual_report(cast.area, 2025, due=date(2025, 11, 20), status=ReportStatus.SUBMITTED)
    _silence(_soc_id())
    client = client_of(app_ctx, cast.officer)
    _home(client)
    with counting_statements() as few:
        _home(client)
    for n, code in enumerate(("ict", "energy", "tourism")):
        build.annual_report(build.area(code), 2025, due=date(2025, 11, 20), status=ReportStatus.SUBMITTED)
        _silence(_soc_id(), f"SOC/2026/DEC/{n + 20}")
    with counting_statements() as many:
        html = _home(client)
    assert html.count('href="/cbm/reports/') == 4 and html.count('href="/decisions/') >= 4
    assert len(many) == len(few)
