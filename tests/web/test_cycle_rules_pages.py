"""The rules in force on the officers' pages, with their source, and the upload of a
new version: valid, invalid (readable errors in English and Russian), refused to
delegates and without the form's CSRF token."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.services.reference_data import DATA_DIR
from secretariat_app.audit.models import AuditEntry
from secretariat_app.cycles.models import CycleRulesVersion
from secretariat_app.cycles.services.history_import import import_history
from secretariat_app.extensions import db
from tests.cica_rules import CICA_RULES_FILE
from tests.conftest import csrf_token, log_in, post_form
from tests.factories import delegate, officer

NEW = CICA_RULES_FILE.read_bytes().replace(b'version = "2009 amendment"', b'version = "2030 reform"')
BAD = b'[forum]\nname = "CICA"\ntime_zone = "Asia/Almaty"\n[[rhythm]]\nbody = "SUMMIT"\nevery_years = "four"\n' \
      b'first_year = 2002\n'


@pytest.fixture
def history(reference):
    import_history(DATA_DIR, today=date(2025, 6, 1))


def versions() -> int:
    return db.session.scalar(select(func.count(CycleRulesVersion.id)))


def upload(client, content: bytes, effective_on: str = "2030-01-01", name: str = "new.toml", **kwargs):
    return post_form(client, "/cycles/rules", {"file": (io.BytesIO(content), name), "effective_on": effective_on},
                     content_type="multipart/form-data", **kwargs)


def test_the_rules_in_force_and_their_source(app_ctx, client, history):
    log_in(client, officer().email)
    page = client.get("/cycles/rules").get_data(as_text=True)
    assert "cica.toml" in page and "2009 amendment" in page and "Asia/Almaty" in page
    assert "Summit every four years; counting from 2002" in page
    assert "Chair follows the host; host of: Summit, MFA; in force from 2009" in page
    overview = client.get("/cycles/?as_of=2025-06-01").get_data(as_text=True)
    assert "Rules in force on" in overview and "cica.toml" in overview
    assert "the 4th MFA (Astana, September 2012)" in overview  # the decision behind Türkiye's extension


def test_the_rules_and_the_justifications_in_russian(app_ctx, client, history):
    log_in(client, officer(language="ru").email)
    page = client.get("/cycles/rules").get_data(as_text=True)
    assert "Правила форума" in page and "Саммит — раз в четыре года; отсчёт с 2002 года" in page
    overview = client.get("/cycles/?as_of=2025-06-01").get_data(as_text=True)
    assert "4-е СМИД (Астана, сентябрь 2012)" in overview
    assert "обосновано решением: 4-е СМИД (Астана, сентябрь 2012)" in overview


def test_an_officer_uploads_a_new_version(app_ctx, client, history):
    user = officer()
    log_in(client, user.email)
    response = upload(client, NEW, page="/cycles/rules")
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    assert versions() == 1
    page = client.get("/cycles/rules").get_data(as_text=True)
    assert "2030 reform" in page and "new.toml" in page
    assert "2009 amendment" in page  # in force until the new version's day
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cycle_rules_version.create"))
    assert entry.actor_id == user.id and entry.after["file_name"] == "new.toml"


@pytest.mark.parametrize("language, expected", [
    ("en", "new.toml, rhythm[1].every_years: must be a whole number from 1 to 100, not &#39;four&#39;"),
    ("ru", "new.toml, rhythm[1].every_years: должно быть целым числом от 1 до 100, а не &#39;four&#39;"),
])
def test_an_invalid_file_is_refused_with_readable_errors(app_ctx, client, history, language, expected):
    log_in(client, officer(language=language).email)
    response = upload(client, BAD, page="/cycles/rules")
    assert response.status_code == 200
    assert expected in response.get_data(as_text=True)
    assert versions() == 0


@pytest.mark.parametrize("language, expected", [
    ("en", "A change of rules applies from today or a later day, never to the past"),
    ("ru", "Изменение правил применяется с сегодняшнего или более позднего дня, но не к прошлому"),
])
def test_a_past_day_or_no_file_is_refused(app_ctx, client, history, language, expected):
    log_in(client, officer(language=language).email)
    page = upload(client, NEW, effective_on="2020-01-01", page="/cycles/rules").get_data(as_text=True)
    assert expected in page
    response = post_form(client, "/cycles/rules", {"effective_on": "2030-01-01"}, page="/cycles/rules")
    assert response.status_code == 200
    assert ("Choose a rules file." if language == "en" else "Выберите файл правил.") in response.get_data(as_text=True)
    assert versions() == 0


def test_delegates_may_not_see_or_upload_the_rules(app_ctx, client, history):
    log_in(client, delegate().email)
    assert client.get("/cycles/rules").status_code == 403
    token = csrf_token(client, "/delegation/")
    response = client.post("/cycles/rules", data={"csrf_token": token, "effective_on": "2030-01-01",
                                                  "file": (io.BytesIO(NEW), "new.toml")},
                           content_type="multipart/form-data")
    assert response.status_code == 403
    assert versions() == 0


def test_an_upload_without_the_forms_token_is_refused(app_ctx, client, history):
    log_in(client, officer().email)
    response = client.post("/cycles/rules", data={"effective_on": "2030-01-01", "file": (io.BytesIO(NEW), "new.toml")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert versions() == 0
