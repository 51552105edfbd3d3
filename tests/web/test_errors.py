"""Bad requests get readable pages or JSON, never a 500."""
from __future__ import annotations

import pytest

from tests.conftest import csrf_token, log_in
from tests.factories import officer


def test_unknown_url_is_a_readable_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is nothing at this address." in response.get_data(as_text=True)


def test_json_clients_get_json_errors(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json() == {"error": 404, "message": "There is nothing at this address."}


def test_oversized_request_is_413(app_ctx, client, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "MAX_CONTENT_LENGTH", 1024)
    token = csrf_token(client)
    response = client.post("/auth/login", data={"email": "a@b.c", "password": "x" * 5000, "csrf_token": token})
    assert response.status_code == 413
    assert "larger than the system accepts" in response.get_data(as_text=True)


def test_malformed_form_body_is_not_a_500(app_ctx, client):
    response = client.post("/auth/login", data=b"\xff\xfe%%%=&&==", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_unknown_id_in_admin_is_404(app_ctx, client):
    log_in(client, officer().email)
    assert client.get("/admin/users/999999/edit").status_code == 404


def test_unexpected_error_is_a_readable_500():
    from config import TestConfig
    from secretariat_app import create_app
    from secretariat_app.permissions import Audience, access

    app = create_app(TestConfig)

    @app.route("/__boom")
    @access(Audience.PUBLIC)
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/__boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)


HUGE_IDS = ["/inbox/99999999999999999999999", "/documents/9223372036854775808", "/documents/2147483648",
            "/inbox/1834382681951484928",
            "/documents/versions/99999999999999999999/download", "/meetings/18446744073709551616"]


@pytest.mark.parametrize("path", HUGE_IDS)
def test_an_id_past_what_a_key_holds_is_a_404_not_a_500(app_ctx, client, login, path):
    login(officer())
    assert client.get(path).status_code == 404


def test_the_largest_id_a_key_holds_still_matches_its_route(app):
    adapter = app.url_map.bind("localhost")
    assert adapter.match("/documents/2147483647")[1] == {"document_id": 2**31 - 1}
