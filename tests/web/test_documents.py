"""The clearing house's officer pages: who may use them, drafts, later
versions, the archive, a meeting's documents, and the 409 on deleting
anything circulated."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.documents.models import (
    DistributionLevel,
    Document,
    DocumentStatus,
    DocumentType,
    VersionKind,
)
from secretariat_app.documents.services.circulation import (
    Audience,
    CirculationData,
    circulate,
)
from secretariat_app.documents.services.documents import (
    LaterVersionData,
    create_later_version,
)
from secretariat_app.extensions import db
from tests.conftest import post_form
from tests.documents_setup import counts, make_document
from tests.form_errors import error_fields
from tests.forum_day import SUITE_DAY

pytestmark = pytest.mark.usefixtures("steady_forum_day")


def circulated(world, **overrides) -> Document:
    document = make_document(world, **overrides)
    circulate(world.officer, document, CirculationData(Audience.MEMBERS))
    return document


def officer_urls(document: Document, meeting_id: int) -> list[str]:
    base = f"/documents/{document.id}"
    return ["/documents/", "/documents/new", base, f"{base}/edit", f"{base}/later/new", f"{base}/upload",
            f"{base}/circulate", f"{base}/derestrict", f"{base}/withdraw", f"{base}/acknowledgements",
            f"/documents/meeting/{meeting_id}"]


def form(world, **overrides) -> dict[str, str]:
    values = {"body_id": str(world.soc.id), "year": "2024", "doc_type": "report", "originator": "secretariat",
              "originator_delegation_id": "", "meeting_id": "", "agenda_item_id": "", "level": "general",
              "title_en": "Annual report", "title_ru": "Годовой доклад"}
    values.update(overrides)
    return values


# Who may use the pages -----------------------------------------------------------------------

def test_anonymous_is_sent_to_log_in(client, world):
    document = make_document(world, level=DistributionLevel.RESTRICTED)
    for url in officer_urls(document, world.meeting.id):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url


def test_a_delegate_is_refused_every_officer_page_and_action(client, login, world):
    document = make_document(world, level=DistributionLevel.RESTRICTED)
    login(world.a1)
    for url in officer_urls(document, world.meeting.id):
        assert client.get(url).status_code == 403, url
    before = counts()
    for url, data in ((f"/documents/{document.id}/delete", {}), (f"/documents/{document.id}/chase", {}),
                      ("/documents/new", form(world)),
                      (f"/documents/{document.id}/circulate", {"audience": "persons", "user_ids": str(world.a1.id)})):
        assert post_form(client, url, data, page="/auth/password").status_code == 403, url
    assert counts() == before


# Drafts ------------------------------------------------------------------------------------------

def test_an_officer_creates_a_draft_and_gets_a_symbol(client, login, world):
    login(world.officer)
    response = post_form(client, "/documents/new", form(world))
    assert response.status_code == 302
    document = db.session.scalar(select(Document))
    assert (document.symbol, document.status) == ("CICA/SOC/2024/1", DocumentStatus.DRAFT)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "CICA/SOC/2024/1" in html and "Annual report" in html and 'data-state="missing"' in html


def test_the_new_form_defaults_to_this_year_and_takes_the_meetings_body(client, login, world):
    login(world.officer)
    html = client.get(f"/documents/new?meeting={world.other_meeting.id}").get_data(as_text=True)
    assert f'value="{SUITE_DAY.year}"' in html
    data = form(world, body_id="", year="", meeting_id=str(world.other_meeting.id),
                agenda_item_id=str(world.other_item.id))
    assert post_form(client, f"/documents/new?meeting={world.other_meeting.id}", data).status_code == 302
    assert db.session.scalar(select(Document.symbol)) == f"CICA/SWG/{SUITE_DAY.year}/1"


def test_the_new_form_keeps_only_the_meeting_of_its_query_string(client, login, world):
    """url_for's own options (_method, _scheme, _anchor) in the query string were a 500."""
    login(world.officer)
    for query in ("_method=POST", "_scheme=https", "_anchor=x&_external=1"):
        response = client.get(f"/documents/new?{query}&meeting={world.other_meeting.id}")
        assert response.status_code == 200, query
        html = response.get_data(as_text=True)
        assert f'action="/documents/new?meeting={world.other_meeting.id}"' in html, query


def test_bad_drafts_name_the_field_and_change_nothing(client, login, world):
    login(world.officer)
    before = counts()
    for overrides, fields in (({"title_en": "", "title_ru": " "}, ["title_en"]),
                              ({"originator": "delegation"}, ["originator_delegation_id"]),
                              ({"meeting_id": str(world.meeting.id), "agenda_item_id": str(world.other_item.id)},
                               ["agenda_item_id"]),
                              ({"level": "secret", "doc_type": "memo"}, ["doc_type", "level"])):
        response = post_form(client, "/documents/new", form(world, **overrides))
        assert response.status_code == 200
        assert error_fields(response.get_data(as_text=True)) == fields, overrides
    html = post_form(client, "/documents/new", form(world, title_en="", title_ru="")).get_data(as_text=True)
    assert "Give the title in English or in Russian" in html
    assert counts() == before


def test_a_draft_is_edited_and_a_circulated_document_is_not(client, login, world):
    draft = make_document(world)
    document = circulated(world)
    login(world.officer)
    data = form(world, title_en="New title", doc_type="concept_paper")
    del data["body_id"], data["year"]
    assert post_form(client, f"/documents/{draft.id}/edit", data).status_code == 302
    db.session.expire_all()
    assert (draft.title_en, draft.doc_type, draft.symbol) == ("New title", DocumentType.CONCEPT_PAPER,
                                                              "CICA/SOC/2024/1")
    response = client.get(f"/documents/{document.id}/edit")
    assert response.status_code == 409 and "revision" in response.get_data(as_text=True)


# Later versions and lineage -------------------------------------------------------------------------

def test_a_revision_is_made_and_a_second_rev1_is_refused(client, login, world):
    base = circulated(world)
    login(world.officer)
    html = client.get(f"/documents/{base.id}/later/new").get_data(as_text=True)
    assert "CICA/SOC/2024/1/Rev.1" in html
    data = {"kind": "Rev", "number": "", "title_en": "", "title_ru": "", "level": "general"}
    response = post_form(client, f"/documents/{base.id}/later/new", data)
    assert response.status_code == 302
    before = counts()
    response = post_form(client, f"/documents/{base.id}/later/new", {**data, "number": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and error_fields(html) == ["number"]
    assert "CICA/SOC/2024/1/Rev.1 exists already" in html
    assert counts() == before


def test_the_document_page_shows_the_lineage_both_ways(client, login, world):
    base = circulated(world)
    rev1 = create_later_version(world.officer, base, LaterVersionData(VersionKind.REV))
    corr1 = create_later_version(world.officer, base, LaterVersionData(VersionKind.CORR))
    login(world.officer)
    html = client.get(f"/documents/{base.id}").get_data(as_text=True)
    assert f'href="/documents/{rev1.id}"' in html and f'href="/documents/{corr1.id}"' in html
    html = client.get(f"/documents/{rev1.id}").get_data(as_text=True)
    assert f'href="/documents/{base.id}"' in html and f'href="/documents/{corr1.id}"' in html
    assert "CICA/SOC/2024/1/Rev.1" in html


# The archive and a meeting's documents ---------------------------------------------------------------

def test_the_archive_searches_and_filters(client, login, world):
    make_document(world, title_en="Concept of the CBM catalogue", title_ru="Концепция каталога МД")
    make_document(world, title_en="Budget", title_ru="Бюджет", body_id=world.swg.id, year=2023,
                  level=DistributionLevel.LIMITED)
    circulated(world, title_en="Report on CBMs", title_ru="Доклад о МД")
    login(world.officer)

    def symbols(query: str) -> list[str]:
        html = client.get(f"/documents/?{query}").get_data(as_text=True)
        return re.findall(r'class="symbol">([^<]+)<', html)

    assert symbols("") == ["CICA/SOC/2024/2", "CICA/SOC/2024/1", "CICA/SWG/2023/1"]
    assert symbols("q=catalogue") == ["CICA/SOC/2024/1"]
    assert symbols("q=каталога") == ["CICA/SOC/2024/1"]
    assert symbols("q=cbm report") == ["CICA/SOC/2024/2"]
    assert symbols("q=SWG/2023") == ["CICA/SWG/2023/1"]
    assert symbols("q=100%25") == []
    assert symbols(f"body={world.swg.id}") == ["CICA/SWG/2023/1"]
    assert symbols("year=2024&status=circulated") == ["CICA/SOC/2024/2"]
    assert symbols("level=limited&doc_type=report") == ["CICA/SWG/2023/1"]
    assert symbols("status=nonsense&year=x") == ["CICA/SOC/2024/2", "CICA/SOC/2024/1", "CICA/SWG/2023/1"]


def test_the_archive_pages(client, login, world, monkeypatch):
    from secretariat_app.documents.web import routes

    monkeypatch.setattr(routes, "PER_PAGE", 2)
    for _ in range(3):
        make_document(world, with_file=False)
    login(world.officer)
    html = client.get("/documents/").get_data(as_text=True)
    assert "CICA/SOC/2024/3" in html and "CICA/SOC/2024/1" not in html and "page=2" in html
    assert "CICA/SOC/2024/1" in client.get("/documents/?page=2").get_data(as_text=True)


def test_a_meetings_documents_in_symbol_order(client, login, world):
    second = make_document(world, meeting_id=world.meeting.id, title_en="Second")
    first = make_document(world, meeting_id=world.meeting.id, title_en="First", body_id=world.soc.id, year=2023)
    circulate(world.officer, second, CirculationData(Audience.MEMBERS))
    rev = create_later_version(world.officer, second, LaterVersionData(VersionKind.REV))
    make_document(world, meeting_id=world.other_meeting.id, title_en="Elsewhere")
    login(world.officer)
    html = client.get(f"/documents/meeting/{world.meeting.id}").get_data(as_text=True)
    assert re.findall(r'class="symbol">([^<]+)<', html) == [first.symbol, second.symbol, rev.symbol]
    assert "Elsewhere" not in html
    assert client.get("/documents/meeting/9999").status_code == 404


# Deleting -----------------------------------------------------------------------------------------------

def test_deleting_a_circulated_document_answers_409_and_explains(client, login, world):
    document = circulated(world)
    login(world.officer)
    before = counts()
    response = post_form(client, f"/documents/{document.id}/delete", {}, page=f"/documents/{document.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "never deleted" in html and "Withdraw it" in html and "revision" in html
    assert counts() == before


def test_a_draft_is_deleted_and_its_serial_not_given_again(client, login, world):
    make_document(world)
    draft = make_document(world)
    login(world.officer)
    response = post_form(client, f"/documents/{draft.id}/delete", {"confirmed": "yes"}, page=f"/documents/{draft.id}")
    assert response.status_code == 302
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "document.delete"))
    assert post_form(client, "/documents/new", form(world)).status_code == 302
    assert db.session.scalars(select(Document.symbol).order_by(Document.id)).all() == [
        "CICA/SOC/2024/1", "CICA/SOC/2024/3"]
