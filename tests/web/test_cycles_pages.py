"""The officers' page of the rhythm, findings and timeline."""
from __future__ import annotations

from datetime import date

import pytest

from secretariat_app.accounts.services.reference_data import DATA_DIR
from secretariat_app.cycles.services.history_import import import_history
from tests.conftest import log_in, post_form
from tests.factories import delegate, officer


@pytest.fixture
def history(reference):
    import_history(DATA_DIR, today=date(2025, 6, 1))


def test_overview_shows_next_due_findings_and_the_timeline(app_ctx, client, history):
    log_in(client, officer().email)
    page = client.get("/cycles/?as_of=2025-06-01").get_data(as_text=True)
    assert "<svg" in page and "Türkiye" in page
    assert "2026" in page and "2028" in page
    assert "due in 2018" in page or "2018" in page


def test_timeline_svg_is_served_as_an_image(app_ctx, client, history):
    log_in(client, officer().email)
    response = client.get("/cycles/timeline.svg?as_of=2025-06-01")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("image/svg+xml")
    svg = response.get_data(as_text=True)
    assert svg.count("<circle") >= 14  # seven Summits and seven MFAs, plus the due ones
    assert 'fill="#a4161a"' in svg  # a departure is drawn in red
    assert 'stroke-dasharray="4 3"' in svg  # next due meetings are dashed
    assert 'url(#hatch)' in svg  # the chairmanship that departs from the rule is hatched


def test_bad_as_of_date_is_400(app_ctx, client):
    log_in(client, officer().email)
    assert client.get("/cycles/?as_of=soon").status_code == 400


def test_delegates_may_not_see_or_run_the_check(app_ctx, client):
    log_in(client, delegate().email)
    assert client.get("/cycles/").status_code == 403
    assert post_form(client, "/cycles/check", {}, page="/delegation/").status_code == 403


def test_officer_can_run_the_check_now(app_ctx, client, history, outbox):
    log_in(client, officer().email)
    response = post_form(client, "/cycles/check", {}, page="/cycles/", follow_redirects=True)
    assert response.status_code == 200
    assert "The check ran" in response.get_data(as_text=True)
