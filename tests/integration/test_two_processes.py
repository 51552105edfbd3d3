"""Two web processes on one database, as production runs several gunicorn
processes on several hosts: a change made through one is seen by the other on
its very next request. Two real servers (gunicorn, one worker each, on
different ports) are started once per module and database (SQLite file and
PostgreSQL), on the test run's own database; each test logs in through each,
warms the other server's per-process caches, makes a change through one, and
reads the other.

What each process keeps in memory (core/cache_generation.py, core/navigation.py,
core/csrf_tokens.py, documents/inbox/routes.py) must not hide such a change:
the inbox's filter choices (a new meeting), the inbox itself (a circulated
document), the reader's roles and navigation (a role change) and the account
(a deactivation); and a CSRF token one process signed is accepted by the other."""
from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from secretariat_app.accounts.models.people import Role
from tests import services_available as services
from tests.conftest import CSRF_RE, free_port
from tests.documents_setup import make_document
from tests.factories import admin, officer
from tests.integration.test_dispatch import wait_for
from tests.second_factor_helpers import next_code

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
PASSWORD = "correct horse battery"  # the factories'
pytestmark = pytest.mark.integration


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def running(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.running():
            os.killpg(self.process.pid, signal.SIGQUIT)  # quick shutdown of its group: the master and its worker
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def _start(name: str, env: dict[str, str], workdir: Path) -> Server:
    port, log = free_port(), workdir / f"{name}.log"
    with open(log, "wb") as handle:
        command = [str(GUNICORN), "--workers", "1", "--bind", f"127.0.0.1:{port}", "--timeout", "60",
                   "tests.integration.two_process_wsgi:app"]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    return Server(name, port, process, log)


@pytest.fixture(scope="module")
def servers(app, database_url, tmp_path_factory) -> Iterator[tuple[Server, Server]]:
    """Servers A and B on the session's database (its tables made by the `app`
    fixture) and file store, with the test settings (two_process_wsgi.py), as
    two hosts behind a proxy."""
    workdir = tmp_path_factory.mktemp("two-processes")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url,
           "FILE_STORE_DIR": app.config["FILE_STORE_DIR"], "INSTANCE_DIR": str(workdir / "instance")}
    started = [_start("a", env, workdir), _start("b", env, workdir)]
    try:
        for server in started:
            wait_for(lambda s=server: services.port_open("127.0.0.1", s.port), 90, f"server {server.name} to listen",
                     [server])
        yield started[0], started[1]
    finally:
        for server in reversed(started):
            server.stop()
    for server in started:
        assert "Traceback" not in server.output(), server.output()[-3000:]


class _Stay(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to look at, not to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    location: str
    text: str


class Browser:
    """One person's browser, cookies and all, sent to either server (a proxy in
    front of several hosts sends one person's requests wherever it likes)."""

    def __init__(self, app):
        self.app = app
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _Stay())

    def get(self, server: Server, path: str) -> Answer:
        return self._open(urllib.request.Request(server.url(path)))

    def post(self, server: Server, path: str, data: dict, token: str) -> Answer:
        body = urllib.parse.urlencode({**data, "csrf_token": token}, doseq=True).encode()
        return self._open(urllib.request.Request(server.url(path), data=body, method="POST"))

    def token(self, server: Server, path: str) -> str:
        """The CSRF token of the form on `path`, as `server` signed it."""
        page = self.get(server, path)
        found = CSRF_RE.search(page.text)
        assert page.status == 200 and found, (path, page.status, page.text[:500])
        return found.group(1)

    def submit(self, server: Server, path: str, data: dict) -> Answer:
        """Fill in the form on `path` and send it, both through `server`."""
        return self.post(server, path, data, self.token(server, path))

    def log_in(self, server: Server, email: str) -> None:
        answer = self.submit(server, "/auth/login", {"email": email, "password": PASSWORD})
        assert answer.status == 302, answer.text[:500]
        if answer.location.endswith("/auth/second-factor"):
            answer = self.submit(server, "/auth/second-factor", {"code": next_code(self.app, email)})
            assert answer.status == 302, answer.text[:500]

    def _open(self, request: urllib.request.Request) -> Answer:
        try:
            with self.opener.open(request, timeout=60) as response:
                return Answer(response.status, response.headers.get("Location", ""), response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers.get("Location", ""), error.read().decode(errors="replace"))


def meeting_options(page: str) -> list[str]:
    select = re.search(r'<select id="meeting".*?</select>', page, re.DOTALL)
    assert select, "no meeting filter on the inbox"
    return re.findall(r"<option [^>]*>([^<]*)</option>", select.group(0))


@pytest.fixture
def people(world, app):
    """The world's officer and delegate a1 (of member A), and an administrator, each with a browser."""
    return {"officer": (world.officer, Browser(app)), "a1": (world.a1, Browser(app)),
            "admin": (admin(), Browser(app))}


def test_a_meeting_created_through_one_process_is_offered_by_the_other_at_once(servers, world, people):
    a, b = servers
    officer_user, officer_browser = people["officer"]
    delegate_user, delegate_browser = people["a1"]
    officer_browser.log_in(a, officer_user.email)
    delegate_browser.log_in(b, delegate_user.email)
    before = meeting_options(delegate_browser.get(b, "/inbox/").text)  # B keeps the choices now
    assert "SOC 2027" in " ".join(before) and not any("Coherence" in option for option in before)
    assert meeting_options(delegate_browser.get(b, "/inbox/").text) == before

    start = datetime.now(UTC) + timedelta(days=40)
    created = officer_browser.submit(a, "/meetings/new", {
        "body_id": str(world.soc.id), "number": "", "title_en": "Coherence session", "title_ru": "Сессия",
        "timezone": "Asia/Almaty", "starts_at": start.strftime("%Y-%m-%dT10:00"),
        "ends_at": start.strftime("%Y-%m-%dT18:00"), "date_precision": "day", "city": "Astana",
        "host_state_id": "", "format": "in_person", "registration_deadline": "", "prepares_meeting_id": "",
        "note": "", "reminder_offsets": ""})
    assert created.status == 302 and "/meetings/" in created.location, created.text[:1000]

    after = meeting_options(delegate_browser.get(b, "/inbox/").text)
    assert any("Coherence session" in option for option in after), after
    assert len(after) == len(before) + 1


def test_a_document_circulated_through_one_process_is_in_the_inbox_of_the_other_at_once(servers, world, people):
    a, b = servers
    officer_user, officer_browser = people["officer"]
    delegate_user, delegate_browser = people["a1"]
    document = make_document(world, title_en="Circulated across processes")
    officer_browser.log_in(a, officer_user.email)
    delegate_browser.log_in(b, delegate_user.email)
    assert "Circulated across processes" not in delegate_browser.get(b, "/inbox/").text
    assert delegate_browser.get(b, f"/inbox/{document.id}").status == 404

    circulated = officer_browser.submit(a, f"/documents/{document.id}/circulate", {"audience": "members"})
    assert circulated.status == 302, circulated.text[:1000]

    inbox = delegate_browser.get(b, "/inbox/")
    assert inbox.status == 200 and "Circulated across processes" in inbox.text
    assert delegate_browser.get(b, f"/inbox/{document.id}").status == 200


def test_a_role_changed_through_one_process_counts_in_the_other_at_once(servers, world, people, app):
    """An officer made a delegate of member A: their session ends everywhere, and
    logged in again (through B) they have the delegate's pages and navigation."""
    a, b = servers
    admin_user, admin_browser = people["admin"]
    changed = officer()
    browser = Browser(app)
    admin_browser.log_in(a, admin_user.email)
    browser.log_in(b, changed.email)
    page = browser.get(b, "/admin/")
    assert page.status == 200 and 'href="/admin/users"' in page.text and 'href="/inbox/"' not in page.text

    edited = admin_browser.submit(a, f"/admin/users/{changed.id}/edit", {
        "email": changed.email, "name": changed.name, "roles": [Role.DELEGATE.value],
        "delegation_id": str(world.member_a.id), "language": "en", "timezone": "Asia/Almaty", "active": "y"})
    assert edited.status == 302, edited.text[:1000]

    ended = browser.get(b, "/admin/")
    assert ended.status == 302 and "/auth/login" in ended.location
    browser.log_in(b, changed.email)
    assert browser.get(b, "/admin/").status == 403
    home = browser.get(b, "/delegation/")
    assert home.status == 200 and 'href="/inbox/"' in home.text and 'href="/admin/users"' not in home.text
    assert browser.get(b, "/inbox/").status == 200


def test_an_account_deactivated_through_one_process_is_shut_out_of_the_other_at_once(servers, world, people):
    a, b = servers
    admin_user, admin_browser = people["admin"]
    delegate_user, delegate_browser = people["a1"]
    admin_browser.log_in(a, admin_user.email)
    delegate_browser.log_in(b, delegate_user.email)
    assert delegate_browser.get(b, "/inbox/").status == 200

    edited = admin_browser.submit(a, f"/admin/users/{delegate_user.id}/edit", {
        "email": delegate_user.email, "name": delegate_user.name, "roles": [Role.DELEGATE.value],
        "delegation_id": str(world.member_a.id), "language": "en", "timezone": "Asia/Almaty"})
    assert edited.status == 302, edited.text[:1000]

    shut = delegate_browser.get(b, "/inbox/")
    assert shut.status == 302 and "/auth/login" in shut.location
    refused = delegate_browser.submit(b, "/auth/login", {"email": delegate_user.email, "password": PASSWORD})
    assert refused.status == 200 and delegate_browser.get(b, "/inbox/").status == 302


def test_a_csrf_token_one_process_signed_is_accepted_by_the_other(servers, world, people):
    """Token reuse (core/csrf_tokens.py) is per process, and needs no more: any
    process checks any process's signature. A token from neither is refused."""
    a, b = servers
    officer_user, browser = people["officer"]
    browser.log_in(a, officer_user.email)
    first, second = make_document(world, title_en="First"), make_document(world, title_en="Second")
    from_a = browser.token(a, f"/documents/{first.id}/circulate")
    assert browser.post(b, f"/documents/{first.id}/circulate", {"audience": "members"}, from_a).status == 302
    from_b = browser.token(b, f"/documents/{second.id}/circulate")
    assert browser.post(a, f"/documents/{second.id}/circulate", {"audience": "members"}, "forged" + from_b) \
        .status == 400
    assert browser.post(a, f"/documents/{second.id}/circulate", {"audience": "members"}, from_b).status == 302
