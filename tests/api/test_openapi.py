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
              ("get", "/api/v1/notices/failed"),
              ("get", "/api/v1/negotiations"), ("get", "/api/v1/negotiations/{text_id}"),
              ("post", "/api/v1/negotiations/{text_id}/paragraphs/{paragraph_id}/proposals"),
              ("post", "/api/v1/negotiations/{text_id}/proposals/{proposal_id}/stance"),
              ("put", "/api/v1/negotiations/{text_id}/paragraphs/{paragraph_id}/position"),
              ("post", "/api/v1/negotiations/{text_id}/proposals/{proposal_id}/decision")}


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

