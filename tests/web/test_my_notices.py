"""My notices: the page lists what was and will be sent to me (and only me),
times in my zone; the preferences page saves my mail opt-outs and the digest."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.models.states import Body
from secretariat_app.audit.models import AuditEntry
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from secretariat_app.notices.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
)
from tests.conftest import post_form
from tests.factories import delegate, officer

UTC = UTC
KINDS = [k.value for k in NotificationKind]


@pytest.fixture
def soc(reference) -> Meeting:
    meeting = Meeting(body_id=db.session.scalar(select(Body.id).where(Body.code == "SOC")), title_en="Spring SOC",
                      title_ru="Весенний КСДЛ", starts_at=datetime(2027, 6, 1, 5, tzinfo=UTC),
                      ends_at=datetime(2027, 6, 1, 13, tzinfo=UTC), timezone="Asia/Almaty", sequence=0)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def notice(user: User, meeting: Meeting, due: datetime, status=NotificationStatus.PENDING,
           kind=NotificationKind.MEETING_REMINDER, sent_at=None) -> Notification:
    row = Notification(kind=kind, subject_type="meeting", subject_id=meeting.id, recipient_id=user.id, due_at=due,
                       status=status, attempts=0, last_error="", sent_at=sent_at)
    db.session.add(row)
    db.session.commit()
    return row


def test_anonymous_is_sent_to_log_in(client, reference):
    for url in ("/my/notices/", "/my/notices/preferences"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url


def test_my_notices_with_times_in_my_zone_and_nobody_elses(client, login, soc):
    me = delegate(timezone="Europe/Moscow")
    other = officer()
    notice(me, soc, datetime(2027, 5, 2, 5, tzinfo=UTC), NotificationStatus.SENT,
           sent_at=datetime(2027, 5, 2, 5, 1, tzinfo=UTC))
    notice(me, soc, datetime(2027, 5, 25, 5, tzinfo=UTC))
    notice(me, soc, datetime(2027, 5, 31, 5, tzinfo=UTC), NotificationStatus.CANCELLED)
    notice(other, soc, datetime(2027, 5, 20, 5, tzinfo=UTC), kind=NotificationKind.MEETING_CANCELLED)
    login(me)
    page = client.get("/my/notices/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count("<td>Meeting reminder</td>") == 2  # the cancelled row is not listed
    assert "Meeting cancelled" not in html  # the officer's notice is not mine
    assert "Spring SOC" in html and f"/delegation/meetings/{soc.id}" in html
    # 05:00 UTC is 08:00 in Moscow.
    assert "25 May 2027, 08:00" in html and "2 May 2027, 08:01" in html and ", 05:00" not in html
    assert "to be sent" in html and ">sent<" in html.replace("<td>sent", ">sent<")


def test_an_officer_gets_the_secretariat_link(client, login, soc):
    me = officer()
    notice(me, soc, datetime(2027, 5, 25, 5, tzinfo=UTC))
    login(me)
    html = client.get("/my/notices/").get_data(as_text=True)
    assert f'href="/meetings/{soc.id}"' in html


def test_no_notices_yet(client, login, reference):
    login(delegate())
    assert "No notices yet." in client.get("/my/notices/").get_data(as_text=True)


def test_the_preferences_page_saves_opt_outs_and_the_digest(client, login, reference):
    me = delegate()
    login(me)
    page = client.get("/my/notices/preferences").get_data(as_text=True)
    assert 'name="mail_meeting_reminder"' in page and 'checked' in page
    assert 'name="mail_cycle_finding"' not in page  # a Secretariat notice, not offered to a delegate
    ticked = {"mail_meeting_reminder": "y", "mail_meeting_cancelled": "y", "mail_report_deadline": "y",
              "mail_report_reopened": "y", "mail_report_published": "y",
              "mail_meeting_invitation": "y", "mail_meeting_updated": "y", "mail_chair_candidature": "y",
              "mail_proposal_decided": "y", "mail_proposal_deadline": "y", "mail_silence_circulated": "y",
              "mail_silence_reminder": "y", "document_digest": "y"}
    response = post_form(client, "/my/notices/preferences", ticked)
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(User, me.id)
    assert saved.mail_opt_out == ["acknowledgement_chaser", "document_circulated"]
    assert saved.document_digest is True
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.notice_preferences"))
    assert entry is not None and entry.after["mail_opt_out"] == saved.mail_opt_out
    page = client.get("/my/notices/preferences").get_data(as_text=True)
    assert 'id="mail_document_circulated" name="mail_document_circulated" type="checkbox" value="y">' in page
    # Ticking everything again clears the opt-outs and the digest.
    everything = {f"mail_{k}": "y" for k in KINDS if k != "cycle_finding"}
    post_form(client, "/my/notices/preferences", everything)
    db.session.expire_all()
    saved = db.session.get(User, me.id)
    assert saved.mail_opt_out == [] and saved.document_digest is False


def test_an_opt_out_of_a_kind_not_offered_is_kept(client, login, reference):
    me = delegate()
    me.mail_opt_out = ["cycle_finding"]
    db.session.commit()
    login(me)
    post_form(client, "/my/notices/preferences", {"mail_meeting_reminder": "y"})
    db.session.expire_all()
    assert db.session.get(User, me.id).mail_opt_out == [
        "acknowledgement_chaser", "chair_candidature", "cycle_finding", "document_circulated", "meeting_cancelled",
        "meeting_invitation", "meeting_updated", "proposal_deadline", "proposal_decided", "report_deadline",
        "report_published", "report_reopened", "silence_circulated", "silence_reminder"]


def test_an_officer_may_opt_out_of_cycle_findings(client, login, reference):
    me = officer()
    login(me)
    page = client.get("/my/notices/preferences").get_data(as_text=True)
    assert 'name="mail_cycle_finding"' in page
    post_form(client, "/my/notices/preferences", {f"mail_{k}": "y" for k in KINDS if k != "cycle_finding"})
    db.session.expire_all()
    assert db.session.get(User, me.id).mail_opt_out == ["cycle_finding"]


def test_a_post_without_the_csrf_token_changes_nothing(client, login, reference):
    me = delegate()
    login(me)
    assert client.post("/my/notices/preferences", data={"document_digest": "y"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(User, me.id).document_digest is False
