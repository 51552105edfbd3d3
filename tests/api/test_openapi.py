"""The OpenAPI 3.1 document is generated from the views and their typed schemas,
names bearer authentication and the problem details of every error, and the
reference page shows every operation, in English and Russian."""
from __future__ import annotations

import pytest

OPERATIONS = {("get", "/api/v1/inbox"), ("get", "/api/v1/documents/{document_id}"),
              ("get", "/api/v1/versions/{version_id}/file"),
              ("post", "/api/v1/documents/{document_id}/acknowledgement"),
              ("get", "/api/v1/meetings"), ("get", "/api/v1/meetings/{meeting_id}"), ("get", "/api/v1/decisions"),
              ("get", "/api/v1/decisions/{decision_id}"), ("get", "/api/v1/me"),
              ("post", "/api/v1/documents"), ("post", "/api/v1/documents/{document_id}/versions"),
              ("post", "/api/v1/documents/{document_id}/circulation"),
              ("get", "/api/v1/documents/{document_id}/circulation"), ("post", "/api/v1/meetings"),
              ("put", "/api/v1/meetings/{meeting_id}"), ("post", "/api/v1/meetings/{meeting_id}/status"),
              ("get", "/api/v1/meetings/{meeting_id}/participants"),
              ("post", "/api/v1/meetings/{meeting_id}/participants"),
              ("delete", "/api/v1/meetings/{meeting_id}/participants/{participant_id}"),
              ("get", "/api/v1/cbm/areas"), ("get", "/api/v1/cbm/areas/{area_id}"),
              ("post", "/api/v1/cbm/plans/{plan_id}/activities"), ("put", "/api/v1/cbm/activities/{activity_id}"),
              ("post", "/api/v1/cbm/areas/{area_id}/reports"), ("get", "/api/v1/cbm/reports/{report_id}"),
              ("put", "/api/v1/cbm/reports/{report_id}/summary"),
              ("post", "/api/v1/cbm/reports/{report_id}/submission"),
              ("delete", "/api/v1/cbm/activities/{activity_id}"),
              ("get", "/api/v1/cbm/reports/{report_id}/activities/{activity_id}"),
              ("put", "/api/v1/cbm/reports/{report_id}/activities/{activity_id}"),
              ("delete", "/api/v1/cbm/activity-reports/{row_id}"),
              ("get", "/api/v1/cbm/activity-reports/{row_id}/attachments"),
              ("post", "/api/v1/cbm/activity-reports/{row_id}/attachments"),
              ("get", "/api/v1/cbm/attachments/{attachment_id}/file"),
              ("delete", "/api/v1/cbm/attachments/{attachment_id}"),
              ("get", "/api/v1/notices/failed"),
              ("get", "/api/v1/negotiations"), ("get", "/api/v1/negotiations/{text_id}"),
              ("post", "/api/v1/negotiations/{text_id}/paragraphs/{paragraph_id}/proposals"),
              ("post", "/api/v1/negotiations/{text_id}/proposals/{proposal_id}/stance"),
              ("put", "/api/v1/negotiations/{text_id}/paragraphs/{paragraph_id}/position"),
              ("post", "/api/v1/negotiations/{text_id}/proposals/{proposal_id}/decision"),
              ("post", "/api/v1/negotiations/{text_id}/proposals/{proposal_id}/withdrawal"),
              ("post", "/api/v1/negotiations/{text_id}/paragraphs/{paragraph_id}/merge")}


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_it_is_openapi_3_1_with_bearer_authentication(document):
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "A personal access token (cica_...)."}
    assert document["security"] == [{"bearerAuth": []}]
    operations = {(method, path) for path, item in document["paths"].items() for method in item}
    assert operations == OPERATIONS  # the pages, and the document and reference page themselves, are not in it


def test_each_operation_is_named_and_answers_its_errors_as_problems(document):
    ids = []
    for item in document["paths"].values():
        for operation in item.values():
            ids.append(operation["operationId"])
            for status in ("401", "403", "404", "429"):
                assert operation["responses"][status]["content"] == {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
            for parameter in operation.get("parameters", []):
                assert "null" not in str(parameter["schema"]), parameter  # a query value is given or not
    assert len(ids) == len(set(ids)) == len(OPERATIONS)
    assert set(document["components"]["schemas"]["Problem"]["required"]) == {"title", "status", "detail"}


def test_the_schemas_come_from_the_typed_models(document):
    item = document["components"]["schemas"]["InboxPage.InboxItem"]
    assert {"id", "symbol", "unread", "updated_at"} <= set(item["properties"])
    file = document["components"]["schemas"]["DocumentOut.FileOut"]
    assert file["properties"]["sha256"]["pattern"] == "^[0-9a-f]{64}$"


@pytest.mark.parametrize("language,heading", [("en", "API reference"), ("ru", "Справочник API")])
def test_the_reference_page_shows_every_operation(client, language, heading):
    page = client.get("/api/v1/", headers={"Accept-Language": language}).get_data(as_text=True)
    assert heading in page
    for _method, path in OPERATIONS:
        assert path in page
    assert "Problem" in page and "sha256" in page



def test_the_document_is_in_the_readers_language(client):
    english = client.get("/api/v1/openapi.json").get_json()
    russian = client.get("/api/v1/openapi.json", headers={"Accept-Language": "ru"})
    assert russian.headers["Content-Language"] == "ru" and "Accept-Language" in russian.headers["Vary"]
    by_address = client.get("/api/v1/openapi.json?lang=ru", headers={"Accept-Language": "en"}).get_json()
    assert by_address == russian.get_json()
    inbox_en, inbox_ru = english["paths"]["/api/v1/inbox"]["get"], by_address["paths"]["/api/v1/inbox"]["get"]
    assert (inbox_en["summary"], inbox_ru["summary"]) == ("The inbox", "Входящие")
    assert inbox_en["description"].startswith("What reached the delegate's delegation, or the delegate by name")
    assert inbox_ru["description"].startswith("То, что поступило делегации делегата")
    assert inbox_ru["responses"]["401"]["description"] == "Токен доступа не передан, неизвестен, отозван или истёк."
    item = by_address["components"]["schemas"]["InboxPage.InboxItem"]["properties"]
    assert item["languages"]["description"] == "Языки, на которых у документа есть версия."
    assert by_address["info"]["description"].startswith("JSON API Секретариата СВМДА")
    # the same document otherwise: only the words change
    assert english["paths"].keys() == by_address["paths"].keys()
    assert inbox_ru["operationId"] == inbox_en["operationId"] and inbox_ru["parameters"][0]["name"] == "q"


def test_every_text_of_the_document_is_listed_for_translation_and_translated(app, document):
    from flask_babel import force_locale, gettext

    from secretariat_app.api.spec_text import MESSAGES, messages_source, texts
    assert MESSAGES.read_text() == messages_source(document), \
        "the document's texts changed: run `python -m secretariat_app.api.spec_text` and translate the new ones"
    with app.test_request_context(), force_locale("ru"):
        untranslated = [text for text in texts(document) if gettext(text) == text]
    assert untranslated == []


def test_the_reference_page_follows_the_language_asked_for_by_address(client):
    page = client.get("/api/v1/?lang=ru", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Справочник API" in page and "Входящие" in page and "Подтвердить получение" in page
    assert 'href="/api/v1/openapi.json?lang=ru"' in page and 'href="/api/v1/?lang=en"' in page
    assert "The inbox" not in page
