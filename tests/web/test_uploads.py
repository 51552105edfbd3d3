"""Every upload door, through its real form (test client, CSRF): the language
version of a document, the file of a CBM paper and the attachment of an
activity report. The hostile files of tests/upload_samples.py are each
refused with their message under the file field (200, never a 500) and
leave no row and no stored file; the good ones are accepted, and plain text
comes back as a text/plain attachment with nosniff. On SQLite and PostgreSQL."""
from __future__ import annotations

import html as html_lib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from secretariat_app.cbm.models import CbmActivityReport, CbmAttachment, PaperKind, PaperStatus
from secretariat_app.documents.models import DocumentVersion, StoredFile
from secretariat_app.extensions import db
from tests import cbm_builders as build
from tests import upload_samples as samples
from tests.conftest import log_in, post_form
from tests.documents_helpers import body
from tests.documents_setup import PNG, make_document
from tests.factories import officer
from tests.form_errors import error_fields
from tests.test_filetypes import short

ERROR_RE = re.compile(r'<p class="error" role="alert">(.*?)</p>', re.S)


@dataclass
class Door:
    client: FlaskClient
    url: str
    fields: dict[str, str]
    rows: Callable[[], int]
    download: Callable[[], str]  # the download address of the latest file accepted


def latest_version() -> DocumentVersion:
    db.session.expire_all()
    return db.session.scalars(select(DocumentVersion).order_by(DocumentVersion.id.desc())).first()


def document_door(app, world, user=None) -> Door:
    client = app.test_client()
    log_in(client, (user or world.officer).email)
    document = make_document(world, with_file=False)
    return Door(client, f"/documents/{document.id}/upload", {"language": "en", "other_language": ""},
                lambda: db.session.query(DocumentVersion).count(),
                lambda: f"/documents/versions/{latest_version().id}/download")


def paper_door(app) -> Door:
    body("SWG"), body("SOC")
    area = build.area("smes")
    coordinator = build.coordinator_user(area)
    paper = build.paper(area, PaperKind.CONCEPT_PAPER, PaperStatus.DRAFT)
    client = app.test_client()
    log_in(client, coordinator.email)
    return Door(client, f"/cbm/papers/{paper.id}/upload", {"language": "en", "other_language": ""},
                lambda: db.session.query(DocumentVersion).count(),
                lambda: f"/cbm/papers/{paper.id}/files/{latest_version().id}")


def attachment_door(app) -> Door:
    cast = build.cbm_cast()
    report = build.annual_report(cast.area, 2026)
    build.activity_report(build.activity(cast.plan), report, participants=12,
                          states=[cast.coordinator.delegation.state])
    row = db.session.scalar(select(CbmActivityReport))
    client = app.test_client()
    log_in(client, cast.coordinator.email)

    def download() -> str:
        db.session.expire_all()
        latest = db.session.scalars(select(CbmAttachment.id).order_by(CbmAttachment.id.desc())).first()
        return f"/cbm/attachments/{latest}"

    return Door(client, f"/cbm/activity-reports/{row.id}/attachments/new", {},
                lambda: db.session.query(CbmAttachment).count(), download)


@pytest.fixture(params=["document", "paper", "attachment"])
def door(request, app) -> Door:
    if request.param == "document":
        return document_door(app, request.getfixturevalue("world"))
    request.getfixturevalue("app_ctx")
    return paper_door(app) if request.param == "paper" else attachment_door(app)


def send(door: Door, name: str, content: bytes):
    data = {**door.fields, "file": (io.BytesIO(content), name)}
    return post_form(door.client, door.url, data, content_type="multipart/form-data")


def stored_files(app) -> list[str]:
    from pathlib import Path

    root = Path(app.config["FILE_STORE_DIR"])
    return sorted(p.name for p in root.glob("??/??/*"))


def test_each_hostile_file_is_refused_at_every_door_with_its_message(app, door):
    rows, files = door.rows(), stored_files(app)
    for name, content, words in samples.HOSTILE:
        response = send(door, name, content)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, (name, response.status_code)
        assert error_fields(page) == ["file"], name
        assert words in html_lib.unescape(" ".join(ERROR_RE.findall(page))), (name, ERROR_RE.findall(page))
    assert door.rows() == rows and stored_files(app) == files


def test_good_files_are_accepted_at_every_door_and_served_as_their_content(app, door):
    rows = door.rows()
    for count, (name, content, extension, content_type) in enumerate(samples.GOOD, start=1):
        response = send(door, name, content)
        assert response.status_code == 302, (name, ERROR_RE.findall(response.get_data(as_text=True)))
        assert door.rows() == rows + count, name
        got = door.client.get(door.download())
        assert got.status_code == 200 and got.data == content, name
        assert got.headers["Content-Type"] == content_type, name
        # A language version's PDF opens in the browser (sandboxed); every other file is an attachment.
        inline = content_type == "application/pdf" and door.download().startswith("/documents/versions/")
        assert got.headers["Content-Disposition"].startswith("inline" if inline else "attachment"), name
        assert got.headers["X-Content-Type-Options"] == "nosniff", name
        assert re.search(rf"\.{extension}\b", got.headers["Content-Disposition"]), name


def test_a_shell_script_named_txt_is_text_served_as_a_plain_text_attachment(app, world):
    door = document_door(app, world)
    assert send(door, "cleanup.txt", samples.SHELL_SCRIPT).status_code == 302
    stored = db.session.get(StoredFile, latest_version().file_sha256)
    assert (stored.extension, stored.content_type) == ("txt", "text/plain; charset=utf-8")
    got = door.client.get(door.download())
    assert got.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.data.decode() == samples.SHELL_SCRIPT.decode()


@pytest.mark.parametrize("name,content,russian", [
    ("minutes.pdf", samples.HTML, "веб-страница (HTML)"),
    ("emblem.png", samples.SVG, "рисунок SVG"),
    ("bomb.docx", samples.docx_bomb(200), "занял бы 200 МБ — больше допустимых 100 МБ"),
    ("agenda.docx", samples.plain_zip(), "архив ZIP"),
    ("photo.jpg", PNG, "по содержимому это файл PNG"),
], ids=short)
def test_the_refusal_is_in_the_readers_language(app, world, name, content, russian):
    door = document_door(app, world, officer(language="ru"))
    response = send(door, name, content)
    assert response.status_code == 200
    assert russian in html_lib.unescape(" ".join(ERROR_RE.findall(response.get_data(as_text=True))))


def test_the_office_limits_are_read_from_the_configuration(app, world, monkeypatch):
    door = document_door(app, world)
    dense = samples.docx_bomb(20)
    assert "more than the 100 to 1" in html_lib.unescape(send(door, "dense.docx", dense).get_data(as_text=True))
    monkeypatch.setitem(app.config, "OFFICE_MAX_COMPRESSION_RATIO", 2000)
    assert send(door, "dense.docx", dense).status_code == 302
    monkeypatch.setitem(app.config, "OFFICE_MAX_UNPACKED_SIZE", 10 * samples.MIB)
    page = html_lib.unescape(send(door, "again.docx", samples.docx_bomb(11)).get_data(as_text=True))
    assert "would unpack to 11 MB, more than the 10 MB" in page
    monkeypatch.setitem(app.config, "OFFICE_MAX_PARTS", 2)
    assert "has 3 parts, more than the 2" in html_lib.unescape(
        send(door, "small.docx", samples.DOCX).get_data(as_text=True))
