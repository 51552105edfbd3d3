"""The English and Russian text of a document side by side, for its readers only
(404 for the others); it says when a text is not extracted yet or is a scan;
opening it marks the document read and is audited. Officers see how far each
file's text has been read on the document page."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.documents.models import Receipt
from secretariat_app.documents.text import extraction
from secretariat_app.extensions import db
from tests.documents_helpers import READS, add_version, cast, circulate, library, make_document
from tests.text_samples import make, scanned_pdf


@pytest.fixture
def world(app_ctx):
    c = cast()
    return c, library(c)


def bilingual(c):
    document = make_document("Energy", "Энергетика", languages=())
    english = add_version(document, "en", make("docx", "Energy security of the region"))
    russian = add_version(document, "ru", make("odt", "Энергетическая безопасность региона"))
    circulate(document, c.alpha)
    return document, english, russian


def url(document) -> str:
    return f"/documents/{document.id}/text"


def test_both_texts_side_by_side_once_extracted(app_ctx, client, login):
    c = cast()
    document, english, russian = bilingual(c)
    login(c.a1)
    page = client.get(url(document)).get_data(as_text=True)
    assert page.count("not been extracted yet") == 2
    extraction.extract_here()
    page = client.get(url(document)).get_data(as_text=True)
    assert 'class="grid2 side-by-side"' in page  # two columns, stacked on a phone (style.css)
    english_part, russian_part = page.split('data-language="ru"')
    assert "Energy security of the region" in english_part and 'lang="en"' in english_part
    assert "Энергетическая безопасность региона" in russian_part
    assert db.session.scalar(select(func.count(Receipt.id)).where(Receipt.user_id == c.a1.id)) == 1
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "document.read_text")) == 2


def test_a_scan_and_a_missing_language_are_said_so(app_ctx, client, login):
    c = cast()
    document = make_document("Scanned", "Скан", languages=())
    add_version(document, "en", scanned_pdf())
    circulate(document, c.alpha)
    extraction.extract_here()
    login(c.a1)
    page = client.get(url(document)).get_data(as_text=True)
    assert 'data-status="scan"' in page and "This file is a scan" in page
    assert 'data-status="none"' in page and "no file in this language" in page


@pytest.mark.parametrize("who", sorted(READS))
def test_only_readers_of_the_document_see_its_text(world, client, login, who):
    c, docs = world
    login(getattr(c, who))
    for key, document in docs.items():
        assert client.get(url(document)).status_code == (200 if key in READS[who] else 404), key


def test_the_side_by_side_link_and_the_text_status_on_the_pages(app_ctx, client, login):
    c = cast()
    document, english, russian = bilingual(c)
    extraction.extract_here()
    login(c.officer)
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert page.count('data-text-status="extracted"') == 2 and f'href="{url(document)}"' in page
    client = client.application.test_client()
    from tests.conftest import log_in

    log_in(client, c.a1.email)
    assert f'href="{url(document)}"' in client.get(f"/inbox/{document.id}").get_data(as_text=True)


def test_the_officer_sees_a_file_waiting_and_an_unreadable_one(app_ctx, client, login):
    c = cast()
    document = make_document("Broken", "Сломанный", languages=())
    add_version(document, "en", b"%PDF-1.4\nbroken\n")
    add_version(document, "ru", make("txt", "Текст"))
    extraction.extract(document.versions[0].file_sha256)
    login(c.officer)
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert 'data-text-status="unreadable"' in page and 'data-text-status="pending"' in page
