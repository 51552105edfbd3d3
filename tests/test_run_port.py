"""`make run` on another port: honcho gives the web PORT and the worker PORT+100, yet
both write the web's address into mail links, ICS files and the feed address."""
from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HONCHO = Path(sys.executable).with_name("honcho")
# Each process says the port it was given and the base URL the configuration reads, then
# stays up long enough for the other to say it too (honcho stops all when one ends).
PRINT_BASE = ("import time, config; print('{name}', 'PORT=' + __import__('os').environ['PORT'], "
              "'BASE=' + config.Config.PUBLIC_BASE_URL, flush=True); time.sleep(3)")


def _run(tmp_path: Path, **env: str) -> dict[str, tuple[str, str]]:
    """`make run` with honcho's Procfile swapped for two processes that print what they see."""
    procfile = tmp_path / "Procfile.test"
    procfile.write_text("".join(f'{name}: {sys.executable} -c "{PRINT_BASE.format(name=name)}"\n'
                                for name in ("web", "worker")))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "honcho"  # the real honcho, given the test's Procfile instead of Procfile.dev
    fake.write_text(f'#!/bin/sh\nexec {HONCHO} --no-colour --procfile {procfile} -d {ROOT} start\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    clean = {k: v for k, v in os.environ.items() if k not in ("PORT", "PUBLIC_BASE_URL", "MAKEFLAGS", "MFLAGS")}
    result = subprocess.run(["make", "-o", "seed", "run", f"BIN={bin_dir}"], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env={**clean, "PYTHONPATH": str(ROOT), **env})
    assert result.returncode == 0, result.stdout + result.stderr
    seen = dict((m[0], (m[1], m[2])) for m in re.findall(r"(web|worker) PORT=(\d+) BASE=(\S+)", result.stdout))
    assert set(seen) == {"web", "worker"}, result.stdout
    return seen


def test_the_base_url_follows_the_webs_port_in_every_process(tmp_path):
    seen = _run(tmp_path, PORT="5101")
    assert seen["web"] == ("5101", "http://127.0.0.1:5101")
    # honcho's own port for the worker is another, but its links name the web's.
    assert seen["worker"][0] != "5101"
    assert seen["worker"][1] == "http://127.0.0.1:5101"


def test_the_default_port_and_a_set_base_url(tmp_path):
    assert {name: base for name, (_, base) in _run(tmp_path).items()} == {
        "web": "http://127.0.0.1:5000", "worker": "http://127.0.0.1:5000"}
    (tmp_path / "again").mkdir()
    seen = _run(tmp_path / "again", PORT="5101", PUBLIC_BASE_URL="https://secretariat.example")
    assert {name: base for name, (_, base) in seen.items()} == {
        "web": "https://secretariat.example", "worker": "https://secretariat.example"}
