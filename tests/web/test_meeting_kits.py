"""Meeting kits: a ZIP of every document of a meeting that the reader may read
(never another), newest file of each language, with a bilingual index as HTML
and PDF; prepared by a worker, kept by the digest of what it holds (the same
set is built once), and audited as a download of each document."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.core.storage import file_store
from secretariat_app.documents.kits import build as kits_build
from secretariat_app.documents.kits import services as kits
from secretariat_app.documents.models import KitStatus, MeetingKit, Receipt
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Invitation
from tests.conftest import csrf_token, log_in
from tests.documents_helpers import READS, add_version, cast, circulate, library, make_document, meeting
from tests.factories import delegate

BUILD = "workers.tasks.documents.build_meeting_kit"


@pytest.fixture
def world(app_ctx):
    c = cast()
    docs = library(c)
    held = meeting("SOC 2027")
    for document in docs.values():
        document.meeting_id = held.id
    db.session.commit()
    return c, docs, held


def kit_url(held, suffix: str = "") -> str:
    return f"/documents/meetings/{held.id}/kit{suffix}"


def prepare(client, held, language: str = "both"):
    token = csrf_token(client, kit_url(held, f"?language={language}"))
    return client.post(kit_url(held), data={"csrf_token": token, "language": language})


def downloaded_zip(client, held, language: str = "both") -> zipfile.ZipFile:
    response = client.get(kit_url(held, f"/{language}.zip"))
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return zipfile.ZipFile(io.BytesIO(response.data))


def kit_downloads() -> list[AuditEntry]:
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "document.download")).all()
    return [entry for entry in entries if (entry.after or {}).get("via") == "meeting_kit"]


@pytest.mark.parametrize("who", sorted(READS))
def test_a_kit_holds_exactly_what_its_reader_may_read(world, client, login, sent_tasks, who):
    c, docs, held = world
    login(getattr(c, who))
    assert prepare(client, held).status_code == 302
    assert sent_tasks.names() == [BUILD]
    page = client.get(kit_url(held)).get_data(as_text=True)
    assert 'data-state="building"' in page and 'http-equiv="refresh"' in page
    sent_tasks.run()
    assert 'data-state="ready"' in client.get(kit_url(held)).get_data(as_text=True)
    archive = downloaded_zip(client, held)
    readable = {key for key in docs if key in READS[who]}
    expected = {f"documents/{docs[key].symbol.replace('/', '-')}-{language}.pdf"
                for key in readable for language in ("en", "ru")}
    assert set(archive.namelist()) == expected | {"index.html", "index.pdf"}
    index = archive.read("index.html").decode()
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(archive.read("index.pdf"))).pages)
    for key, document in docs.items():
        shown = key in readable
        assert (f">{document.symbol}</a>" in index) is shown, key
        assert (f"{key} заголовок" in index) is shown, key
        assert (f"{key} заголовок" in pdf_text) is shown, key  # Cyrillic in the PDF, as text
    for name in expected:
        version = next(v for d in docs.values() for v in d.versions
                       if f"documents/{d.symbol.replace('/', '-')}-{v.language}.pdf" == name)
        assert archive.read(name) == file_store().path_for(version.file_sha256).read_bytes()


def test_a_reader_of_no_document_of_the_meeting_sees_no_kit(world, client, login, sent_tasks):
    c, docs, held = world
    other = meeting("SWG 2027", code="SWG")
    secret = make_document("Only for beta", "Только для бета")
    secret.meeting_id = other.id
    db.session.commit()
    circulate(secret, c.beta)
    login(c.a1)
    assert client.get(kit_url(other)).status_code == 404
    assert client.get(kit_url(other, "?language=en")).status_code == 404
    token = csrf_token(client, kit_url(held))
    assert client.post(kit_url(other), data={"csrf_token": token, "language": "both"}).status_code == 404
    assert client.get(kit_url(other, "/both.zip")).status_code == 404
    assert client.get(kit_url(held)).status_code == 200  # their own meeting: fine
    assert db.session.scalar(select(func.count()).select_from(MeetingKit).where(MeetingKit.meeting_id == other.id)) == 0


def test_the_same_set_is_built_once_and_shared(world, client, login, sent_tasks, monkeypatch):
    c, docs, held = world
    login(c.a2)
    prepare(client, held)
    sent_tasks.run()
    first = db.session.scalar(select(MeetingKit))
    stamp = kits.kit_path(first.digest).stat().st_mtime_ns
    # Another delegate of the same delegation reads the same documents: the same kit, ready at once.
    colleague = delegate(c.alpha)
    other = client.application.test_client()
    log_in(other, colleague.email)
    assert 'data-state="ready"' in other.get(kit_url(held)).get_data(as_text=True)
    assert prepare(other, held).status_code == 302
    assert sent_tasks == []  # nothing to build
    monkeypatch.setattr(kits_build, "write_zip", lambda *a: (_ for _ in ()).throw(AssertionError("rebuilt")))
    assert kits_build.build_kit(first.id) is KitStatus.READY  # a late duplicate task builds nothing
    assert db.session.scalar(select(func.count()).select_from(MeetingKit)) == 1
    assert kits.kit_path(first.digest).stat().st_mtime_ns == stamp
    # a1 also reads R1: another set, another kit.
    third = client.application.test_client()
    log_in(third, c.a1.email)
    prepare(third, held)
    assert sent_tasks.names() == [BUILD]
    assert db.session.scalar(select(func.count()).select_from(MeetingKit)) == 2


def test_downloading_a_kit_audits_a_download_of_every_document_in_it(world, client, login, sent_tasks):
    c, docs, held = world
    login(c.b1)
    prepare(client, held)
    sent_tasks.run()
    assert kit_downloads() == []  # preparing is not downloading
    archive = downloaded_zip(client, held)
    entries = kit_downloads()
    files = [name for name in archive.namelist() if name.startswith("documents/")]
    assert len(entries) == len(files) == 2 * len(READS["b1"])
    assert {entry.object_id for entry in entries} == {str(docs[key].id) for key in READS["b1"]}
    assert all(entry.actor_id == c.b1.id and entry.after["kit"] for entry in entries)
    receipts = set(db.session.scalars(select(Receipt.document_id).where(Receipt.user_id == c.b1.id)))
    assert receipts == {docs[key].id for key in READS["b1"]}


def test_newest_file_of_each_language_and_one_language_only(world, client, login, sent_tasks):
    c, docs, held = world
    newer = add_version(docs["G1"], "en", content=b"%PDF-1.4\n% the corrected English text\n%%EOF\n")
    login(c.g1)
    prepare(client, held, "en")
    sent_tasks.run()
    archive = downloaded_zip(client, held, "en")
    names = [name for name in archive.namelist() if name.startswith("documents/")]
    assert names and all(name.endswith("-en.pdf") for name in names)
    g1 = f"documents/{docs['G1'].symbol.replace('/', '-')}-en.pdf"
    assert archive.read(g1) == file_store().path_for(newer.file_sha256).read_bytes()
    assert "Russian" not in archive.read("index.html").decode().split("<tbody>")[1]


def test_a_kit_whose_documents_changed_is_prepared_again_not_served(world, client, login, sent_tasks):
    c, docs, held = world
    login(c.b1)
    prepare(client, held)
    sent_tasks.run()
    circulate(docs["G2"], c.beta)  # one more document b1 may read
    response = client.get(kit_url(held, "/both.zip"))
    assert response.status_code == 302 and kit_downloads() == []
    assert 'data-state="none"' in client.get(kit_url(held)).get_data(as_text=True)


def test_a_kit_that_could_not_be_built_is_offered_again(world, client, login, sent_tasks):
    c, docs, held = world
    file_store().path_for(docs["G1"].versions[0].file_sha256).unlink()
    login(c.g1)
    prepare(client, held)
    sent_tasks.run()
    assert db.session.scalar(select(MeetingKit.status)) is KitStatus.FAILED
    page = client.get(kit_url(held)).get_data(as_text=True)
    assert 'data-state="failed"' in page and "Prepare the kit" in page
    assert client.get(kit_url(held, "/both.zip")).status_code == 302


def test_a_language_not_offered_is_a_400(world, client, login):
    c, docs, held = world
    login(c.a1)
    assert client.get(kit_url(held, "?language=fr")).status_code == 400
    assert client.get(kit_url(held, "/fr.zip")).status_code == 400


def test_the_kit_is_offered_on_the_meeting_pages_and_in_the_inbox_meeting_filter(world, client, login):
    c, docs, held = world
    login(c.officer)
    page = client.get(f"/meetings/{held.id}").get_data(as_text=True)
    assert f'href="{kit_url(held)}"' in page
    client = client.application.test_client()
    log_in(client, c.a1.email)
    page = client.get(f"/inbox/?meeting={held.id}").get_data(as_text=True)
    assert re.search(rf'href="{kit_url(held)}" class="meeting-kit"', page)
    assert "meeting-kit" not in client.get("/inbox/").get_data(as_text=True)
    db.session.add(Invitation(meeting_id=held.id, delegation_id=c.alpha.id))
    db.session.commit()
    page = client.get(f"/delegation/meetings/{held.id}").get_data(as_text=True)
    assert f'href="{kit_url(held)}" class="meeting-kit"' in page


def test_old_kits_are_swept_with_their_files(world, client, login, sent_tasks):
    from datetime import timedelta

    from secretariat_app.core.columns import utcnow

    c, docs, held = world
    login(c.b1)
    prepare(client, held)
    sent_tasks.run()
    kit = db.session.scalar(select(MeetingKit))
    path = kits.kit_path(kit.digest)
    assert path.is_file()
    assert kits.sweep_kits(now=utcnow() + timedelta(hours=1)) == 0 and path.is_file()
    assert kits.sweep_kits(now=utcnow() + timedelta(hours=kits.KEEP_HOURS + 1)) == 1
    assert not path.is_file() and db.session.scalar(select(func.count()).select_from(MeetingKit)) == 0
    assert 'data-state="none"' in client.get(kit_url(held)).get_data(as_text=True)  # asked for again if wanted


@pytest.mark.parametrize(("language", "shown"), [("en", "5 March 2027"), ("ru", "5 марта 2027")])
def test_the_kit_page_shows_each_document_day_in_the_reader_language(world, client, login, language, shown):
    from datetime import UTC, datetime
    c, docs, held = world
    docs["G1"].circulated_at = datetime(2027, 3, 4, 20, 30, tzinfo=UTC)  # 5 March in Almaty (UTC+5)
    c.a1.language = language
    db.session.commit()
    login(c.a1)
    page = client.get(kit_url(held)).get_data(as_text=True)
    row = next(line for line in page.splitlines() if docs["G1"].symbol in line and "<td>" in line)
    assert f"<td>{shown}</td>" in row and "2027-03-05" not in row
