"""What every request pays, in-process: each step of the request pipeline
timed apart, for the inbox and the download against the baseline's pages.

wrk on a shared two-core machine moves by a third from one minute to the next;
this does not need a quiet machine to say where a request's time goes. It
serves `wsgi.app` (as gunicorn serves it: production settings) and
`baseline_app.app` from a WSGI call of its own that behaves like gunicorn's
sync worker (a file response is handed to `wsgi.file_wrapper` and sent by the
kernel, not read in Python: here it is not sent at all, so what is measured is
what the app does around the file, the part that differs between the download
and bare `send_file`).

Each step is timed exclusively (a step's time leaves out the steps timed
inside it), so the rows add up to the request:

* every before_request, after_request and teardown function and context
  processor, the view, the session cookie's opening and saving, Flask-Login's
  user loader and its session protection, Babel's locale and time zone
  selectors, render_template, send_file;
* time in the PostgreSQL driver, by statement kind (BEGIN, the reader's row,
  the page, the download's statement, COMMIT): the round trip and the
  server's work, which wrk's machine also pays;
* "the rest": routing, the request and app contexts, the response object,
  the WSGI wrappers.

    BENCH_INFO=/tmp/cica-bench-XXXX/info.json .venv/bin/python bench/inbox/pipeline.py
        [--requests 300] [--only inbox,download,...] [--profile [cumulative]] [--sync-commit off]

`--sync-commit off` serves the app with synchronous_commit off on its
connections: the download's COMMIT then returns before its WAL is on disk, the
cost of the durable audit entry shown by difference (a measurement only: the
app never runs so).
"""
from __future__ import annotations

import argparse
import cProfile
import functools
import io
import os
import pstats
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import load  # noqa: E402

# BENCH_APP_ROOT=/work/main: time another checkout's app with this script (load puts this one first).
if os.environ.get("BENCH_APP_ROOT"):
    sys.path.insert(0, str(Path(os.environ["BENCH_APP_ROOT"]).resolve()))

UA = "cica-bench"
BASE = "https://localhost"  # production cookies are Secure


class Clock:
    """Exclusive time per named step: a step's time leaves out the steps timed
    inside it. Both wall time and this thread's CPU time: on a loaded machine
    the wall time of Python steps grows with the load, their CPU time hardly."""

    def __init__(self) -> None:
        self.total: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.stack: list[list[Any]] = []
        self.on = False

    def wrap(self, name, fn, namer=None):
        clock = self

        @functools.wraps(fn)
        def timed(*args, **kwargs):
            if not clock.on:
                return fn(*args, **kwargs)
            label = namer(*args, **kwargs) if namer else name
            frame = [label, 0.0, 0.0]
            clock.stack.append(frame)
            started, cpu_started = time.perf_counter(), time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent, cpu = time.perf_counter() - started, time.thread_time() - cpu_started
                clock.stack.pop()
                clock.total[label] += spent - frame[1]
                clock.cpu[label] += cpu - frame[2]
                clock.calls[label] += 1
                if clock.stack:
                    clock.stack[-1][1] += spent
                    clock.stack[-1][2] += cpu
        return timed

    def reset(self) -> None:
        self.total.clear()
        self.cpu.clear()
        self.calls.clear()


CLOCK = Clock()


def _name(fn) -> str:
    if isinstance(fn, functools.partial):
        fn = fn.func
    owner = getattr(fn, "__self__", None)
    qual = getattr(fn, "__qualname__", None) or repr(fn)
    module = getattr(fn, "__module__", "") or (type(owner).__module__ if owner is not None else "")
    return f"{module.split('.')[0]}: {qual}"


def _statement_kind(cursor, query, *args, **kwargs) -> str:
    text = query if isinstance(query, str) else bytes(query).decode() if isinstance(query, bytes | bytearray) \
        else str(query)
    flat = " ".join(text.split()).upper()
    if flat.startswith("BEGIN"):
        return "SQL: BEGIN (a round trip of its own)"
    if flat.startswith("WITH FOUND"):
        return "SQL: the download's statement (right, audit entry, receipt)"
    if flat.startswith("SELECT DOCUMENT_VERSION"):
        return "SQL: the download's read (version, file, right)"
    if "USER_SESSION" in flat and "USER_ACCOUNT" in flat:
        return "SQL: the reader's row (user, session, roles, delegation, generation)"
    if "ACCESS_TOKEN" in flat and "USER_ACCOUNT" in flat:
        return "SQL: the token and its owner (user, roles, delegation, generation)"
    if "CIRCULATION" in flat:
        return "SQL: the page's statement"
    return "SQL: " + flat[:60]


def instrument(app, view_names: dict[str, str] | None = None) -> None:
    """Wrap what a request runs with CLOCK (idempotent per app)."""
    if getattr(app, "_pipeline_timed", False):
        return
    app._pipeline_timed = True
    for registry in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs,
                     app.template_context_processors, app.url_value_preprocessors):
        for key, funcs in registry.items():
            scope = f" [{key}]" if key else ""
            funcs[:] = [CLOCK.wrap(_name(fn) + scope, fn) for fn in funcs]
    app.teardown_appcontext_funcs[:] = [CLOCK.wrap(_name(fn) + " (app teardown)", fn)
                                        for fn in app.teardown_appcontext_funcs]
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = CLOCK.wrap(f"view {endpoint}", view)
    interface = app.session_interface  # Flask's class attribute: one object for every app
    if not getattr(interface, "_pipeline_timed", False):
        interface._pipeline_timed = True
        interface.open_session = CLOCK.wrap("session cookie: open (verify, decode)", interface.open_session)
        interface.save_session = CLOCK.wrap("session cookie: save", interface.save_session)
    login_manager = getattr(app, "login_manager", None)
    if login_manager is not None and not getattr(login_manager, "_pipeline_timed", False):
        login_manager._pipeline_timed = True
        login_manager._user_callback = CLOCK.wrap("Flask-Login: user loader (Python)", login_manager._user_callback)
        login_manager._session_protection_failed = CLOCK.wrap(
            "Flask-Login: session protection (strong)", login_manager._session_protection_failed)
        login_manager._load_user = CLOCK.wrap("Flask-Login: _load_user", login_manager._load_user)
    babel = app.extensions.get("babel")
    if babel is not None:
        babel.locale_selector = CLOCK.wrap("Babel: locale selector", babel.locale_selector)
        babel.timezone_selector = CLOCK.wrap("Babel: timezone selector", babel.timezone_selector)
    app.wsgi_app = CLOCK.wrap("WSGI: the rest (routing, contexts, response, wrappers)", app.wsgi_app)


def instrument_globals() -> None:
    import flask.templating
    import psycopg

    psycopg.Cursor.execute = CLOCK.wrap("SQL", psycopg.Cursor.execute, namer=_statement_kind)
    psycopg.Connection.commit = CLOCK.wrap("SQL: COMMIT", psycopg.Connection.commit)
    psycopg.Connection.rollback = CLOCK.wrap("SQL: ROLLBACK", psycopg.Connection.rollback)
    flask.templating._render = CLOCK.wrap("Jinja: render_template", flask.templating._render)
    import flask_babel
    flask_babel.get_translations = CLOCK.wrap("Babel: get_translations", flask_babel.get_translations)


class SendfileWrapper:
    """gunicorn's wsgi.file_wrapper, as the sync worker uses it: the file goes
    out through os.sendfile, so Python never reads it. Here it is not sent."""

    def __init__(self, filelike, blksize: int = 8192):
        self.filelike = filelike

    def close(self) -> None:
        self.filelike.close()

    def __iter__(self):
        raise AssertionError("a file response is sent by the kernel, never iterated")


def call(app, environ: dict) -> tuple[str, int]:
    env = dict(environ)
    env["wsgi.input"] = io.BytesIO()
    env["wsgi.file_wrapper"] = SendfileWrapper
    started: list[str] = []

    def start_response(status, headers, exc_info=None):
        started[:] = [status]
        return lambda data: None

    body = app(env, start_response)
    try:
        if isinstance(body, SendfileWrapper):
            size = os.fstat(body.filelike.fileno()).st_size
        else:
            size = sum(len(chunk) for chunk in body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    return started[0], size


def environ_for(path: str, cookie: str | None, bearer: str | None = None) -> dict:
    from werkzeug.test import EnvironBuilder

    headers = {"User-Agent": UA}
    if cookie:
        headers["Cookie"] = f"session={cookie}"
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    builder = EnvironBuilder(path=path, base_url=BASE, headers=headers,
                             environ_base={"REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "40000"})
    try:
        return builder.get_environ()
    finally:
        builder.close()


def log_in(app, info) -> str:
    client = app.test_client()
    ua = {"User-Agent": UA}
    page = client.get(BASE + "/auth/login", headers=ua).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = client.post(BASE + "/auth/login", headers={**ua, "Referer": BASE + "/auth/login"}, data={
        "csrf_token": token, "email": info.bench_email, "password": info.password})
    assert answer.status_code == 302, answer.status_code
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def measure(label: str, app, environ: dict, requests: int, warmup: int, profile: str) -> float:
    for _ in range(warmup):
        status, _ = call(app, environ)
        assert status.startswith("200"), (label, status)
    CLOCK.reset()
    CLOCK.on = True
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    started, cpu_started = time.perf_counter(), time.thread_time()
    for _ in range(requests):
        call(app, environ)
    wall = (time.perf_counter() - started) / requests
    cpu_all = (time.thread_time() - cpu_started) / requests
    if profiler:
        profiler.disable()
    CLOCK.on = False
    per = {name: spent / requests for name, spent in CLOCK.total.items()}
    cpu = {name: spent / requests for name, spent in CLOCK.cpu.items()}
    sql = sum(v for k, v in per.items() if k.startswith("SQL"))
    sql_cpu = sum(v for k, v in cpu.items() if k.startswith("SQL"))
    calls = sum(CLOCK.calls[k] for k in per if k.startswith("SQL")) / requests
    print(f"\n{label}: {wall * 1e6:.0f} µs a request in-process, {cpu_all * 1e6:.0f} µs of it this process's CPU "
          f"({requests} requests after {warmup}; load {os.getloadavg()[0]:.1f})")
    print(f"  SQL (the driver: round trips and the server's work) {sql * 1e6:.0f} µs wall in {calls:.1f} calls; "
          f"Python {(wall - sql) * 1e6:.0f} µs wall, {(cpu_all - sql_cpu) * 1e6:.0f} µs CPU")
    print(f"  {'wall µs':>9} {'CPU µs':>8} calls  step")
    for name, spent in sorted(per.items(), key=lambda item: -item[1]):
        if spent * 1e6 >= 1:
            print(f"  {spent * 1e6:9.1f} {cpu[name] * 1e6:8.1f} {CLOCK.calls[name] / requests:4.1f}x  {name}")
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats(profile).print_stats(40 if profile == "cumulative" else 25)
        print(out.getvalue())
    return cpu_all


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--only", default="bare,baseline,inbox,api,file,download",
                        help="comma-separated: bare, baseline, inbox, api (/api/v1/inbox, a token), "
                             "file (bare send_file), download")
    parser.add_argument("--profile", nargs="?", const="tottime", default="", choices=("tottime", "cumulative"),
                        help="also a cProfile of each, sorted by its own time (default) or by cumulative time")
    parser.add_argument("--sync-commit", choices=("on", "off"), default="on")
    parser.add_argument("--inbox-path", default=os.environ.get("BENCH_INBOX_PATH", "/inbox/"))
    parser.add_argument("--label", default="", help="a name for the build measured, printed with each figure")
    args = parser.parse_args()
    info = load.LoadInfo.read(Path(os.environ["BENCH_INFO"]))
    workdir = Path(os.environ["BENCH_INFO"]).parent
    for name, value in load.app_env(info.pg_url, workdir, Path(info.file_store)).items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("BENCH_DATABASE_URL", load.sqlalchemy_url(info.pg_url))
    os.environ.setdefault("BENCH_DELEGATION_ID", str(info.bench_delegation_id))
    os.environ.setdefault("BENCH_FILE", info.big_file)
    import logging
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    instrument_globals()
    wanted = args.only.split(",")
    results = {}
    if {"bare", "baseline", "file"} & set(wanted):
        import baseline_app
        instrument(baseline_app.app)
        for key, label, path in (("bare", "bare page (/bare)", "/bare"), ("baseline", "baseline page (/)", "/"),
                                 ("file", "bare send_file (/file)", "/file")):
            if key in wanted:
                results[key] = measure(label, baseline_app.app, environ_for(path, None), args.requests,
                                       args.warmup, args.profile)
    if {"inbox", "api", "download"} & set(wanted):
        if args.sync_commit == "off":
            from config import engine_options
            url = load.sqlalchemy_url(info.pg_url)
            options = engine_options(url)
            options["connect_args"] = {**options.get("connect_args", {}), "options": "-c synchronous_commit=off"}
            from secretariat_app import create_app
            app = create_app(overrides={"SQLALCHEMY_ENGINE_OPTIONS": options})
        else:
            import wsgi
            app = wsgi.app
        import secretariat_app.documents.web.routes_download as routes_download
        if hasattr(routes_download, "file_response"):  # the file's response, built in send_file's place
            routes_download.file_response = CLOCK.wrap("file_response (headers, ETag)", routes_download.file_response)
        else:  # a checkout from before (BENCH_APP_ROOT)
            routes_download.send_file = CLOCK.wrap("send_file (stat, headers, ETag)", routes_download.send_file)
        cookie = log_in(app, info)
        instrument(app)
        if "inbox" in wanted:
            results["inbox"] = measure(f"{args.label}inbox ({args.inbox_path})", app,
                                       environ_for(args.inbox_path, cookie), args.requests, args.warmup, args.profile)
        if "api" in wanted:
            from api_token import API_INBOX_PATH, make_token
            results["api"] = measure(f"{args.label}API inbox ({API_INBOX_PATH})", app,
                                     environ_for(API_INBOX_PATH, None, make_token(app, info.bench_email)),
                                     args.requests, args.warmup, args.profile)
        if "download" in wanted:
            path = f"/documents/versions/{info.big_version_id}/download"
            results["download"] = measure(f"{args.label}download ({path}, synchronous_commit {args.sync_commit})", app,
                                          environ_for(path, cookie), args.requests, args.warmup, args.profile)
    print()
    for key, label in (("inbox", "bare"), ("inbox", "baseline"), ("api", "bare"), ("api", "baseline"),
                       ("download", "file")):
        if key in results and label in results:
            print(f"  {key} / {label}: {results[key] * 1e6:.0f} / {results[label] * 1e6:.0f} µs of this "
                  f"process's CPU a request (ratio {results[key] / results[label]:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
