"""systemd's and nginx's own reading of deploy/: `systemd-analyze verify` and
`nginx -t`. Run by `make check-deploy` on a machine with both (a server being
prepared); the suite leaves them out (tests/conftest.py), since CI machines have
neither. Missing programs fail here: this target exists to run them."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_deploy import ENV_EXAMPLE, NGINX, UNITS, VENV


def _need(*programs: str) -> None:
    missing = [p for p in programs if shutil.which(p) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed: `make check-deploy` needs it")


def _verify(units: list[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["systemd-analyze", "verify", "--man=no", *map(str, units)],
                          capture_output=True, text=True, timeout=60, cwd=units[0].parent)


def test_systemd_accepts_the_units_and_would_refuse_a_broken_one(tmp_path):
    """systemd's own reading: every key known, every value valid, every command
    executable (the units' virtualenv is this one here)."""
    _need("systemd-analyze")
    environment = tmp_path / "secretariat.env"
    shutil.copy(ENV_EXAMPLE, environment)
    venv = str(Path(sys.executable).parent.parent)
    copies = []
    for path in UNITS:
        copy = tmp_path / path.name
        copy.write_text(path.read_text().replace(VENV, venv)
                        .replace("/etc/secretariat/secretariat.env", str(environment)))
        copies.append(copy)
    result = _verify(copies)
    assert result.returncode == 0 and "secretariat" not in result.stderr, result.stderr
    broken = tmp_path / "secretariat-broken.service"
    broken.write_text(copies[0].read_text().replace("ProtectSystem=strict", "ProtectSystem=stricter"))
    assert "stricter" in _verify([broken]).stderr


def test_nginx_accepts_the_proxy_configuration(tmp_path):
    _need("nginx", "openssl")
    certificate, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
                    "-keyout", str(key), "-out", str(certificate)], check=True, capture_output=True, timeout=60)
    site = tmp_path / "secretariat.conf"
    site.write_text(NGINX.read_text()
                    .replace("/etc/letsencrypt/live/secretariat.example.org/fullchain.pem", str(certificate))
                    .replace("/etc/letsencrypt/live/secretariat.example.org/privkey.pem", str(key)))
    main = tmp_path / "nginx.conf"
    main.write_text(f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
                    f"http {{ access_log off; include {site}; }}\n")
    result = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(main)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    site.write_text(site.read_text().replace("client_max_body_size 26m;", "client_max_body_size 26 m;"))
    assert subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(main)],
                          capture_output=True, text=True, timeout=60).returncode != 0
