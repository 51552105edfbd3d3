"""The clearing house's officer actions through the pages: uploads (and their
refusals), circulation, derestriction, withdrawal, acknowledgements and the
chase button."""
from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.documents.models import (
    Acknowledgement,
    Circulation,
    DistributionLevel,
    DocumentStatus,
    DocumentVersion,
    NamedRecipient,
    StoredFile,
)
from secretariat_app.documents.services.circulation import (
    Audience,
    CirculationData,
    circulate,
)
from secretariat_app.documents.services.versions import UploadData, upload
from secretariat_app.extensions import db
from secretariat_app.notices.models import Notification, NotificationKind
from tests.conftest import log_in, post_form
from tests.documents_setup import (
    DOCX,
    ELF,
    PDF,
    counts,
    make_document,
)

ERROR_FIELD_RE = re.compile(r'<div class="field has-error">\s*<label(?: for="(\w+)">|>[^<]*</label>\s*<ul id="(\w+)")')


def error_fields(html: str) -> list[str]:
    """The fields shown with an error (a radio list has its id on the list, not the label)."""
    return [label or radio for label, radio in ERROR_FIELD_RE.findall(html)]


def send_file(client, document, content: bytes, name: str = "report.pdf", language: str = "en", **extra):
    data = {"language": language, "other_language": "", "file": (io.BytesIO(content), name), **extra}
    return post_form(client, f"/documents/{document.id}/upload", data, content_type="multipart/form-data")


def notices(document, kind: NotificationKind) -> set[int]:
    return set(db.session.scalars(select(Notification.recipient_id).where(
        Notification.kind == kind, Notification.subject_id == document.id)))


# Uploads ----------------------------------------------------------------------------------------------

def test_an_officer_uploads_language_versions(client, login, world):
    document = make_document(world, with_file=False)
    login(world.officer)
    html = client.get(f"/documents/{document.id}/upload").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    assert send_file(client, document, PDF, name="../../etc/passwd\x00.pdf").status_code == 302
    assert send_file(client, document, DOCX, name="перевод.docx", language="ru").status_code == 302
    db.session.expire_all()
    versions = db.session.scalars(select(DocumentVersion).order_by(DocumentVersion.id)).all()
    assert [(v.language, v.file.extension) for v in versions] == [("en", "pdf"), ("ru", "docx")]
    html = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert f"/documents/versions/{versions[0].id}/download" in html
    assert 'data-state="missing"' not in html and 'data-state="stale"' not in html


def test_an_original_language_is_uploaded_with_its_code(client, login, world):
    document = make_document(world, with_file=False)
    login(world.officer)
    assert send_file(client, document, PDF, language="other", other_language="zh").status_code == 302
    version = db.session.scalar(select(DocumentVersion))
    assert (version.language, version.is_original) == ("zh", True)


def test_refused_uploads_name_the_file_field_and_change_nothing(client, login, world, app, monkeypatch):
    document = make_document(world, with_file=False)
    login(world.officer)
    monkeypatch.setitem(app.config, "MAX_UPLOAD_SIZE", 200)
    before = counts()
    for content, name, message in ((ELF, "minutes.pdf", "not accepted"), (b"", "empty.pdf", "empty"),
                                   (PDF + b"x" * 300, "big.pdf", "larger than")):
        response = send_file(client, document, content, name=name)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and error_fields(html) == ["file"], name
        assert message in html, name
    response = post_form(client, f"/documents/{document.id}/upload", {"language": "en"},
                         content_type="multipart/form-data")
    assert error_fields(response.get_data(as_text=True)) == ["file"]
    response = send_file(client, document, PDF, language="other", other_language="x1")
    assert error_fields(response.get_data(as_text=True)) == ["language"]
    assert counts() == before


def test_an_oversized_request_gets_a_readable_413(client, login, world, app, monkeypatch):
    document = make_document(world, with_file=False)
    login(world.officer)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = send_file(client, document, PDF + b"x" * 5000)
    assert response.status_code == 413 and "larger than the system accepts" in response.get_data(as_text=True)


def test_the_page_shows_missing_and_stale_languages(client, login, world):
    document = make_document(world, with_file=False)
    t0 = datetime(2024, 5, 1, tzinfo=UTC)
    for language, content, when in (("en", PDF, t0), ("ru", PDF + b"ru", t0 + timedelta(hours=1))):
        upload(world.officer, document, UploadData(language, io.BytesIO(content)), now=when)
    login(world.officer)
    html = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert 'data-state="missing"' not in html and 'data-state="stale"' not in html
    upload(world.officer, document, UploadData("en", io.BytesIO(PDF + b"v2")), now=t0 + timedelta(hours=2))
    html = client.get(f"/documents/{document.id}").get_data(as_text=True)
    russian = html[html.index('<tr data-language="ru">'):]
    assert 'data-state="stale"' in russian[:russian.index("</tr>")]
    other = make_document(world, with_file=False)
    html = client.get(f"/documents/{other.id}").get_data(as_text=True)
    assert html.count('data-state="missing"') == 2


# Circulation ---------------------------------------------------------------------------------------------

def test_an_officer_circulates_to_the_members(client, login, world):
    document = make_document(world)
    login(world.officer)
    response = post_form(client, f"/documents/{document.id}/circulate", {"audience": "members"})
    assert response.status_code == 302
    db.session.expire_all()
    assert document.status == DocumentStatus.CIRCULATED
    rows = db.session.scalars(select(Circulation).where(Circulation.document_id == document.id)).all()
    assert {(r.delegation_id, r.circulated_by_id) for r in rows} == {
        (world.member_a.id, world.officer.id), (world.member_b.id, world.officer.id)}
    assert notices(document, NotificationKind.DOCUMENT_CIRCULATED) == {world.a1.id, world.a2.id, world.b1.id}
    before = counts()
    response = post_form(client, f"/documents/{document.id}/circulate", {"audience": "members"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "already been circulated to every recipient" in html
    assert counts() == before


def test_limited_to_an_observer_is_refused_on_the_page(client, login, world):
    document = make_document(world, level=DistributionLevel.LIMITED)
    login(world.officer)
    before = counts()
    response = post_form(client, f"/documents/{document.id}/circulate",
                         {"audience": "delegations", "delegation_ids": [str(world.observer.id)]})
    html = response.get_data(as_text=True)
    assert error_fields(html) == ["audience"] and "member delegations only" in html and "Carpania" in html
    assert counts() == before


def test_restricted_to_named_persons_on_the_page(client, login, world):
    document = make_document(world, level=DistributionLevel.RESTRICTED)
    login(world.officer)
    html = client.get(f"/documents/{document.id}/circulate").get_data(as_text=True)
    assert f'value="{world.a1.id}"' in html
    response = post_form(client, f"/documents/{document.id}/circulate",
                         {"audience": "persons", "user_ids": [str(world.a1.id), str(world.b1.id)]})
    assert response.status_code == 302
    named = set(db.session.scalars(select(NamedRecipient.user_id)))
    assert named == {world.a1.id, world.b1.id}
    assert notices(document, NotificationKind.DOCUMENT_CIRCULATED) == {world.a1.id, world.b1.id}


def test_a_draft_without_files_is_not_circulated(client, login, world):
    document = make_document(world, with_file=False)
    login(world.officer)
    html = post_form(client, f"/documents/{document.id}/circulate", {"audience": "members"}).get_data(as_text=True)
    assert "Upload at least one language version" in html
    assert db.session.scalar(select(Circulation.id)) is None


# Derestriction and withdrawal ---------------------------------------------------------------------------------

def test_derestriction_through_the_page_is_logged(client, login, world):
    document = make_document(world, level=DistributionLevel.RESTRICTED)
    login(world.officer)
    html = client.get(f"/documents/{document.id}/derestrict").get_data(as_text=True)
    assert 'value="limited"' in html and 'value="general"' in html and 'value="restricted"' not in html
    assert post_form(client, f"/documents/{document.id}/derestrict", {"level": "limited"}).status_code == 302
    response = post_form(client, f"/documents/{document.id}/derestrict", {"level": "restricted"})
    assert error_fields(response.get_data(as_text=True)) == ["level"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document.derestrict"))
    assert (entry.before["level"], entry.after["level"]) == ("restricted", "limited")


def test_withdrawal_needs_a_reason(client, login, world):
    document = make_document(world)
    circulate(world.officer, document, CirculationData(Audience.MEMBERS))
    login(world.officer)
    before = counts()
    response = post_form(client, f"/documents/{document.id}/withdraw", {"reason": "  "})
    assert error_fields(response.get_data(as_text=True)) == ["reason"]
    assert counts() == before
    response = post_form(client, f"/documents/{document.id}/withdraw", {"reason": "Issued in error."})
    assert response.status_code == 302
    db.session.expire_all()
    assert (document.status, document.status_reason) == (DocumentStatus.WITHDRAWN, "Issued in error.")
    assert "Issued in error." in client.get(f"/documents/{document.id}").get_data(as_text=True)


def test_the_reason_for_a_withdrawal_in_russian_for_a_russian_reader(client, login, world):
    document = make_document(world)
    circulate(world.officer, document, CirculationData(Audience.MEMBERS))
    login(world.officer)
    assert 'name="reason_ru"' in client.get(f"/documents/{document.id}/withdraw").get_data(as_text=True)
    response = post_form(client, f"/documents/{document.id}/withdraw",
                         {"reason": "Issued in error.", "reason_ru": "Выпущен по ошибке."})
    assert response.status_code == 302
    pages = {}
    for language in ("ru", "en"):
        world.a1.language = language
        db.session.commit()
        reader = client.application.test_client()
        log_in(reader, world.a1.email)
        pages[language] = reader.get(f"/inbox/{document.id}").get_data(as_text=True)
    assert "Выпущен по ошибке." in pages["ru"] and "Issued in error." not in pages["ru"]
    assert "Issued in error." in pages["en"] and "Выпущен по ошибке." not in pages["en"]


# Acknowledgements ---------------------------------------------------------------------------------------------

def test_the_acknowledgement_view_and_the_chase_button(client, login, world):
    document = make_document(world)
    circulate(world.officer, document, CirculationData(Audience.MEMBERS_AND_OBSERVERS))
    db.session.add(Acknowledgement(document_id=document.id, delegation_id=world.member_a.id,
                                   acknowledged_by_id=world.a1.id))
    db.session.commit()
    login(world.officer)
    html = client.get(f"/documents/{document.id}/acknowledgements").get_data(as_text=True)
    assert re.findall(r'data-delegation="(\d+)" data-acknowledged="(\w+)"', html) == [
        (str(world.member_b.id), "no"), (str(world.observer.id), "no"), (str(world.member_a.id), "yes")]
    url = f"/documents/{document.id}/chase"
    response = post_form(client, url, {}, page=f"/documents/{document.id}/acknowledgements")
    assert response.status_code == 302
    assert notices(document, NotificationKind.ACKNOWLEDGEMENT_CHASER) == {world.b1.id, world.obs1.id}
    assert "2 reminder(s) queued" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_stored_files_are_not_the_users_names(client, login, world, app):
    document = make_document(world, with_file=False)
    login(world.officer)
    send_file(client, document, PDF + b"named", name="../../../evil.pdf")
    sha = db.session.scalar(select(StoredFile.sha256).where(StoredFile.size == len(PDF) + 5))
    from pathlib import Path

    root = Path(app.config["FILE_STORE_DIR"])
    assert (root / sha[:2] / sha[2:4] / sha).is_file()
    assert not any("evil" in p.name for p in root.rglob("*")) and not (root.parent / "evil.pdf").exists()
