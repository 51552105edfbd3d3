"""Pages speak the reader's language: the profile's first, then the browser's."""
from __future__ import annotations

from tests.conftest import log_in
from tests.factories import delegate, officer


def test_anonymous_reader_gets_the_browsers_language(client):
    russian = client.get("/auth/login", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert "Вход" in russian.get_data(as_text=True)
    assert '<html lang="ru">' in russian.get_data(as_text=True)
    english = client.get("/auth/login", headers={"Accept-Language": "en-GB"})
    assert "Log in" in english.get_data(as_text=True)


def test_profile_language_wins_over_the_browser(app_ctx, app):
    ru_user = officer(language="ru")
    en_user = delegate(language="en")
    ru_client, en_client = app.test_client(), app.test_client()
    log_in(ru_client, ru_user.email)
    log_in(en_client, en_user.email)
    page = ru_client.get("/admin/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Журнал изменений" in page  # "Audit log"
    page = en_client.get("/delegation/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "My delegation" in page


def test_form_errors_from_the_rules_are_translated(app_ctx, client):
    user = officer(language="ru")
    log_in(client, user.email)
    from tests.conftest import post_form

    response = post_form(client, "/auth/password", {"current_password": "wrong one!", "new_password": "x" * 12,
                                                    "confirm": "x" * 12})
    assert "Текущий пароль указан неверно." in response.get_data(as_text=True)
