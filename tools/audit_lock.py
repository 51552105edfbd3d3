"""`make audit`: pip-audit over the lock file, saying plainly whether it could audit.

pip-audit asks a vulnerability database about each pinned package (by default
PyPI's JSON API, /pypi/<name>/<version>/json; `PIP_AUDIT_SERVICE=osv` asks
OSV). Where that database cannot be reached, plain pip-audit reports every
package as "could not be audited" and still ends with "No known
vulnerabilities found", exit 0. Here it runs with --strict and the outcome is
one of three, each with its own exit status:

  0  every package was audited and none has a known vulnerability;
  1  known vulnerabilities (pip-audit's table above the message);
  2  NOT AUDITED: the database could not be reached (or did not know the
     packages); nothing is known either way.

Usage: python tools/audit_lock.py requirements/dev.txt
"""
from __future__ import annotations

import os
import re
import subprocess
import sys

UNREACHABLE = re.compile(r"could not be audited|ConnectionError|NameResolutionError|Max retries exceeded|"
                         r"ServiceError|timed out|Temporary failure in name resolution", re.IGNORECASE)


def main(lock: str) -> int:
    service = os.environ.get("PIP_AUDIT_SERVICE", "pypi")
    command = [sys.executable, "-m", "pip_audit", "--strict", "--disable-pip", "--require-hashes",
               "--progress-spinner", "off", "--desc", "on", "--vulnerability-service", service, "-r", lock]
    result = subprocess.run(command, capture_output=True, text=True)
    pinned = sum(1 for line in open(lock, encoding="utf-8") if re.match(r"^[A-Za-z0-9]", line))
    if result.returncode == 0:
        print(result.stdout, end="")
        print(f"make audit: no known vulnerabilities in the {pinned} packages of {lock} (database: {service}).")
        return 0
    output = result.stdout + result.stderr
    if UNREACHABLE.search(output) and "Found " not in result.stdout:
        said = [line.strip() for line in output.splitlines() if UNREACHABLE.search(line)][-1]
        print(f"make audit: NOT AUDITED. The vulnerability database ({service}) cannot be reached from this machine,\n"
              f"so nothing is known about the {pinned} packages of {lock}, either way.\n"
              f"  pip-audit said: {said[:300]}\n"
              "Run `make audit` where the database is reachable (PIP_AUDIT_SERVICE=osv asks OSV instead of PyPI).",
              file=sys.stderr)
        return 2
    print(output, end="")
    print(f"make audit: known vulnerabilities in {lock} (above). Raise the pin in pyproject.toml, then `make lock`.",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
