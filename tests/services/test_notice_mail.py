"""The mail of a notice: plain text and HTML, the recipient's language and
time zone, the link to the right page, the row's Message-ID."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale, gettext

from secretariat_app.cycles.models import CycleFinding
from secretariat_app.extensions import db
from secretariat_app.notices import kinds
from secretariat_app.notices.models import Notification, NotificationKind
from secretariat_app.notices.services import rendering
from tests.documents_helpers import make_document
from tests.factories import delegate, officer

BASE = "http://127.0.0.1:5000"
RAISED = datetime(2025, 6, 1, 3, 0, tzinfo=UTC)


def notice(kind: NotificationKind, subject_type: str, subject_id: int, user) -> Notification:
    row = Notification(kind=kind, subject_type=subject_type, subject_id=subject_id, recipient_id=user.id,
                       due_at=RAISED)
    db.session.add(row)
    db.session.commit()
    return row


def parts(message) -> tuple[str, str]:
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())


def finding() -> CycleFinding:
    row = CycleFinding(key="rhythm|SUMMIT|late|2018|2019", rule="rhythm", body="SUMMIT", due_year=2018,
                       held_year=2019, severity="warning", message="The 5th Summit was held in 2019, due in 2018.",
                       raised_at=RAISED, first_seen_at=RAISED, last_seen_at=RAISED)
    db.session.add(row)
    db.session.commit()
    return row


def test_a_delegate_is_told_of_a_circulated_document_in_english(app_ctx):
    document = make_document("Annual report", "Ежегодный доклад")
    user = delegate(name="Aigerim", timezone="Europe/Moscow")
    row = notice(NotificationKind.DOCUMENT_CIRCULATED, "document", document.id, user)
    message = rendering.build(row)
    text, html = parts(message)
    assert message["To"] == user.email
    expected_id = f"<notice-{row.id}-document_circulated-document-{document.id}@cica.example>"
    assert message["Message-ID"] == row.message_id == expected_id
    assert message["Subject"] == f"CICA: document {document.symbol} has been circulated"
    assert "Dear Aigerim," in text and "Annual report" in text and "GENERAL" in text
    assert "1 March 2024, 12:00 (Europe/Moscow)" in text  # 09:00 UTC, in the reader's zone
    assert f"{BASE}/inbox/{document.id}" in text
    assert f'href="{BASE}/inbox/{document.id}"' in html and "<strong>Annual report</strong>" in html


def test_an_officer_gets_the_documents_own_page(app_ctx):
    document = make_document()
    row = notice(NotificationKind.DOCUMENT_CIRCULATED, "document", document.id, officer())
    text, html = parts(rendering.build(row))
    assert f"{BASE}/documents/{document.id}" in text and "/inbox/" not in text
    assert f'href="{BASE}/documents/{document.id}"' in html


def test_russian_readers_get_russian_titles_dates_and_texts(app_ctx):
    document = make_document("Annual report", "Ежегодный доклад")
    user = delegate(name="Иван", language="ru", timezone="Europe/Moscow")
    row = notice(NotificationKind.ACKNOWLEDGEMENT_CHASER, "document", document.id, user)
    message = rendering.build(row)
    text, html = parts(message)
    assert "Ежегодный доклад" in text and "Annual report" not in text
    assert "1 марта 2024, 12:00 (Europe/Moscow)" in text
    assert "Уважаемый(-ая) Иван," in text  # from the catalogue
    with force_locale("ru"):
        assert message["Subject"] == gettext("CICA: please acknowledge receipt of %(symbol)s", symbol=document.symbol)
    assert f"{BASE}/inbox/{document.id}" in text and f'href="{BASE}/inbox/{document.id}"' in html
    assert 'lang="ru"' in html


def test_the_chaser_in_english(app_ctx):
    document = make_document("Annual report", "Ежегодный доклад")
    row = notice(NotificationKind.ACKNOWLEDGEMENT_CHASER, "document", document.id, delegate())
    message = rendering.build(row)
    text, _html = parts(message)
    assert message["Subject"] == f"CICA: please acknowledge receipt of {document.symbol}"
    assert "not yet acknowledged receipt" in text and f"{BASE}/inbox/{document.id}" in text


@pytest.mark.parametrize("language, subject, intro", [
    ("en", "CICA cycle check: 1 new departure(s) from the rules", "The daily check of the cycle rules found:"),
    ("ru", "Проверка цикла СВМДА: новых отступлений от правил — 1",
     "Ежедневная проверка соблюдения правил цикла выявила следующее:"),
])
def test_a_cycle_finding_tells_officers_in_their_language(app_ctx, language, subject, intro):
    found = finding()
    row = notice(NotificationKind.CYCLE_FINDING, "cycle_finding", found.id, officer(language=language))
    message = rendering.build(row)
    text, html = parts(message)
    assert message["Subject"] == subject
    assert intro in text and found.message in text and f"{BASE}/cycles/" in text
    assert f'href="{BASE}/cycles/"' in html and found.message in html


def test_html_escapes_what_people_typed(app_ctx):
    document = make_document("<script>alert(1)</script> & more")
    row = notice(NotificationKind.DOCUMENT_CIRCULATED, "document", document.id, delegate(name="O'Brien <b>"))
    text, html = parts(rendering.build(row))
    assert "<script>" not in html and "&lt;script&gt;" in html and "O&#39;Brien &lt;b&gt;" in html
    assert "<script>alert(1)</script> & more" in text  # plain text stays as typed


def test_a_notice_whose_subject_is_gone_is_not_deliverable(app_ctx):
    row = notice(NotificationKind.DOCUMENT_CIRCULATED, "document", 4242, delegate())
    with pytest.raises(rendering.NotDeliverable, match="document 4242 no longer exists"):
        rendering.build(row)


def test_a_kind_without_a_renderer_says_so(app_ctx, monkeypatch):
    monkeypatch.delitem(kinds.KINDS, NotificationKind.REPORT_DEADLINE, raising=False)  # every kind is registered
    row = notice(NotificationKind.REPORT_DEADLINE, "report", 1, delegate())
    with pytest.raises(rendering.NoRenderer, match="report_deadline"):
        rendering.build(row)
