"""The lock files pin every dependency of pyproject.toml, with hashes.

`make install` installs requirements/dev.txt with --require-hashes (runtime
and the `test` extra); requirements/runtime.txt is the runtime part alone,
for production. A dependency added to pyproject.toml without `make lock`, or
a lower bound raised past the locked version, fails here, before CI's
`make install` would."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)")


def locked(text: str) -> dict[str, tuple[str, int]]:
    """{name: (version, number of hashes)} of a lock file (a name may be pinned
    twice under different markers: the first pin is kept)."""
    pins: dict[str, tuple[str, int]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = PIN.match(block)
        if match:
            pins.setdefault(canonicalize_name(match["name"]), (match["version"], block.count("--hash=sha256:")))
    return pins


def problems(requirements: list[str], pins: dict[str, tuple[str, int]]) -> list[str]:
    """What is wrong with `pins` for `requirements`: a name missing, a version the
    specifier refuses, a pin without hashes."""
    found = []
    for line in requirements:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        if name not in pins:
            found.append(f"{requirement.name} is not in the lock (run `make lock`)")
            continue
        version, hashes = pins[name]
        if not requirement.specifier.contains(version, prereleases=True):
            found.append(f"{requirement.name}=={version} does not satisfy {requirement} (run `make lock`)")
        if not hashes:
            found.append(f"{requirement.name} is pinned without hashes")
    return found


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def read(name: str) -> dict[str, tuple[str, int]]:
    return locked((ROOT / "requirements" / name).read_text(encoding="utf-8"))


def test_every_runtime_and_test_dependency_is_pinned_with_hashes():
    runtime, extras = project()["dependencies"], project()["optional-dependencies"]
    assert problems(runtime + extras["test"], read("dev.txt")) == []
    assert problems(runtime, read("runtime.txt")) == []


def test_the_runtime_lock_agrees_with_the_dev_lock():
    dev, runtime = read("dev.txt"), read("runtime.txt")
    assert {name: dev.get(name) for name in runtime} == runtime
    assert all(hashes for _version, hashes in dev.values())


def test_the_check_finds_an_unpinned_or_outdated_dependency():
    pins = locked("flask==3.1.3 \\\n    --hash=sha256:00\n    # via x\nsegno==1.6.1\n")
    assert problems(["Flask>=3.1,<4"], pins) == []
    assert problems(["pyotp>=2.9"], pins) == ["pyotp is not in the lock (run `make lock`)"]
    assert problems(["Flask>=3.2"], pins) == ["Flask==3.1.3 does not satisfy Flask>=3.2 (run `make lock`)"]
    assert problems(["segno>=1.6"], pins) == ["segno is pinned without hashes"]
    assert problems(["celery[redis]>=5.4"], locked("celery==5.7.0 \\\n    --hash=sha256:00\n")) == []
