"""The browser tests' fixtures: the real app served on a free port from a thread,
on its own SQLite file (migrated, reference data loaded), and one headless
Debian chromium driven by Playwright, both shared by every browser test of the
worker (each test module marks its tests `browser` and puts them in the xdist group
"browser", which `make test` keeps on one worker with --dist loadgroup). Each test gets a fresh
browser context (cookies) whose pages are checked as they are visited
(tests/browser/checks.py)."""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator

import pytest

from config import TestConfig
from tests import services_available as services
from tests.browser.checks import WIDE, axe_source
from tests.browser.driver import Driver

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCALES = {"en": "en-GB", "ru": "ru-RU"}  # what the browser asks for (Accept-Language) before login


class LiveServer:
    """The app answering HTTP on 127.0.0.1:<port> in a thread of this process, so
    that a test builds its data with the factories in `app`'s context."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in the output
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="live-server", daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    from flask_migrate import upgrade

    from secretariat_app import create_app
    from secretariat_app.demo import seed
    from secretariat_app.extensions import db
    from tests.conftest import no_flush_per_commit

    root = tmp_path_factory.mktemp("live")
    app = create_app(TestConfig, {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'live.sqlite'}",
        "FILE_STORE_DIR": str(root / "files"),
        "PUBLIC_BASE_URL": "http://127.0.0.1",  # replaced below, once the port is known
    })
    with app.app_context():
        no_flush_per_commit(db.engine)
        upgrade()  # the schema the way production gets it: the Alembic revisions
        seed.load_reference()  # states, memberships, bodies, delegations, the Catalogue of CBMs
        db.session.remove()
    server = LiveServer(app)
    app.config["PUBLIC_BASE_URL"] = server.url
    server.start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium, started once; never a downloaded browser. Missing, the
    tests skip on a laptop and fail under CI=true."""
    services.require("chromium", os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        services.require("Playwright", False, "pip install -e '.[test]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def app_context(live_server):
    """The live app's context, for the factories that build what a journey does not create itself."""
    with live_server.app.app_context():
        yield live_server.app


class Browsing:
    """Drivers on fresh browser contexts (each its own cookies: one person each)."""

    def __init__(self, browser, server: LiveServer):
        self.browser = browser
        self.server = server
        self.contexts: list = []
        self.drivers: list[Driver] = []

    def open(self, language: str, keyboard: bool = False) -> Driver:
        """A person whose browser asks for `language`, at 1280 px; with keyboard, they use no pointer."""
        # bypass_csp: axe is injected as an inline script, which the app's CSP refuses (tests only).
        context = self.browser.new_context(base_url=self.server.url, viewport=WIDE, bypass_csp=True,
                                           locale=LOCALES[language], timezone_id="Asia/Almaty")
        context.set_default_timeout(10_000)
        context.add_init_script(script=axe_source())
        self.contexts.append(context)
        driver = Driver(context.new_page(), language, keyboard)
        self.drivers.append(driver)
        return driver

    def finish(self) -> None:
        """Fail with every problem the visited pages showed, and any page visited but not checked."""
        problems = [problem for driver in self.drivers for problem in driver.problems()]
        assert not problems, "\n".join(problems)

    def close(self) -> None:
        """Close the contexts; what the pages showed is printed (in the report of a test that failed earlier)."""
        for problem in (problem for driver in self.drivers for problem in driver.problems()):
            print(f"page check: {problem}")
        for context in self.contexts:
            context.close()


@pytest.fixture
def browse(chromium, live_server) -> Iterator[Browsing]:
    """browse.open(language, keyboard=False) gives a Driver; the test ends with browse.finish()."""
    browsing = Browsing(chromium, live_server)
    yield browsing
    browsing.close()
