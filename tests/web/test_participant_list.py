"""The participant list of a meeting, for officers: a CSV file for Excel (UTF-8 with
a byte order mark, Cyrillic intact, formulas neutralised) and a printable page;
refused to delegates and anonymous readers; each export audited; a constant number
of statements however many delegations are invited."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Invitation, Participant
from tests.documents_setup import _delegation
from tests.factories import MembershipStatus
from tests.web.test_inbox_queries import counting_statements


def _invitation(world, delegation) -> Invitation:
    return db.session.scalar(select(Invitation).where(Invitation.meeting_id == world.meeting.id,
                                                      Invitation.delegation_id == delegation.id))


def _register(world, delegation, name: str, function: str = "", email: str = "") -> Participant:
    person = Participant(invitation_id=_invitation(world, delegation).id, name=name, function=function, email=email)
    db.session.add(person)
    db.session.commit()
    return person


def _exports() -> list[AuditEntry]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "meeting.participants_export")
                                   .order_by(AuditEntry.id)))


def _csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs for UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_officers_download_the_list_with_cyrillic_intact_and_formulas_neutralised(client, login, world):
    _register(world, world.member_a, "Алия Нурлановна", "Глава делегации", "aliya@mfa.example")
    _register(world, world.member_a, "=HYPERLINK(\"http://evil.example\",\"x\")", "+7 701 000", "@x")
    login(world.officer)
    response = client.get(f"/meetings/{world.meeting.id}/participants.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="cica-SOC-2027-06-01-participants.csv"'
    rows = _csv(response)
    assert rows[0] == ["Delegation", "Status in CICA", "Name", "Function", "E-mail"]
    assert ["Aland", "member", "Алия Нурлановна", "Глава делегации", "aliya@mfa.example"] in rows
    assert ["Aland", "member", "'=HYPERLINK(\"http://evil.example\",\"x\")", "'+7 701 000", "'@x"] in rows
    assert ["Carpania", "observer", "", "", ""] in rows  # invited, nobody registered
    assert len(rows) == 4
    [entry] = _exports()
    assert entry.actor_id == world.officer.id and entry.object_id == str(world.meeting.id)
    assert entry.after == {"format": "csv", "participants": 2, "delegations": 2}


def test_the_list_in_russian(client, login, world):
    _register(world, world.member_a, "Алия Нурлановна")
    world.officer.language = "ru"
    db.session.commit()
    login(world.officer)
    rows = _csv(client.get(f"/meetings/{world.meeting.id}/participants.csv"))
    assert rows[0] == ["Делегация", "Статус в СВМДА", "Имя", "Функция в делегации", "Электронная почта"]
    assert rows[1][:3] == ["Aland (ru)", "государство-член", "Алия Нурлановна"]


def test_the_printable_list(client, login, world):
    _register(world, world.member_a, "Алия Нурлановна", "Глава делегации")
    login(world.officer)
    response = client.get(f"/meetings/{world.meeting.id}/participants/print")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "participants_print.css" in html and "<main>" in html
    assert "Алия Нурлановна" in html and "Глава делегации" in html and "Carpania" in html
    assert "1 participant" in html
    # on a phone the table scrolls in a box the keyboard reaches and a screen reader names
    assert '<div class="table-box" role="region" tabindex="0" aria-label="List of participants">' in html
    [entry] = _exports()
    assert entry.after["format"] == "print"


def test_delegates_and_anonymous_readers_are_refused(client, login, world):
    _register(world, world.member_a, "Алия Нурлановна")
    for url in (f"/meetings/{world.meeting.id}/participants.csv", f"/meetings/{world.meeting.id}/participants/print"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login(world.a1)
    for url in (f"/meetings/{world.meeting.id}/participants.csv", f"/meetings/{world.meeting.id}/participants/print"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Алия" not in response.get_data(as_text=True)
    assert _exports() == []


def test_an_unknown_meeting_is_a_404(client, login, world):
    login(world.officer)
    assert client.get("/meetings/999999/participants.csv").status_code == 404
    assert _exports() == []


def test_the_statements_do_not_grow_with_the_delegations(client, login, world):
    login(world.officer)
    url = f"/meetings/{world.meeting.id}/participants.csv"
    client.get(url)
    with counting_statements() as few:
        assert client.get(url).status_code == 200
    for n in range(6):
        delegation = _delegation(f"State {n}", MembershipStatus.MEMBER)
        db.session.add(Invitation(meeting_id=world.meeting.id, delegation_id=delegation.id))
        db.session.commit()
        _register(world, delegation, f"Person {n}")
    with counting_statements() as many:
        response = client.get(url)
    assert len(_csv(response)) == 1 + 2 + 6
    assert len(many) == len(few)
