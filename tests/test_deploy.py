"""deploy/: the systemd units (web, worker, exactly one beat, the backup and its
timer), the environment file's example and the TLS proxy's example. They are
read as systemd and nginx read them: the units by a parser that knows
continuation lines and repeated keys, the proxy by its directives. systemd's and
nginx's own checks need those programs: `make check-deploy` runs them
(tests/deploy_checks), on a machine that has them."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from config import Config, celery_settings
from workers.celery_app import broker_retry_policy

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
SERVICES = ("web", "worker", "beat")
UNITS = tuple(DEPLOY / f"secretariat-{name}.service" for name in (*SERVICES, "backup")) + (
    DEPLOY / "secretariat-backup.timer",)
ENV_EXAMPLE = DEPLOY / "secretariat.env.example"
NGINX = DEPLOY / "nginx" / "secretariat.conf"
VENV = "/opt/secretariat/.venv"


def parse_unit(text: str) -> dict[str, dict[str, list[str]]]:
    """{section: {key: [values, in order]}}, as systemd reads a unit file."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    pending = ""
    for raw in text.splitlines():
        line = (pending + " " + raw.strip()) if pending else raw.strip()
        if line.endswith("\\"):
            pending = line[:-1].rstrip()
            continue
        pending = ""
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"a key outside any section: {line}"
        key, sign, value = line.partition("=")
        assert sign, f"not KEY=value: {line}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    return parse_unit((DEPLOY / f"secretariat-{name}.service").read_text())


def env_example() -> dict[str, str | None]:
    """Every name the example mentions: its value when set, None when only named in a comment."""
    names: dict[str, str | None] = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if match := re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line):
            names[match.group(1)] = match.group(2)
        elif match := re.match(r"^#\s*([A-Z][A-Z0-9_]*)=", line):
            names.setdefault(match.group(1), None)
    return names


def settings_read_by(source: str) -> set[str]:
    """The environment variables a Python source reads (os.environ.get, os.environ[...], os.getenv, env_bool)."""
    name = r"""\s*["']([A-Z][A-Z0-9_]*)["']"""
    pattern = rf"(?:os\.environ\.get|os\.getenv|env_bool)\({name}|os\.environ\[{name}"
    return {a or b for a, b in re.findall(pattern, source)}


def unnamed_settings(example: dict[str, str | None], source: str) -> set[str]:
    return settings_read_by(source) - set(example)


# The units ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SERVICES)
def test_each_process_is_restarted_always_and_hardened(name):
    service = unit(name)["Service"]
    assert service["Restart"] == ["always"]
    assert int(service["RestartSec"][0]) > 0
    assert unit(name)["Unit"]["StartLimitIntervalSec"] == ["0"]  # systemd never gives up restarting it
    assert service["User"] == ["secretariat"] and service["Group"] == ["secretariat"]
    assert service["EnvironmentFile"] == ["/etc/secretariat/secretariat.env"]
    for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "PrivateTmp": "yes",
                       "ProtectHome": "yes", "PrivateDevices": "yes", "CapabilityBoundingSet": ""}.items():
        assert service[key] == [value], key
    assert unit(name)["Install"]["WantedBy"] == ["multi-user.target"]


@pytest.mark.parametrize("name", SERVICES)
def test_each_process_may_write_only_the_file_store_and_the_instance_dir(name):
    example = env_example()
    written = " ".join(unit(name)["Service"]["ReadWritePaths"]).split()
    assert sorted(written) == sorted([example["FILE_STORE_DIR"], example["INSTANCE_DIR"]])


def test_the_processes_are_gunicorn_on_wsgi_a_worker_and_one_beat():
    web = unit("web")["Service"]["ExecStart"][0].split()
    assert web[0] == f"{VENV}/bin/gunicorn" and web[-1] == "wsgi:app"
    assert "127.0.0.1:8000" in web  # only the proxy reaches it
    worker = unit("worker")["Service"]["ExecStart"][0].split()
    assert worker[:4] == [f"{VENV}/bin/celery", "-A", "workers.celery_app", "worker"]
    assert "-B" not in worker and "--beat" not in worker  # no beat embedded in a worker
    beat = unit("beat")["Service"]["ExecStart"][0].split()
    assert beat[:4] == [f"{VENV}/bin/celery", "-A", "workers.celery_app", "beat"]
    beats = [path.name for path in DEPLOY.rglob("*.service") if " beat" in " ".join(
        parse_unit(path.read_text())["Service"]["ExecStart"])]
    assert beats == ["secretariat-beat.service"]
    # The worker's warm shutdown outlasts the longest task.
    assert int(unit("worker")["Service"]["TimeoutStopSec"][0]) > celery_settings("redis://x", None)["task_time_limit"]


def test_gunicorn_is_a_dependency_and_the_proxy_outwaits_it():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'^\s*"gunicorn[>=<]', pyproject, re.M)
    web = unit("web")["Service"]["ExecStart"][0].split()
    timeout = int(web[web.index("--timeout") + 1])
    read_timeout = int(re.search(r"proxy_read_timeout\s+(\d+)s;", NGINX.read_text()).group(1))
    assert read_timeout > timeout


def test_the_backup_runs_daily_keeps_the_last_copies_and_writes_only_there():
    service = parse_unit((DEPLOY / "secretariat-backup.service").read_text())["Service"]
    assert "backup create" in service["ExecStart"][0] and service["User"] == ["secretariat"]
    assert service["ReadWritePaths"] == ["/var/backups/secretariat"]
    assert "head -n -14" in service["ExecStartPost"][0]  # runs only after a backup succeeded
    timer = parse_unit((DEPLOY / "secretariat-backup.timer").read_text())["Timer"]
    assert timer["OnCalendar"] and timer["Persistent"] == ["true"]


def test_the_parser_reads_continuations_and_repeated_keys():
    parsed = parse_unit("[Service]\n# c\nExecStart=/bin/a \\\n    --b c\nX=1\nX=2\n")
    assert parsed == {"Service": {"ExecStart": ["/bin/a --b c"], "X": ["1", "2"]}}


# The environment file -------------------------------------------------------------------------------------

def test_the_env_example_names_every_setting_production_reads():
    example = env_example()
    sources = [ROOT / "config.py", *(ROOT / "secretariat_app").rglob("*.py"), *(ROOT / "workers").rglob("*.py")]
    read = set().union(*(settings_read_by(path.read_text(encoding="utf-8")) for path in sources))
    assert {"SECRET_KEY", "DATABASE_URL", "MAIL_SERVER", "NOTIFY_BATCH_SIZE"} <= read  # the scan finds them
    assert read - set(example) == set(), "name these in deploy/secretariat.env.example"


def test_the_check_finds_a_setting_the_example_leaves_out():
    source = 'X = os.environ.get("NEW_SETTING", 1)\nY = env_bool("OTHER_FLAG")\nZ = os.environ["THIRD"]'
    assert unnamed_settings(env_example(), source) == {"NEW_SETTING", "OTHER_FLAG", "THIRD"}
    assert unnamed_settings(env_example(), 'os.environ.get("SECRET_KEY")') == set()


def test_the_env_example_sets_production_behind_one_proxy():
    example = env_example()
    assert example["SECRETARIAT_ENV"] == "production"
    assert example["SECRET_KEY"] == ""  # production refuses to start until the operator sets one
    assert example["TRUSTED_PROXY_COUNT"] == "1"
    assert example["PUBLIC_BASE_URL"].startswith("https://")
    assert example["DATABASE_URL"].startswith("postgresql://")
    assert example["CELERY_BROKER_URL"].startswith("redis://")
    assert example["RATELIMIT_STORAGE_URI"].startswith("redis://")
    assert example["MAIL_BACKEND"] == "smtp"
    for name in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_STARTTLS", "MAIL_USERNAME", "MAIL_PASSWORD",
                 "MAIL_DEFAULT_SENDER", "FILE_STORE_DIR", "INSTANCE_DIR"):
        assert example[name], name


# The reverse proxy -----------------------------------------------------------------------------------------

def test_the_proxy_serves_https_only_with_hsts_and_the_apps_body_limit():
    text = NGINX.read_text()
    plain = re.search(r"server \{[^}]*listen 80;.*?\n\}", text, re.S).group(0)
    assert "return 301 https://$host$request_uri;" in plain and "proxy_pass" not in plain
    assert re.search(r"listen 443 ssl", text) and "ssl_certificate " in text
    assert re.search(r'add_header Strict-Transport-Security "max-age=(\d+)[^"]*" always;', text)
    assert int(re.search(r"max-age=(\d+)", text).group(1)) >= 31536000
    size = re.search(r"client_max_body_size (\d+)m;", text)
    assert size and int(size.group(1)) * 1024 * 1024 == Config.MAX_CONTENT_LENGTH
    for header in ("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
                   "proxy_set_header X-Forwarded-Proto $scheme;", "proxy_set_header Host $host;"):
        assert header in text
    for timeout in ("proxy_connect_timeout", "proxy_send_timeout", "proxy_read_timeout"):
        assert re.search(rf"{timeout} \d+s;", text), timeout
    assert "proxy_pass http://secretariat_web;" in text and "server 127.0.0.1:8000" in text


# The worker and its broker ---------------------------------------------------------------------------------

def test_the_worker_reconnects_to_the_broker_indefinitely():
    settings = celery_settings("redis://127.0.0.1:6379/0", None)
    assert "broker_connection_max_retries" in settings and settings["broker_connection_max_retries"] is None
    assert settings["broker_connection_retry_on_startup"] is True
    assert "indefinitely" in broker_retry_policy(settings)


def test_a_bounded_retry_policy_is_logged_as_such():
    message = broker_retry_policy({"broker_connection_max_retries": 100})
    assert "gives up and exits after 100" in message and "indefinitely" not in message
