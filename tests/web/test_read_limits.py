"""Expensive reads are rate-limited per user (core/read_limits.py): a search with
words, the CSV exports and the compiled report, calendar feeds. The 31st quick
request gets a readable 429 that says when to try again; another user, and the
pages a person reads, are not limited."""
from __future__ import annotations

from secretariat_app.extensions import db
from secretariat_app.meetings.services import feeds
from tests import cbm_builders as b
from tests.conftest import log_in
from tests.factories import delegate, officer

LIMIT = 30  # the default: "30 per minute"


def _statuses(client, urls) -> list[int]:
    return [client.get(url).status_code for url in urls]


def _signed_in(app, user):
    client = app.test_client()
    log_in(client, user.email)
    return client


def test_the_31st_inbox_search_is_refused_for_that_user_only(app_ctx, app):
    reader, colleague = delegate(), delegate()
    client = _signed_in(app, reader)
    assert _statuses(client, [f"/inbox/?q=word{i}" for i in range(LIMIT)]) == [200] * LIMIT
    response = client.get("/inbox/?q=one+more")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many attempts in a short time" in page and "You can try again in" in page
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    # The inbox without search words is a page a person reads: not limited.
    assert _statuses(client, ["/inbox/", "/inbox/?q=", "/inbox/?year=2026"] * 12) == [200] * 36
    # Another delegate searches on.
    assert _signed_in(app, colleague).get("/inbox/?q=word").status_code == 200


def test_the_archive_search_is_limited_per_officer(app_ctx, app):
    first = _signed_in(app, officer())
    assert _statuses(first, [f"/documents/?q=w{i}" for i in range(LIMIT)]) == [200] * LIMIT
    assert first.get("/documents/?q=w").status_code == 429
    assert first.get("/documents/").status_code == 200
    assert _signed_in(app, officer()).get("/documents/?q=w").status_code == 200


def test_exports_and_the_compiled_report_share_one_budget_per_user(app_ctx, app):
    b.dimension("economic")
    db.session.commit()
    urls = ["/cbm/export/activities.csv", "/cbm/export/reports.csv", "/cbm/compiled/economic/2026?lang=en"]
    client = _signed_in(app, officer())
    assert _statuses(client, (urls * LIMIT)[:LIMIT]) == [200] * LIMIT
    for url in urls:
        assert client.get(url).status_code == 429
    assert _statuses(client, ["/cbm/overview"] * 5) == [200] * 5  # the overview page is read, not limited
    assert _statuses(_signed_in(app, officer()), urls) == [200] * 3


def test_the_429_page_is_in_russian_for_a_russian_reader(app_ctx, app):
    client = _signed_in(app, delegate(language="ru"))
    _statuses(client, [f"/inbox/?q=w{i}" for i in range(LIMIT)])
    response = client.get("/inbox/?q=w")
    assert response.status_code == 429
    assert "Повторить попытку можно через" in response.get_data(as_text=True)


def test_a_calendar_feed_is_limited_per_feed_address(app_ctx, app):
    token, other = feeds.regenerate(delegate()), feeds.regenerate(delegate())
    client = app.test_client()
    assert _statuses(client, [f"/calendar/feed/{token}.ics"] * LIMIT) == [200] * LIMIT
    response = client.get(f"/calendar/feed/{token}.ics")
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert client.get(f"/calendar/feed/{other}.ics").status_code == 200
