"""The inbox benchmark (issue 5, item 8), run by hand:

    .venv/bin/python bench/inbox/run.py                     # full size: ~25 s of loading, ~1 minute of wrk
    .venv/bin/python bench/inbox/run.py --documents 10000   # a quick try
    .venv/bin/python bench/inbox/run.py --scale un          # a UN body: 193 delegations, 20,000 users,
                                                            # 1,000,000 documents, 10,000,000 circulations
    .venv/bin/python bench/inbox/run.py --scale un --fraction 0.02   # its path, at 2 %

In one process tree it
  1. creates a fresh PostgreSQL database, builds the schema with the app's own
     migrations and reference data, bulk-loads 100,000 documents, 39
     delegations, 1,000 users and over a million circulation rows, ANALYZE;
  2. serves the real app (gunicorn, two workers per core as deploy ships it,
     production settings) and the baselines (bench/inbox/baseline_app.py,
     gunicorn, as many workers: the ORM
     baseline page `/`, the bare page `/bare` and bare send_file) on the same
     database;
  3. logs in as a delegate and checks the inbox shows 50 rows and the 10 MB
     download works;
  4. loads each with wrk (16 connections, 2 threads, a warm-up, then 10 s,
     --latency) and prints req/s, p99 and every page's ratios against both the
     baseline page and the bare page, and against the targets;
and stops everything it started, and drops the database (unless --keep).

Exit status: 0 targets met, 1 a target missed, 2 the benchmark could not run.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import load  # noqa: E402
from api_token import API_INBOX_PATH  # noqa: E402
from cases import TARGET_P99_FACTOR, TARGET_RATIO, cases  # noqa: E402
from common import BenchError, Processes, free_port, say  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = load.ROOT
GUNICORN = str(load.VENV_BIN / "gunicorn")
PYTHON = str(load.VENV_BIN / "python")
USER_AGENT = "cica-bench"        # session protection "strong" hashes it: the same everywhere
INBOX_ROUTE = ROOT / "secretariat_app/documents/inbox/routes.py"
DOWNLOAD_ROUTE = ROOT / "secretariat_app/documents/web/routes_download.py"
SYMBOL = re.compile(r"CICA/[A-Z_]+/\d{4}/\d+(?:/(?:Rev|Corr|Add)\.\d+)?")

TARGET_INBOX_RATIO = 0.6
TARGET_INBOX_P99_MS = 50.0
TARGET_DOWNLOAD_RATIO = 0.8
# Issue 21: against the bare page (the same join, Core rows, a template compiled once).
TARGET_INBOX_BARE_RATIO = 0.6
TARGET_INBOX_BARE_P99_FACTOR = 1.5
# Issue 23: the API's inbox (50 items, a delegate's token) against the bare page of the same run.
TARGET_API_INBOX_BARE_RATIO = 0.6
# Issue 21, at the size of a UN body: against the baseline page of the same run.
TARGET_UN_INBOX_RATIO = 0.5
TARGET_UN_INBOX_P99_FACTOR = 1.5
TARGET_UN_SEARCH_P99_FACTOR = 3.0
TARGET_UN_LOAD_SECONDS = 30 * 60


def wait_ready(procs: Processes, name: str, proc: subprocess.Popen, port: int, path: str,
               timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"{name} exited with {proc.returncode}:\n{procs.tail(name)}")
        try:
            status, _, _ = http_request(port, "GET", path, timeout=5)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise BenchError(f"{name} did not answer on port {port} within {timeout:.0f} s:\n{procs.tail(name)}")


# --- HTTP by hand: production cookies are Secure, so urllib's jar would not send them back over http

def http_request(port: int, method: str, path: str, headers: dict | None = None, body: bytes | None = None,
                 timeout: float = 30) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.msg, response.read()
    finally:
        conn.close()


def session_cookie(headers: http.client.HTTPMessage) -> str | None:
    for value in headers.get_all("Set-Cookie") or []:
        match = re.match(r"\s*session=([^;]*)", value)
        if match:
            return match.group(1)
    return None


def log_in(port: int, email: str, password: str) -> str:
    status, headers, body = http_request(port, "GET", "/auth/login")
    if status != 200:
        raise BenchError(f"GET /auth/login answered {status}")
    cookie = session_cookie(headers)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body.decode()) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', body.decode())
    if cookie is None or match is None:
        raise BenchError("the login page gave no session cookie or no CSRF token")
    form = urllib.parse.urlencode({"csrf_token": match.group(1), "email": email, "password": password})
    status, headers, body = http_request(port, "POST", "/auth/login", body=form.encode(), headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"session={cookie}"})
    cookie = session_cookie(headers)
    if status != 302 or cookie is None:
        raise BenchError(f"logging in as {email} failed: {status}\n{body.decode(errors='replace')[:2000]}")
    return cookie


# --- wrk -------------------------------------------------------------------------

@dataclass
class WrkResult:
    rps: float
    p99_ms: float
    requests: int
    bad_responses: int
    socket_errors: str
    transfer: str


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> WrkResult:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"^\s*99(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    total = re.search(r"(\d+) requests in", output)
    if not (rps and p99 and total):
        raise BenchError(f"cannot read wrk's output:\n{output}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:\s*(.*)", output)
    transfer = re.search(r"Transfer/sec:\s+(\S+)", output)
    return WrkResult(float(rps.group(1)), float(p99.group(1)) * UNITS_MS[p99.group(2)], int(total.group(1)),
                     int(bad.group(1)) if bad else 0, errors.group(1).strip() if errors else "",
                     transfer.group(1) if transfer else "")


def median(results: list[WrkResult]) -> WrkResult | None:
    """Median req/s and median p99 over rounds (each median taken on its own)."""
    if not results:
        return None
    return WrkResult(statistics.median(r.rps for r in results), statistics.median(r.p99_ms for r in results),
                     sum(r.requests for r in results), sum(r.bad_responses for r in results), "", "")


def run_wrk(url: str, args, cookie: str | None, label: str, bearer: str | None = None,
            around: Callable[[], Callable[[int], str]] | None = None) -> WrkResult:
    """wrk on `url`: a warm-up, then the measured run. `around`, if given, is
    called as the measured run starts; what it returns is called with the
    requests served as it ends, and its text is printed with the result
    (download_rounds.py's CPU a request)."""
    headers = ["-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        headers += ["-H", f"Cookie: session={cookie}"]
    if bearer:
        headers += ["-H", f"Authorization: Bearer {bearer}"]
    base = ["wrk", f"-t{args.threads}", f"-c{args.connections}", "--latency", "--timeout", "10s", *headers]
    subprocess.run(base + [f"-d{args.warmup}s", url], capture_output=True, text=True, check=True)
    finish = around() if around else None
    done = subprocess.run(base + [f"-d{args.duration}s", url], capture_output=True, text=True, check=True)
    result = parse_wrk(done.stdout)
    note = f"; {finish(result.requests)}" if finish else ""
    if result.bad_responses:
        note += f", {result.bad_responses} non-2xx/3xx"
    if result.socket_errors:
        note += f", socket errors: {result.socket_errors}"
    say(f"  {label:<34} {result.rps:9.1f} req/s  p99 {result.p99_ms:8.2f} ms  "
        f"({result.requests:,} requests, {result.transfer}/s{note})")
    if args.verbose:
        say(done.stdout)
    if result.bad_responses:
        raise BenchError(f"{label}: {result.bad_responses} responses were not 2xx/3xx; nothing measured")
    return result


# --- the run ------------------------------------------------------------------------

def routes_written() -> bool:
    return ("def index" in INBOX_ROUTE.read_text(errors="replace") if INBOX_ROUTE.exists() else False) and \
        ("def download" in DOWNLOAD_ROUTE.read_text(errors="replace") if DOWNLOAD_ROUTE.exists() else False)


def check_app_starts(env: dict) -> None:
    """`wsgi:app` with the production settings, imported once before gunicorn, to show why if it refuses."""
    probe = subprocess.run([PYTHON, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=120)
    if probe.returncode != 0:
        raise BenchError(f"the app does not start with production settings:\n{probe.stderr[-3000:]}")


def expected_first_page(info: load.LoadInfo, size: int = 50) -> list[str]:
    """What the inbox should show first for the bench user: unread first, then newest
    (RESTRICTED only where the user is a named recipient)."""
    with psycopg.connect(info.pg_url) as conn:
        rows = conn.execute("""
            SELECT d.symbol FROM circulation c JOIN document d ON d.id = c.document_id
            LEFT JOIN receipt r ON r.document_id = d.id AND r.user_id = %(user)s
            WHERE c.delegation_id = %(deleg)s AND d.status <> 'draft'
              AND (d.level <> 'restricted' OR EXISTS (SELECT 1 FROM named_recipient n
                                                      WHERE n.document_id = d.id AND n.user_id = %(user)s))
            ORDER BY (r.id IS NULL) DESC, c.circulated_at DESC, d.id DESC LIMIT %(size)s
            """, {"user": info.bench_user_id, "deleg": info.bench_delegation_id, "size": size}).fetchall()
    return [row[0] for row in rows]


def check_pages(args, info: load.LoadInfo, app_port: int | None, base_port: int, cookie: str | None) -> None:
    status, _, body = http_request(base_port, "GET", "/")
    baseline_page = body.decode()
    rows = len(set(SYMBOL.findall(baseline_page)))
    if status != 200 or rows != 50:
        raise BenchError(f"baseline list: {status} with {rows} rows (want 200 with 50)")
    status, _, body = http_request(base_port, "GET", "/bare")
    if status != 200 or body.decode() != baseline_page:
        raise BenchError(f"bare page: {status}, and not the baseline's HTML byte for byte")
    status, headers, body = http_request(base_port, "GET", "/file")
    if status != 200 or len(body) != load.TEN_MB:
        raise BenchError(f"baseline send_file: {status}, {len(body)} bytes")
    say(f"  baseline: / 200 with {rows} rows, /bare 200 the same HTML, /file 200 with {len(body):,} bytes")
    if app_port is None:
        return
    status, headers, body = http_request(app_port, "GET", args.inbox_path, headers={"Cookie": f"session={cookie}"})
    if status in (301, 308) or (status == 404 and args.inbox_path.rstrip("/") != args.inbox_path):
        # wrk follows no redirect: measure the address that answers (the route may be /inbox, not /inbox/)
        other = urllib.parse.urlsplit(headers.get("Location", "")).path if status != 404 \
            else args.inbox_path.rstrip("/")
        say(f"  NOTE: GET {args.inbox_path} answered {status}; measuring {other} instead")
        args.inbox_path = other
        status, headers, body = http_request(app_port, "GET", other, headers={"Cookie": f"session={cookie}"})
    page = body.decode(errors="replace")
    symbols = list(dict.fromkeys(SYMBOL.findall(page)))
    if status != 200:
        raise BenchError(f"GET {args.inbox_path} as the delegate answered {status} "
                         f"{headers.get('Location', '')}\n{page[:2000]}")
    if len(symbols) != 50:
        raise BenchError(f"GET {args.inbox_path} shows {len(symbols)} documents, not 50 "
                         "(set --inbox-path, e.g. '/inbox/?per_page=50')")
    expected = expected_first_page(info)
    same = symbols == expected
    say(f"  inbox: {args.inbox_path} 200 with 50 rows, {len(page):,} bytes; first {symbols[0]}; "
        f"order {'matches' if same else 'DIFFERS from'} 'unread first, then newest' as the bench computes it")
    if not same and args.verbose:
        say(f"    page:     {symbols[:10]}\n    expected: {expected[:10]}")
    download = f"/documents/versions/{info.big_version_id}/download"
    status, headers, body = http_request(app_port, "GET", download, headers={"Cookie": f"session={cookie}"})
    if status != 200 or len(body) != load.TEN_MB:
        raise BenchError(f"GET {download}: {status}, {len(body):,} bytes (want 200, {load.TEN_MB:,})")
    say(f"  download: {download} 200, {len(body):,} bytes, "
        f"{headers.get('Content-Disposition', 'no Content-Disposition')}")


def api_token(env: dict, workdir: Path) -> str:
    """A `read` token of the bench delegate's, made by the app's own service (bench/inbox/api_token.py)."""
    made = subprocess.run([PYTHON, str(HERE / "api_token.py")], cwd=ROOT, capture_output=True, text=True,
                          env=dict(env, BENCH_INFO=str(workdir / "info.json")), timeout=120)
    if made.returncode != 0 or not made.stdout.strip().startswith("cica_"):
        raise BenchError(f"could not make the bench delegate's access token:\n{made.stderr[-2000:]}")
    return made.stdout.strip().splitlines()[-1]


def check_api(app_port: int, info: load.LoadInfo, bearer: str) -> None:
    """The API's inbox answers the delegate's token with the page's first 50 documents, in its order."""
    status, _, body = http_request(app_port, "GET", API_INBOX_PATH, headers={"Authorization": f"Bearer {bearer}"})
    if status != 200:
        raise BenchError(f"GET {API_INBOX_PATH} with the token answered {status}\n{body[:2000]!r}")
    items = json.loads(body)["items"]
    symbols = [item["symbol"] for item in items]
    same = symbols == expected_first_page(info)
    say(f"  API inbox: {API_INBOX_PATH} 200 with {len(items)} items, {len(body):,} bytes; "
        f"order {'matches' if same else 'DIFFERS from'} 'unread first, then newest'")
    if len(items) != 50:
        raise BenchError(f"GET {API_INBOX_PATH} lists {len(items)} documents, not 50")


def cpu_idle_share(seconds: float = 2.0) -> float:
    """Share of CPU time idle over `seconds` (from /proc/stat), before measuring."""
    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return fields[3] + fields[4], sum(fields)
    try:
        idle0, total0 = sample()
        time.sleep(seconds)
        idle1, total1 = sample()
        return (idle1 - idle0) / max(total1 - total0, 1)
    except (OSError, ValueError, IndexError):
        return 1.0


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _against(page: WrkResult, reference: WrkResult) -> str:
    """req/s as a share of the reference's, and p99 as a multiple of its p99."""
    return f"{page.rps / reference.rps:>7.2f}{page.p99_ms / reference.p99_ms:>7.2f}x"


def report(inbox, baseline, bare_page, download, bare) -> bool:
    say("")
    say("RESULTS (wrk, {c} connections, {t} threads, {d} s after a {w} s warm-up{r})".format(**RESULT_SHAPE))
    say(f"  {'':<40}{'req/s':>9}{'p99 ms':>9}   {'vs baseline':^15}   {'vs bare page':^15}")
    say(f"  {'':<40}{'':>9}{'':>9}   {'ratio':>7}{'p99':>8}   {'ratio':>7}{'p99':>8}")
    say(f"  {'bare page (50 rows, Core, compiled Jinja)':<40}{bare_page.rps:>9.1f}{bare_page.p99_ms:>9.2f}   "
        f"{_against(bare_page, baseline)}")
    say(f"  {'baseline list (50 rows, ORM, 1 query)':<40}{baseline.rps:>9.1f}{baseline.p99_ms:>9.2f}   "
        f"{'':>15}   {_against(baseline, bare_page)}")
    met = True
    if inbox is not None:
        say(f"  {'inbox page (50 rows, logged in)':<40}{inbox.rps:>9.1f}{inbox.p99_ms:>9.2f}   "
            f"{_against(inbox, baseline)}   {_against(inbox, bare_page)}")
        ratio = inbox.rps / baseline.rps
        ok = ratio >= TARGET_INBOX_RATIO and inbox.p99_ms < TARGET_INBOX_P99_MS
        met &= ok
        say(f"    target: >= {TARGET_INBOX_RATIO} of the baseline, p99 < {TARGET_INBOX_P99_MS:.0f} ms: {verdict(ok)}")
        ratio, factor = inbox.rps / bare_page.rps, inbox.p99_ms / bare_page.p99_ms
        ok = ratio >= TARGET_INBOX_BARE_RATIO and factor <= TARGET_INBOX_BARE_P99_FACTOR
        met &= ok
        say(f"    target: >= {TARGET_INBOX_BARE_RATIO} of the bare page, p99 <= {TARGET_INBOX_BARE_P99_FACTOR}x "
            f"its p99: {verdict(ok)}")
    say(f"  {'bare send_file, 10 MB':<40}{bare.rps:>9.1f}{bare.p99_ms:>9.2f}")
    if download is not None:
        ratio = download.rps / bare.rps
        ok = ratio >= TARGET_DOWNLOAD_RATIO
        met &= ok
        say(f"  {'download 10 MB, access checked':<40}{download.rps:>9.1f}{download.p99_ms:>9.2f}   "
            f"vs send_file {_against(download, bare)}")
        say(f"    target: >= {TARGET_DOWNLOAD_RATIO} of bare send_file: {verdict(ok)}")
    return met


def report_api(api: WrkResult | None, baseline: WrkResult, bare_page: WrkResult) -> bool:
    """Issue 23: the API's inbox (50 items as JSON, a bearer token) at least 0.6 of the bare page."""
    if api is None:
        return True
    say(f"  {'API inbox (50 items, JSON, bearer token)':<40}{api.rps:>9.1f}{api.p99_ms:>9.2f}   "
        f"{_against(api, baseline)}   {_against(api, bare_page)}")
    ok = api.rps / bare_page.rps >= TARGET_API_INBOX_BARE_RATIO
    say(f"    target: >= {TARGET_API_INBOX_BARE_RATIO} of the bare page (issue 23): {verdict(ok)}")
    return ok


def report_cases(results: dict[str, WrkResult], baseline: WrkResult) -> bool:
    """The search and filter cases beside the inbox (issue 20): ratios to the baseline page."""
    say(f"  search and filters (bench/inbox/cases.py): ratio >= {TARGET_RATIO}, "
        f"p99 <= {TARGET_P99_FACTOR:.0f} x the baseline's ({baseline.p99_ms * TARGET_P99_FACTOR:.1f} ms)")
    met = True
    for label, result in results.items():
        ratio, factor = result.rps / baseline.rps, result.p99_ms / baseline.p99_ms
        ok = result.requests > 0 and ratio >= TARGET_RATIO and factor <= TARGET_P99_FACTOR
        met &= ok
        say(f"  {label:<36}{result.rps:>10.1f}{result.p99_ms:>10.2f}{ratio:>8.2f}   p99 x{factor:.2f}: {verdict(ok)}")
    return met


def report_un(inbox: WrkResult | None, baseline: WrkResult, searches: dict[str, WrkResult],
              load_seconds: float | None, fraction: float, seconds_fixed: float | None = None) -> bool:
    """Issue 21's targets at the size of a UN body: the inbox at least 0.5 of the baseline
    page with a p99 at most 1.5 times its p99, every search's p99 at most 3 times it, and
    the loading under 30 minutes (judged only at full size: a fraction shows the path)."""
    say("  at the size of a UN body (issue 21):")
    met = True
    if inbox is not None:
        ratio, factor = inbox.rps / baseline.rps, inbox.p99_ms / baseline.p99_ms
        ok = ratio >= TARGET_UN_INBOX_RATIO and factor <= TARGET_UN_INBOX_P99_FACTOR
        met &= ok
        say(f"    inbox {ratio:.2f} of the baseline, p99 x{factor:.2f} (target >= {TARGET_UN_INBOX_RATIO}, "
            f"p99 <= x{TARGET_UN_INBOX_P99_FACTOR}): {verdict(ok)}")
    for label, result in searches.items():
        factor = result.p99_ms / baseline.p99_ms
        # No answer within the run (wrk's timeout is 2 s) is no p99 at all, not a p99 of 0.
        ok = result.requests > 0 and factor <= TARGET_UN_SEARCH_P99_FACTOR
        met &= ok
        shown = f"p99 x{factor:.2f} the baseline's" if result.requests else "no request answered"
        say(f"    {label}: {shown} (target <= x{TARGET_UN_SEARCH_P99_FACTOR}): {verdict(ok)}")
    if load_seconds is not None:
        if fraction >= 1:
            ok = load_seconds < TARGET_UN_LOAD_SECONDS
            met &= ok
            say(f"    loading {load_seconds / 60:.1f} min (target under 30): {verdict(ok)}")
        else:
            fixed = seconds_fixed or 0.0   # the schema and reference data, whatever the size
            say(f"    loading {load_seconds / 60:.1f} min at {fraction:g} of the size: not judged "
                f"(in proportion, {(fixed + (load_seconds - fixed) / fraction) / 60:.0f} min at full size: "
                "an estimate only)")
    return met


def run_kits(log_dir: Path) -> None:
    """The meeting kit's build time (bench/kits/run.py: 50 documents, 200 MB, into one ZIP with
    its HTML and PDF index, beside copying the same files), in the same run."""
    result = subprocess.run([PYTHON, str(ROOT / "bench" / "kits" / "run.py")], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, timeout=600)
    (log_dir / "kits.log").write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        raise BenchError(f"bench/kits/run.py failed:\n{result.stderr[-2000:]}")
    for line in result.stdout.strip().splitlines():
        say(f"  {line}")


def rare_documents_of(info: load.LoadInfo) -> int:
    """How many documents with the rare word were circulated to the bench delegation."""
    with psycopg.connect(info.pg_url) as conn:
        return conn.execute(
            "SELECT count(*) FROM file_text t JOIN document_version v ON v.file_sha256 = t.sha256 "
            "JOIN circulation c ON c.document_id = v.document_id "
            "WHERE c.delegation_id = %s AND t.text LIKE %s",
            (info.bench_delegation_id, f"%{load.RARE_WORD}%")).fetchone()[0]


def check_cases(app_port: int, info: load.LoadInfo, cookie: str) -> None:
    """Each case answers 200; the searches for the common and the rare word find documents."""
    for label, path in cases(info):
        status, _, body = http_request(app_port, "GET", path, headers={"Cookie": f"session={cookie}"})
        found = body.decode(errors="replace").count("data-document=")
        if status != 200:
            raise BenchError(f"{label}: GET {path} answered {status}")
        if label in ("search: a common word", "search: a rare word") and not found:
            if label == "search: a rare word" and not rare_documents_of(info):
                say(f"  NOTE: {label}: none of the documents with {load.RARE_WORD!r} reached the bench "
                    "delegation (a small run): measured as a search that finds nothing")
                continue
            raise BenchError(f"{label}: GET {path} found nothing (was the search index loaded?)")
        say(f"  {label}: {path} 200, {found} documents on the page")


def report_rounds(runs: dict[str, list[WrkResult]]) -> None:
    """Each round's own ratios: the pages of a round are measured back to back, so
    a slow moment of a shared machine shows as a round apart, not as a ratio of
    medians taken from different moments."""
    say("  ratios round by round (the median of each, and its range):")
    for label, (app, base) in (("baseline / bare page", ("baseline", "bare_page")),
                               ("inbox / baseline", ("inbox", "baseline")),
                               ("inbox / bare page", ("inbox", "bare_page")),
                               ("API inbox / bare page", ("api", "bare_page")),
                               ("API inbox / baseline", ("api", "baseline")),
                               ("download / bare send_file", ("download", "bare"))):
        ratios = [a.rps / b.rps for a, b in zip(runs[app], runs[base], strict=False) if b.rps]
        if ratios:
            say(f"    {label:<28}{' '.join(f'{r:.2f}' for r in ratios)}   median {statistics.median(ratios):.2f}, "
                f"{min(ratios):.2f}–{max(ratios):.2f}")


RESULT_SHAPE: dict = {}


def interrupt(*_) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=("bench", "un"), default="bench",
                        help="bench: 39 delegations, 1,000 users (default); un: the size of a UN body, "
                             "193 delegations, 20,000 users, 1,000,000 documents, 10,000,000 circulations, "
                             "and the meeting kit's build time")
    parser.add_argument("--fraction", type=float, default=1.0,
                        help="load this share of the scale's documents, circulations and users, e.g. "
                             "--scale un --fraction 0.02 to try its path on a shared machine")
    parser.add_argument("--documents", type=int, default=None, help="documents to load (default 100,000)")
    parser.add_argument("--circulations", type=int, default=None,
                        help="circulation rows to aim at (default 12 per document: 1,200,000)")
    parser.add_argument("--kits", action="store_true",
                        help="also time the meeting kit's build (bench/kits/run.py; always with --scale un)")
    parser.add_argument("--receipts", choices=load.RECEIPT_PROFILES, default="steady",
                        help="what the bench user has read: steady (all but ~30: page 1 mixes unread and read; "
                             "default), half (a random half), none")
    parser.add_argument("--keep", action="store_true", help="keep the database and the work directory")
    parser.add_argument("--reuse", type=Path, metavar="WORKDIR",
                        help="skip loading: reuse the database and files a --keep run left in WORKDIR")
    parser.add_argument("--baseline-only", action="store_true",
                        help="measure the baseline only (while the inbox routes are not written)")
    parser.add_argument("--instructions", action="store_true",
                        help="afterwards count instructions per request with valgrind (bench/inbox/instructions.py)")
    parser.add_argument("--explain", action="store_true",
                        help="afterwards, show the SQL of one inbox request with EXPLAIN ANALYZE and "
                             "where an in-process request spends its time (bench/inbox/explain.py)")
    parser.add_argument("--inbox-path", default="/inbox/")
    parser.add_argument("--no-cases", action="store_true",
                        help="leave out the search and filter cases (bench/inbox/cases.py)")
    parser.add_argument("--cases", default="", metavar="WORDS",
                        help="measure only the cases whose label holds WORDS (e.g. 'search:' or 'filter:')")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat the five measurements, interleaved, and report medians "
                             "(a shared machine is noisy)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=load.WORKERS,
                        help="gunicorn workers of each server (default: deploy's rule, two per core)")
    parser.add_argument("--pg-url", default=load.DEFAULT_PG)
    parser.add_argument("--db-name", default=load.DEFAULT_DB)
    parser.add_argument("-v", "--verbose", action="store_true", help="print wrk's full output")
    args = parser.parse_args()
    scale = load.scaled(load.UN if args.scale == "un" else load.BENCH, args.fraction)
    if args.documents is None:
        args.documents = scale.documents
        circulations = args.circulations or scale.circulations
    else:
        circulations = args.circulations or 12 * args.documents
    RESULT_SHAPE.update(c=args.connections, t=args.threads, d=args.duration, w=args.warmup,
                        r=f"; medians of {args.rounds} rounds" if args.rounds > 1 else "")

    if "bench" not in args.db_name:
        say(f"--db-name {args.db_name!r}: the run drops and re-creates it, so its name must contain 'bench'")
        return 2
    if shutil.which("wrk") is None:
        say("wrk is not installed: apt-get install -y wrk")
        return 2
    if not args.baseline_only and not routes_written():
        say(f"The inbox route ({INBOX_ROUTE.relative_to(ROOT)}: def index) or the download route "
            f"({DOWNLOAD_ROUTE.relative_to(ROOT)}: def download) is not written yet; "
            "use --baseline-only to measure the baseline alone.")
        return 2

    # SIGTERM ends the run like Ctrl-C: through the finally below.
    signal.signal(signal.SIGTERM, interrupt)
    workdir = args.reuse or Path(tempfile.mkdtemp(prefix="cica-bench-"))
    logdir = workdir / "logs"
    logdir.mkdir(parents=True, exist_ok=True)
    procs = Processes(logdir)
    status = 2
    try:
        if args.reuse:
            info = load.LoadInfo.read(args.reuse / "info.json")
            say(f"Reusing {info.db_name} ({info.documents:,} documents, {info.circulations:,} circulations)")
        else:
            say(f"1. Loading {args.documents:,} documents, ~{circulations:,} circulations, {scale.users:,} users, "
                f"{scale.delegations} delegations into {args.db_name} (files in {workdir})")
            info = load.load(args.pg_url, args.db_name, workdir, args.documents, circulations, log=say,
                             receipts=args.receipts, scale=scale)
            info.save(workdir / "info.json")
            say("  loading took {:.1f} s: ".format(info.seconds["total"]) + ", ".join(
                f"{k.strip()} {v:.1f} s" for k, v in info.seconds.items()
                if k != "total" and not k.startswith("  ")))
        say("  size on disk:")
        sizes_met = load.report_sizes(info.sizes or load.table_sizes(info.pg_url), say)

        say(f"2. Serving with gunicorn ({args.workers} workers each)")
        env = load.app_env(info.pg_url, workdir, Path(info.file_store))
        app_port = None
        if not args.baseline_only:
            check_app_starts(env)
            app_port = free_port()
            app = procs.start("app", [GUNICORN, "-w", str(args.workers), "-b", f"127.0.0.1:{app_port}",
                                      "--timeout", "60", "wsgi:app"], env, ROOT)
        base_port = free_port()
        base_env = dict(env, BENCH_DATABASE_URL=load.sqlalchemy_url(info.pg_url),
                        BENCH_DELEGATION_ID=str(info.bench_delegation_id), BENCH_FILE=info.big_file)
        baseline = procs.start("baseline", [GUNICORN, "-w", str(args.workers), "-b", f"127.0.0.1:{base_port}",
                                            "--timeout", "60", "--chdir", str(HERE), "baseline_app:app"],
                               base_env, HERE)
        if app_port:
            wait_ready(procs, "app", app, app_port, "/auth/login")
            say(f"  app      http://127.0.0.1:{app_port}/  (log {logdir / 'app.log'})")
        wait_ready(procs, "baseline", baseline, base_port, "/")
        say(f"  baseline http://127.0.0.1:{base_port}/  (log {logdir / 'baseline.log'})")

        say("3. Checking the pages")
        cookie = log_in(app_port, info.bench_email, info.password) if app_port else None
        if cookie:
            say(f"  logged in as {info.bench_email} (delegation {info.bench_delegation_id}; "
                f"{info.bench_inbox_size:,} documents circulated to it, {info.bench_unread} unread)")
        check_pages(args, info, app_port, base_port, cookie)
        bearer = None
        if app_port:
            bearer = api_token(env, workdir)
            check_api(app_port, info, bearer)
        measured_cases = [] if args.no_cases or not app_port or not cookie else \
            [(label, path) for label, path in cases(info) if args.cases in label]
        if measured_cases:
            assert app_port and cookie
            check_cases(app_port, info, cookie)

        say(f"4. wrk: {args.connections} connections, {args.threads} threads, "
            f"{args.warmup} s warm-up, then {args.duration} s each")
        idle = cpu_idle_share()
        if idle < 0.85:
            say(f"  WARNING: the machine is busy before measuring (CPU {idle:.0%} idle): something else is "
                "running; req/s will be low and noisy (try --rounds 3, or a quiet moment)")
        base_url, app_url = f"http://127.0.0.1:{base_port}", f"http://127.0.0.1:{app_port}"
        runs: dict[str, list[WrkResult]] = {"baseline": [], "bare_page": [], "inbox": [], "api": [], "bare": [],
                                            "download": []}
        runs.update({label: [] for label, _ in measured_cases})
        for round_number in range(1, args.rounds + 1):
            if args.rounds > 1:
                say(f"  round {round_number} of {args.rounds}")
            runs["baseline"].append(run_wrk(base_url + "/", args, None, "baseline list"))
            runs["bare_page"].append(run_wrk(base_url + "/bare", args, None, "bare page (Core, compiled Jinja)"))
            if not args.baseline_only:
                runs["inbox"].append(run_wrk(app_url + args.inbox_path, args, cookie, "inbox page"))
                runs["api"].append(run_wrk(app_url + API_INBOX_PATH, args, None, "API inbox (JSON, token)",
                                           bearer=bearer))
            for label, path in measured_cases:
                runs[label].append(run_wrk(app_url + path, args, cookie, label))
            runs["bare"].append(run_wrk(base_url + "/file", args, None, "bare send_file 10 MB"))
            if not args.baseline_only:
                runs["download"].append(run_wrk(
                    app_url + f"/documents/versions/{info.big_version_id}/download", args, cookie,
                    "download 10 MB"))
        baseline_result, bare_page_result, inbox_result, bare_result, download_result = (
            median(runs[name]) for name in ("baseline", "bare_page", "inbox", "bare", "download"))
        met = report(inbox_result, baseline_result, bare_page_result, download_result, bare_result)
        met &= report_api(median(runs["api"]), baseline_result, bare_page_result)
        if measured_cases:
            met &= report_cases({label: median(runs[label]) for label, _ in measured_cases}, baseline_result)
        if args.scale == "un":
            searches = {label: median(runs[label]) for label, _ in measured_cases
                        if label.startswith("search: ") and label != "search: no hits"}
            met &= report_un(inbox_result, baseline_result, searches,  # type: ignore[arg-type]
                             None if args.reuse else info.seconds["total"], args.fraction,
                             info.seconds.get("schema and reference data", 0.0)
                             + info.seconds.get("password hash (once)", 0.0))
        met &= sizes_met
        if args.rounds > 1 and not args.baseline_only:
            report_rounds(runs)
        status = 0 if met else 1
        if args.scale == "un" or args.kits:
            say("\nThe meeting kit's build time (bench/kits/run.py)")
            procs.stop_all()
            run_kits(logdir)

        if args.instructions and not args.baseline_only:
            procs.stop_all()
            say("\n5. Instructions per request (bench/inbox/instructions.py)")
            subprocess.run([PYTHON, str(HERE / "instructions.py")], cwd=ROOT, check=False,
                           env=dict(env, BENCH_INFO=str(workdir / "info.json"), BENCH_INBOX_PATH=args.inbox_path))
        if args.explain and not args.baseline_only:
            procs.stop_all()
            say(f"\n{6 if args.instructions else 5}. Where an inbox request spends its time (bench/inbox/explain.py)")
            explain_env = dict(env, BENCH_INFO=str(workdir / "info.json"),
                               BENCH_INBOX_PATH=args.inbox_path)
            subprocess.run([PYTHON, str(HERE / "explain.py")], cwd=ROOT, env=explain_env, check=False)
    except BenchError as error:
        say(f"\nERROR: {error}")
        status = 2
    except KeyboardInterrupt:
        say("\ninterrupted")
        status = 2
    except Exception as error:  # noqa: BLE001 - still clean up, then show it
        say(f"\nERROR: {type(error).__name__}: {error}")
        import traceback
        traceback.print_exc()
        status = 2
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)    # a second Ctrl-C must not skip the clean-up
        procs.stop_all()
        if args.keep or args.reuse:
            say(f"\nKept database {args.db_name if not args.reuse else info.db_name} and {workdir} "
                f"(re-run with --reuse {workdir}; logs in {logdir})")
        else:
            try:
                load.drop_database(args.pg_url, args.db_name)
            except Exception as error:  # noqa: BLE001
                say(f"could not drop {args.db_name}: {error}")
            shutil.rmtree(workdir, ignore_errors=True)
            say(f"\nDropped database {args.db_name}; removed {workdir}")
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    return status


if __name__ == "__main__":
    sys.exit(main())
