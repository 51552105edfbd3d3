"""Where one inbox request spends its time, in-process (no gunicorn, no wrk):

  * every SQL statement one logged-in inbox request runs, with its time, and
    EXPLAIN (ANALYZE, BUFFERS) of each SELECT with the request's own parameters;
  * the average wall time of a request split into SQL (time inside the driver)
    and the rest (Python: routing, session, Flask-Login, template);
  * the functions cProfile finds most expensive over 200 requests.

  * the same for each search and filter case (bench/inbox/cases.py): its
    statements, their number, and EXPLAIN (ANALYZE, BUFFERS) of each, so that
    the index each one walks is on the page (issue 20, item 3). A statement the
    app prepares on the server (extensions.prepared_statements: the inbox's
    page, the reader's row) is shown with the plan it runs with, the generic
    one (PREPARE, plan_cache_mode = force_generic_plan, EXPLAIN EXECUTE): after
    five executions PostgreSQL keeps that plan for every value; the others with
    their own values' plan.

run.py --explain runs it after the measurements; alone, on a database a
`run.py --keep` left (`--cases`: the cases' statements and plans only):

    BENCH_INFO=/tmp/cica-bench-XXXX/info.json .venv/bin/python bench/inbox/explain.py [--cases] [--only WORDS]

(--only WORDS: the cases whose label holds WORDS, e.g. --only filter:)
"""
from __future__ import annotations

import cProfile
import io
import os
import pstats
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import load  # noqa: E402
from cases import cases  # noqa: E402

info = load.LoadInfo.read(Path(os.environ["BENCH_INFO"]))
workdir = Path(os.environ["BENCH_INFO"]).parent
# The same settings run.py serves with (production), set before config is imported.
for name, value in load.app_env(info.pg_url, workdir, Path(info.file_store)).items():
    os.environ.setdefault(name, value)
key = os.environ["SECRET_KEY"]

from psycopg import sql as psycopg_sql  # noqa: E402
from sqlalchemy import event  # noqa: E402

from config import ProductionConfig  # noqa: E402
from secretariat_app import create_app  # noqa: E402
from secretariat_app.extensions import db  # noqa: E402

INBOX = os.environ.get("BENCH_INBOX_PATH", "/inbox/")
UA = {"User-Agent": "cica-bench"}
REQUESTS = 200


def main() -> None:
    app = create_app(ProductionConfig, {"SECRET_KEY": key})
    import logging
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    client = app.test_client()
    base = "https://localhost"       # production cookies are Secure
    page = client.get(base + "/auth/login", headers=UA).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    # Over https Flask-WTF also wants a same-origin Referer.
    answer = client.post(base + "/auth/login", headers={**UA, "Referer": base + "/auth/login"}, data={
        "csrf_token": token, "email": info.bench_email, "password": info.password})
    assert answer.status_code == 302, answer.status_code

    with app.app_context():
        engine = db.engine
    statements: list[list] = []
    sql_time = [0.0]

    @event.listens_for(engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("bench_t", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, executemany):
        started = conn.info.get("bench_t")  # none for a driver statement (no before_cursor_execute)
        took = time.perf_counter() - started.pop() if started else 0.0
        sql_time[0] += took
        # Prepared on the server (extensions.prepared_statements sets the threshold to 0).
        prepared = getattr(cursor.connection, "prepare_threshold", None) == 0
        statements.append([statement, parameters, took, prepared])

    if "--cases" in sys.argv:
        explain_cases(client, base, engine, statements)
        return
    for _ in range(10):                                 # warm caches: compiled SQL, templates
        assert client.get(base + INBOX, headers=UA).status_code == 200
    statements.clear()
    client.get(base + INBOX, headers=UA)
    one = list(statements)

    print(f"\nSQL statements in one GET {INBOX}: {len(one)}")
    for n, (statement, parameters, took, _) in enumerate(one, 1):
        flat = " ".join(statement.split())
        print(f"\n[{n}] {took * 1000:.2f} ms: {flat[:6000]}{' ...' if len(flat) > 6000 else ''}")
        print(f"    parameters: {parameters}")
    with engine.connect() as conn:
        for n, (statement, parameters, _, prepared) in enumerate(one, 1):
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            kind, plan = explain(conn, statement, parameters, prepared)
            print(f"\nEXPLAIN ANALYZE [{n}] ({kind})")
            for line in plan:
                print("   " + line)
        conn.rollback()

    statements.clear()
    sql_time[0] = 0.0
    started = time.perf_counter()
    for _ in range(REQUESTS):
        client.get(base + INBOX, headers=UA)
    wall = (time.perf_counter() - started) / REQUESTS * 1000
    sql = sql_time[0] / REQUESTS * 1000
    explain_cases(client, base, engine, statements)

    print(f"\nIn-process, {REQUESTS} requests: {wall:.2f} ms a request = {sql:.2f} ms in SQL "
          f"({len(statements) / REQUESTS:.1f} statements) + {wall - sql:.2f} ms of Python "
          f"(one process, one core: at most ~{1000 / wall:.0f} req/s per worker)")

    phases(app, base)

    # The baseline, in the same process, for scale.
    os.environ.setdefault("BENCH_DATABASE_URL", load.sqlalchemy_url(info.pg_url))
    os.environ.setdefault("BENCH_DELEGATION_ID", str(info.bench_delegation_id))
    os.environ.setdefault("BENCH_FILE", info.big_file)
    import baseline_app
    baseline = baseline_app.app.test_client()
    for _ in range(10):
        baseline.get("/")
    started = time.perf_counter()
    for _ in range(REQUESTS):
        baseline.get("/")
    base_wall = (time.perf_counter() - started) / REQUESTS * 1000
    print(f"Baseline in-process, {REQUESTS} requests: {base_wall:.2f} ms a request "
          f"(inbox/baseline time ratio {wall / base_wall:.1f})")

    # The 10 MB download through the access check, against the bare send_file.
    download = f"{base}/documents/versions/{info.big_version_id}/download"
    statements.clear()
    answer = client.get(download, headers=UA)
    assert answer.status_code == 200, answer.status_code
    print(f"\nSQL statements in one GET {download[len(base):]}: {len(statements)}")
    for n, (statement, _parameters, took, _prepared) in enumerate(statements, 1):
        print(f"  [{n}] {took * 1000:.2f} ms: {' '.join(statement.split())[:160]}")
    for label, get in (("download (access check, receipt, audit, commit)", lambda: client.get(download, headers=UA)),
                       ("bare send_file", lambda: baseline.get("/file"))):
        started = time.perf_counter()
        for _ in range(50):
            get().get_data()
        print(f"  {label:<50} {(time.perf_counter() - started) / 50 * 1000:7.2f} ms a request in-process")

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(REQUESTS):
        client.get(base + INBOX, headers=UA)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(20)
    print("\nSelected functions (cumulative over all requests):", file=out)
    stats.sort_stats("cumulative").print_stats(
        r"(render_template|inbox_page|_attach_languages|load_choices|validate|to_filters|load_user|"
        r"url_for|localtime|format_datetime|to_user_timezone|gettext|_get_current_context|execute\b|"
        r"process_response|save_session|open_session|preprocess_request|enforce_access)")
    print(f"\ncProfile over {REQUESTS} requests (times are totals for all of them):")
    print(out.getvalue())


def explain(conn, statement: str, parameters: dict, prepared: bool) -> tuple[str, list[str]]:
    """EXPLAIN (ANALYZE, BUFFERS) of one statement as the app runs it: a statement it
    prepares with the generic plan (the plan a prepared statement keeps after five
    executions, for every value), any other with its values' own plan."""
    if not prepared:
        plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()
        return "custom plan", [line for (line,) in plan]
    driver = conn.connection.driver_connection
    names: list[str] = []

    def numbered(match: re.Match) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    # psycopg's %(name)s placeholders as PREPARE's $1, $2, ... (and its escaped %% as %).
    text = re.sub(r"%\((\w+)\)s", numbered, statement).replace("%%", "%")
    values = ", ".join(psycopg_sql.Literal(parameters[name]).as_string(driver) for name in names)
    conn.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
    conn.exec_driver_sql("DEALLOCATE ALL")
    try:
        driver.execute("PREPARE bench_explain AS " + text, prepare=False)
        plan = driver.execute(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_explain({values})", prepare=False).fetchall()
    finally:
        driver.execute("DEALLOCATE ALL", prepare=False)
        conn.exec_driver_sql("RESET plan_cache_mode")
    return "generic plan, as prepared", [line for (line,) in plan]


def explain_cases(client, base: str, engine, statements: list) -> None:
    """Each search and filter case: how many statements one request runs, and
    EXPLAIN (ANALYZE, BUFFERS) of those that read documents (not the reader's row);
    the inbox's page statement with its generic plan (explain)."""
    print("\nSearch and filter cases (bench/inbox/cases.py): statements and plans")
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else ""
    for label, path in cases(info):
        if only not in label:
            continue
        for _ in range(3):
            answer = client.get(base + path, headers=UA)
            assert answer.status_code == 200, (path, answer.status_code)
        statements.clear()
        started = time.perf_counter()
        client.get(base + path, headers=UA)
        wall = (time.perf_counter() - started) * 1000
        one = list(statements)
        print(f"\n=== {label}: GET {path}: {len(one)} statements, {wall:.1f} ms in-process")
        with engine.connect() as conn:
            for n, (statement, parameters, took, prepared) in enumerate(one, 1):
                flat = " ".join(statement.split())
                reads_documents = any(table in flat for table in ("search_entry", "circulation", "FROM document"))
                print(f"  [{n}] {took * 1000:.2f} ms, {len(statement.encode()):,} bytes "
                      f"({'within' if len(statement.encode()) <= 4096 else 'over'} psycopg's 4,096-byte parse "
                      f"cache): {flat[:200]}{' ...' if len(flat) > 200 else ''}")
                if not reads_documents or not flat.upper().startswith(("SELECT", "WITH")):
                    continue
                kind, plan = explain(conn, statement, parameters, prepared)
                print(f"      ({kind})")
                for line in plan:
                    print("      " + line)
            conn.rollback()


def phases(app, base: str) -> None:
    """The inbox view's own steps, timed apart in one request context (no profiler
    overhead). Reads the view's internals: if they changed, says so and goes on."""
    try:
        from flask import g, render_template
        from sqlalchemy import text

        from secretariat_app.accounts.login import load_user
        from secretariat_app.accounts.models.people import User
        from secretariat_app.accounts.services import sessions
        from secretariat_app.core.localisation import current_language
        from secretariat_app.documents.inbox import routes as inbox_routes
        from secretariat_app.documents.services import inbox as inbox_service

        with app.test_request_context(INBOX, base_url=base, headers=UA):
            user = db.session.get(User, info.bench_user_id)
            sessions.start_session(user)  # a session of its own, as a login makes
            db.session.commit()
            session_key = user.get_id()
            _ = user.roles, user.delegation  # loaded now: detached below, a rollback cannot expire them
            db.session.expunge(user)
            g._login_user = user
            language = current_language()
            page = inbox_service.inbox_page(user, inbox_service.InboxFilters(), None)
            rows = inbox_routes._rows_html(page.rows, language)
            steps = {
                "SELECT 1 (BEGIN, a round trip)": lambda: db.session.execute(text("SELECT 1")),
                "the reader's row (Flask-Login)": lambda: load_user(session_key),
                "inbox_page (the page statement)": lambda: inbox_service.inbox_page(
                    g._login_user, inbox_service.InboxFilters(), None),
                "the 50 rows' HTML": lambda: inbox_routes._rows_html(page.rows, language),
                "render_template (the page around)": lambda: render_template(
                    "inbox/index.html", filters="", page=page, rows=rows, args={}),
            }
            print("\nThe view's steps, each timed apart (mean of 50 after 5 warm-ups; each followed by a "
                  "rollback, as a request that wrote ends):")
            for name, step in steps.items():
                for _ in range(5):
                    step()
                    db.session.rollback()
                started = time.perf_counter()
                for _ in range(50):
                    step()
                    db.session.rollback()
                print(f"  {name:<36} {(time.perf_counter() - started) / 50 * 1000:8.2f} ms")
            db.session.rollback()
    except Exception as error:  # noqa: BLE001 - internals of another module: report, go on
        print(f"\n(step timing skipped: {type(error).__name__}: {error})")


if __name__ == "__main__":
    main()
