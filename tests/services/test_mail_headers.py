"""Mail headers with Cyrillic text keep every space through folding: the raw
bytes a server receives are read back with two decoders, the old one
(`decode_header` + `make_header` on a compat32 parse) and the modern one
(`message_from_bytes` with `policy=default`), and both give the exact text.
On Python 3.11 the modern policy alone folded "Внеочередная сессия КСДЛ"
into "Внеочереднаясессия КСДЛ" (core/mail_headers.py says why)."""
from __future__ import annotations

import email
import io
import re
from datetime import datetime
from email import policy
from email.generator import BytesGenerator
from email.header import decode_header, make_header

import pytest
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from secretariat_app.accounts.models.people import Delegation
from secretariat_app.accounts.models.states import Body, State
from secretariat_app.core import mail
from secretariat_app.core.mail_headers import MAIL_POLICY
from secretariat_app.extensions import db
from secretariat_app.meetings.services import mail as meeting_mail
from secretariat_app.meetings.services import meetings as service
from secretariat_app.meetings.services.meetings import MeetingData
from secretariat_app.notices.models import NotificationKind
from tests.factories import delegate

LONG = "Напоминание: Внеочередная сессия КСДЛ по вопросам безопасности и сотрудничества в Азии, 1 июня 2027 г."
CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
UNFOLD = re.compile(r"\r?\n(?=[ \t])")
WORDS = st.text(alphabet=CYRILLIC + "0123456789.,:;-()«»—SOCKSDL", min_size=1, max_size=18)


def wire_bytes(message) -> bytes:
    """What smtplib hands the server: the message flattened with CRLF by its own policy."""
    out = io.BytesIO()
    BytesGenerator(out).flatten(message, linesep="\r\n")
    return out.getvalue()


def read_back(raw: bytes, header: str = "Subject") -> tuple[str, str]:
    """The header as the old decoder (after unfolding, RFC 5322 2.2.3) and as the modern parser read it."""
    old = email.message_from_bytes(raw)  # compat32: the raw, folded value
    decoded_old = str(make_header(decode_header(UNFOLD.sub("", old[header]))))
    decoded_new = str(email.message_from_bytes(raw, policy=policy.default)[header])
    return decoded_old, decoded_new


def message_with(subject: str, to: str = "reader@example.org"):
    message = email.message.EmailMessage(policy=MAIL_POLICY)
    message["From"] = "CICA Secretariat <secretariat@cica.example>"
    message["To"] = to
    message["Subject"] = subject
    message.set_content("Текст письма.")
    return message


def test_the_subject_that_lost_its_space_arrives_whole():
    assert len(LONG.encode("utf-8")) > 78 and len(LONG) > 78
    raw = wire_bytes(message_with(LONG))
    assert read_back(raw) == (LONG, LONG)
    assert b"\r\n " in raw.split(b"\r\n\r\n")[0]  # the header was folded, and nothing was lost
    assert all(len(line) <= 78 for line in raw.split(b"\r\n\r\n")[0].split(b"\r\n"))


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, min_size=8, max_size=30))
def test_any_long_cyrillic_subject_comes_back_exactly(words):
    subject = " ".join(words)
    raw = wire_bytes(message_with(subject))
    assert read_back(raw) == (subject, subject)


@pytest.mark.parametrize("name", ["Секретариат СВМДА", "Председатель Комитета старших должностных лиц СВМДА "
                                                         "в Республике Казахстан по вопросам сотрудничества"])
def test_a_cyrillic_display_name_keeps_its_spaces(name):
    raw = wire_bytes(message_with("Проверка", to=f"{name} <chair@example.org>"))
    old, new = read_back(raw, "To")
    assert old == new == f"{name} <chair@example.org>"
    assert email.message_from_bytes(raw, policy=policy.default)["To"].addresses[0].display_name == name


def test_ascii_headers_are_folded_as_before():
    subject = "Reminder: " + "Senior Officials Committee " * 5
    raw = wire_bytes(message_with(subject.strip()))
    assert b"=?utf-8?" not in raw.split(b"\r\n\r\n")[0]
    assert read_back(raw) == (subject.strip(), subject.strip())


def test_a_russian_meeting_mail_sent_through_smtp_reads_back_exactly(app_ctx, reference, smtp_sink, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app_ctx.config, "MAIL_SERVER", smtp_sink.hostname)
    monkeypatch.setitem(app_ctx.config, "MAIL_PORT", smtp_sink.port)
    soc = db.session.scalar(select(Body).where(Body.code == "SOC"))
    title = "Внеочередная сессия КСДЛ по вопросам безопасности и сотрудничества в Азии"
    with freeze_time("2027-01-10 12:00:00"):
        meeting = service.create_meeting(None, MeetingData(
            body_id=soc.id, title_en="Extraordinary session of the SOC", title_ru=title,
            starts_at=datetime(2027, 6, 1, 10), ends_at=datetime(2027, 6, 2, 18), timezone="Asia/Almaty"))
    kaz = db.session.scalar(select(Delegation).join(State).where(State.code == "KAZ"))
    reader = delegate(kaz, language="ru", name="Айгерим Сапарова")
    message = meeting_mail.render(meeting, reader, NotificationKind.MEETING_INVITATION)
    mail.send(message)
    (envelope,) = smtp_sink.messages
    expected = f"Приглашение: {title}, 1 июня 2027"
    assert read_back(envelope.content) == (expected, expected)
