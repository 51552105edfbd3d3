"""Instructions per request, counted by valgrind (callgrind): the inbox page and
the download in-process, against the baseline's page and bare send_file.

wrk's requests per second on a shared two-core machine move by a third from
one minute to the next, baseline included. An instruction count does not: the
same code, data and requests execute the same instructions whatever else the
machine is doing. The app is `wsgi.app`, as gunicorn serves it; the baseline
is `baseline_app.app`, as gunicorn serves it. It counts the Python process only (Flask, SQLAlchemy,
psycopg, the templates, the test client that drives it), not PostgreSQL's
work nor the kernel's (sendfile), so it complements wrk rather than replacing
it. Each figure is (instructions for N requests after a warm-up minus those
for none) / N; the runs go two at a time.

    BENCH_INFO=/tmp/cica-bench-XXXX/info.json .venv/bin/python bench/inbox/instructions.py [--requests 30]

run.py --instructions runs it after the measurements.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
UA = {"User-Agent": "cica-bench"}
BASE = "https://localhost"  # production cookies are Secure
WARM_UP = 20
MEASURED = {"inbox": ("app", "inbox"), "baseline page": ("baseline", "/"), "bare page": ("baseline", "/bare"),
            "download 10 MB": ("app", "download"), "bare send_file": ("baseline", "/file")}


def child(kind: str, target: str, requests: int) -> None:
    """In the process valgrind counts: build the app, log in, warm up, then `requests` GETs."""
    sys.path.insert(0, str(HERE))
    import load

    if os.environ.get("BENCH_APP_ROOT"):  # another checkout's app, counted with this script
        sys.path.insert(0, str(Path(os.environ["BENCH_APP_ROOT"]).resolve()))

    info = load.LoadInfo.read(Path(os.environ["BENCH_INFO"]))
    workdir = Path(os.environ["BENCH_INFO"]).parent
    for name, value in load.app_env(info.pg_url, workdir, Path(info.file_store)).items():
        os.environ.setdefault(name, value)
    if kind == "baseline":
        os.environ.setdefault("BENCH_DATABASE_URL", load.sqlalchemy_url(info.pg_url))
        os.environ.setdefault("BENCH_DELEGATION_ID", str(info.bench_delegation_id))
        os.environ.setdefault("BENCH_FILE", info.big_file)
        import baseline_app

        client, url = baseline_app.app.test_client(), target
    else:
        import wsgi  # the app as gunicorn serves it: production settings, start-up objects frozen for the GC

        client = wsgi.app.test_client()
        page = client.get(BASE + "/auth/login", headers=UA).get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        answer = client.post(BASE + "/auth/login", headers={**UA, "Referer": BASE + "/auth/login"}, data={
            "csrf_token": token, "email": info.bench_email, "password": info.password})
        assert answer.status_code == 302, answer.status_code
        path = f"/documents/versions/{info.big_version_id}/download" if target == "download" else \
            os.environ.get("BENCH_INBOX_PATH", "/inbox/")
        url = BASE + path
    for _ in range(WARM_UP + requests):
        answer = client.get(url, headers=UA)
        answer.get_data()
        assert answer.status_code == 200, (url, answer.status_code)


def count(kind: str, target: str, requests: int, outdir: Path) -> int:
    """Instructions valgrind counted for a whole child run."""
    out = outdir / f"callgrind.{kind}.{re.sub(r'[^a-z]', '', target) or 'root'}.{requests}"
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, __file__,
         "--child", kind, target, str(requests)],
        capture_output=True, text=True, env=os.environ.copy())
    found = re.search(r"Collected\s*:\s*(\d+)", done.stderr)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"valgrind run {kind} {target} failed:\n{done.stderr[-3000:]}")
    out.unlink(missing_ok=True)
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--only", default=",".join(MEASURED),
                        help="comma-separated labels of what to count (default: all four)")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "TARGET", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, target, n = args.child
        child(kind, target, int(n))
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install -y valgrind)")
        return 2
    outdir = Path(os.environ["BENCH_INFO"]).parent
    measured = {label: MEASURED[label] for label in args.only.split(",")}
    jobs = [(label, kind, target, n) for label, (kind, target) in measured.items() for n in (0, args.requests)]
    print(f"Instructions per request (valgrind callgrind, {args.requests} requests after {WARM_UP} "
          f"of warm-up, minus a run of none; Python side only; about a minute each, two at a time)")
    with ThreadPoolExecutor(max_workers=2) as pool:
        counted = dict(zip([(label, n) for label, _, _, n in jobs],
                           pool.map(lambda job: count(job[1], job[2], job[3], outdir), jobs), strict=True))
    per = {label: (counted[(label, args.requests)] - counted[(label, 0)]) / args.requests for label in measured}
    for label, value in per.items():
        print(f"  {label:<18}{value / 1e6:9.2f} M")
    if "baseline page" in per and "inbox" in per:
        print(f"  baseline page / inbox        {per['baseline page'] / per['inbox']:.2f}   (as req/s would be, "
              "if the Python side were all)")
    if "bare send_file" in per and "download 10 MB" in per:
        print(f"  bare send_file / download    {per['bare send_file'] / per['download 10 MB']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
