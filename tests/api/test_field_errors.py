"""Invalid values are answered with a readable message for each field, in the request's
language: pydantic's own English ("Input should be a valid integer, ...") never reaches a
Russian reader, and each limit the schema sets is named in the message."""
from __future__ import annotations

import pytest

from secretariat_app.api.field_errors import MESSAGES, message
from secretariat_app.documents.models import DocumentType
from secretariat_app.permissions.tokens import Scope
from tests.api.helpers import bearer, token_for
from tests.documents_helpers import cast


def refused(client, query: str, language: str) -> dict[str, str]:
    response = client.get(f"/api/v1/inbox?{query}",
                          headers=bearer(token_for(cast().a1), **{"Accept-Language": language}))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    return {error["field"]: error["message"] for error in response.get_json()["errors"]}


@pytest.mark.parametrize("query,field,english,russian", [
    ("per_page=1001", "per_page", "Give a value of at most 1000.", "Укажите значение не больше 1000."),
    ("per_page=many", "per_page", "Give a whole number.", "Укажите целое число."),
    ("year=1800", "year", "Give a value of at least 1992.", "Укажите значение не меньше 1992."),
    ("state=maybe", "state", "Choose one of: 'read', 'unread'.", "Выберите одно из значений: 'read', 'unread'."),
    ("updated_since=yesterday", "updated_since", "Give a date and time (ISO 8601, e.g. 2026-03-01T09:00:00+00:00).",
     "Укажите дату и время (ISO 8601, например 2026-03-01T09:00:00+00:00)."),
    ("updated_since=2024-01-01T00:00:00", "updated_since", "Give the time with its offset from UTC (e.g. +00:00).",
     "Укажите время со смещением относительно UTC (например, +00:00)."),
    ("language=e%20n", "language", "This value does not have the expected form.",
     "Это значение имеет не тот вид, который ожидается."),
    ("colour=red", "colour", "This field is not accepted here.", "Это поле здесь не принимается."),
    ("q=a%00b", "q", "This value must not contain a NUL character.", "Это значение не должно содержать символ NUL."),
])
def test_each_invalid_value_is_named_in_the_readers_language(app_ctx, client, query, field, english, russian):
    assert refused(client, query, "en")[field] == english
    assert refused(client, query, "ru")[field] == russian


def test_a_type_of_choice_lists_every_choice_in_both_languages(app_ctx, client):
    messages = refused(client, "doc_type=memo", "ru")
    assert messages["doc_type"].startswith("Выберите одно из значений: ")
    assert all(f"'{kind.value}'" in messages["doc_type"] for kind in DocumentType)
    assert " or " not in messages["doc_type"]


def test_a_body_that_is_not_json_is_refused_readably(app_ctx, client):
    c = cast()
    response = client.post("/api/v1/meetings", data="{not json", content_type="application/json",
                           headers=bearer(token_for(c.officer, Scope.READ, Scope.OFFICER), **{"Accept-Language": "ru"}))
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == ("Не удалось обработать запрос. Вернитесь на предыдущую страницу "
                                             "и повторите попытку.")  # the page's words for a 400


def test_a_kind_not_listed_keeps_pydantics_words_in_english_and_a_sentence_in_russian(app):
    unknown = {"type": "url_parsing", "msg": "Input should be a valid URL", "loc": ("link",)}
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert message(unknown) == "Input should be a valid URL"
    with app.test_request_context("/api/v1/inbox", headers={"Accept-Language": "ru"}):
        assert message(unknown) == "Это значение недопустимо."
        assert message({"type": "missing", "loc": ("name",)}) == "Это значение обязательно."
    assert "missing" in MESSAGES
