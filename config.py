"""Configuration classes. Every setting that differs between machines is read
from the environment here and nowhere else."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))


def normalise_database_url(url: str) -> str:
    """PostgreSQL URLs are served by psycopg 3 (the one driver we install)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def celery_settings(broker_url: str, result_backend: str | None) -> dict:
    """One CELERY mapping, as the Flask Celery pattern reads it."""
    settings = {
        "broker_url": broker_url,
        "task_ignore_result": result_backend is None,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "timezone": "UTC",
        "enable_utc": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_time_limit": 300,
        "task_soft_time_limit": 240,
        "broker_connection_retry_on_startup": True,
        # Reconnect to the broker for ever (Celery's default gives up after 100 tries,
        # about 46 minutes, and the worker exits); the worker says so in its log at start.
        "broker_connection_max_retries": None,
        "task_default_queue": os.environ.get("CELERY_QUEUE", "secretariat"),
        "beat_schedule_filename": str(INSTANCE_DIR / "celerybeat-schedule"),
    }
    if result_backend:
        settings["result_backend"] = result_backend
    return settings


DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"


def ratelimit_storage_options(uri: str) -> dict:
    """Short socket timeouts for Redis: a hung server sends the throttles to their
    in-process fallback within a second instead of holding the request."""
    if uri.startswith(("redis://", "rediss://", "redis+unix://")):
        return {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}
    return {}


PG_SESSION_OPTIONS = "-c jit=off"


def engine_options(database_uri: str) -> dict:
    """SQLAlchemy engine options for a database."""
    if database_uri.startswith("postgresql+psycopg"):
        # No automatic server-side prepared statements: after a few runs PostgreSQL may
        # switch a prepared inbox query to a generic plan a hundred times slower (the
        # statements whose plan fits every value are prepared on purpose: see
        # extensions.prepared_statements). Connections are pinged only after resting
        # in the pool (secretariat_app/core/pg_connections.py), not on every checkout.
        # No JIT compilation: the app's statements stop early (LIMIT, a page's keys) where
        # the planner's cost, which does not know it, passes jit_above_cost; PostgreSQL then
        # compiled the API's sync listing for 250 of the 320 ms it took on the benchmark's
        # data, for a run of 70 ms (PG_SESSION_OPTIONS: every connection, without a round trip).
        return {"pool_pre_ping": False,
                "connect_args": {"prepare_threshold": None, "options": PG_SESSION_OPTIONS}}
    return {"pool_pre_ping": True}


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    DEBUG = False
    TESTING = False

    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'secretariat.sqlite'}")
    )
    # Unset: create_app() takes engine_options() of the database it is given.

    CELERY = celery_settings(
        os.environ.get("CELERY_BROKER_URL", f"sqla+sqlite:///{INSTANCE_DIR / 'broker.sqlite'}"),
        os.environ.get("CELERY_RESULT_BACKEND") or None,
    )

    # Sessions and cookies
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # Sessions that end (accounts/services/sessions.py): one row per login. Idle this
    # long, a session is over; "last seen" is written at most once per interval; rows
    # ended (or idle) this long ago are purged.
    SESSION_IDLE_TIMEOUT = timedelta(hours=float(os.environ.get("SESSION_IDLE_HOURS", 12)))
    SESSION_TOUCH_INTERVAL = timedelta(minutes=5)
    SESSION_RETENTION = timedelta(days=30)

    # Requests: forms are small; uploads get their own limit with documents.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 26 * 1024 * 1024))
    MAX_FORM_MEMORY_SIZE = 500_000

    # Document files: stored outside the web root; uploads up to MAX_UPLOAD_SIZE.
    FILE_STORE_DIR = os.environ.get("FILE_STORE_DIR", str(INSTANCE_DIR / "files"))
    MAX_UPLOAD_SIZE = int(os.environ.get("MAX_UPLOAD_SIZE", 25 * 1024 * 1024))
    # Office files (ZIP containers), from their central directory (core/office_files.py): what all their
    # parts declare unpacked, that over the file's size, and how many parts.
    OFFICE_MAX_UNPACKED_SIZE = int(os.environ.get("OFFICE_MAX_UNPACKED_SIZE", 100 * 1024 * 1024))
    OFFICE_MAX_COMPRESSION_RATIO = float(os.environ.get("OFFICE_MAX_COMPRESSION_RATIO", 100))
    OFFICE_MAX_PARTS = int(os.environ.get("OFFICE_MAX_PARTS", 10_000))
    # The text of stored files (documents/text/readers.py): how long one read may take (keep it under 90 s,
    # the worker's own time limit of the task), and how many characters of a file's text are kept.
    TEXT_READ_SECONDS = float(os.environ.get("TEXT_READ_SECONDS", 60))
    TEXT_MAX_CHARS = int(os.environ.get("TEXT_MAX_CHARS", 5_000_000))
    # Meeting kits (documents/kits/): where their ZIPs are kept (empty: "kits" beside FILE_STORE_DIR), and
    # how long, in hours, before the daily sweep removes them (they are built again when asked for).
    KIT_DIR = os.environ.get("KIT_DIR", "")
    KIT_KEEP_HOURS = float(os.environ.get("KIT_KEEP_HOURS", 72))

    # Reverse proxies in front of the app (core/proxies.py): their number, so the
    # client's address comes from X-Forwarded-For. 0: no proxy, headers ignored.
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))

    # Throttles: Flask-Limiter's limits and the login throttle's counters (core/counters.py).
    # Redis in production, memory otherwise; while Redis is unreachable both count in the
    # process (never failing, never unlimited) and try Redis again (docs/security.md).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Unset: create_app() takes ratelimit_storage_options() of the storage it is given.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True  # a storage failure between check and count is logged, not a 500
    RATELIMIT_RECHECK_SECONDS = float(os.environ.get("RATELIMIT_RECHECK_SECONDS", 5))
    RATELIMIT_HEADERS_ENABLED = True
    # Login (accounts/auth/throttle.py): "N per <window>": N failures within the window lock for the window.
    LOGIN_LIMIT_PER_ACCOUNT_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT_ADDRESS", "5 per 15 minutes")
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "10 per 15 minutes")
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "20 per 15 minutes")  # unknown clients
    LOGIN_LIMIT_PER_DEVICE = os.environ.get("LOGIN_LIMIT_PER_DEVICE", "5 per 15 minutes")
    LOGIN_DEVICE_DAYS = int(os.environ.get("LOGIN_DEVICE_DAYS", 90))
    LOGIN_KNOWN_ADDRESS_DAYS = int(os.environ.get("LOGIN_KNOWN_ADDRESS_DAYS", 90))
    # The second step of a login (a TOTP or recovery code), throttled as the password is;
    # the password's step is held for SECOND_FACTOR_PENDING_SECONDS (docs/security.md#second-factor).
    SECOND_FACTOR_LIMIT_PER_ACCOUNT = os.environ.get("SECOND_FACTOR_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
    SECOND_FACTOR_LIMIT_PER_ADDRESS = os.environ.get("SECOND_FACTOR_LIMIT_PER_ADDRESS", "10 per 15 minutes")
    SECOND_FACTOR_PENDING_SECONDS = int(os.environ.get("SECOND_FACTOR_PENDING_SECONDS", 300))
    # Expensive reads, per signed-in user (core/read_limits.py); feeds per feed address.
    READ_LIMIT_SEARCH = os.environ.get("READ_LIMIT_SEARCH", "30 per minute")
    READ_LIMIT_EXPORT = os.environ.get("READ_LIMIT_EXPORT", "30 per minute")
    READ_LIMIT_FEED = os.environ.get("READ_LIMIT_FEED", "30 per minute")
    READ_LIMIT_FEED_ADDRESS = os.environ.get("READ_LIMIT_FEED_ADDRESS", "300 per minute")
    # The JSON API (secretariat_app/api), per access token (per client address without one).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute")

    # Password hashing (argon2id); parameters are argon2-cffi's RFC 9106 low-memory profile.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4
    PASSWORD_RESET_TTL = timedelta(hours=1)

    # Mail: "console" prints messages (development), "smtp" sends them.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 25))
    MAIL_USE_STARTTLS = env_bool("MAIL_USE_STARTTLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "secretariat@cica.example")
    MAIL_TIMEOUT = 10
    # Links in mail point here; `make run` serves on $PORT, so the default follows it.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '5000')}")

    # Notices (rows of the notification table) and their dispatcher.
    NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", 6))  # then the row is failed
    NOTIFY_BACKOFF_SECONDS = float(os.environ.get("NOTIFY_BACKOFF_SECONDS", 60))  # doubled after each try
    # A row "sending" longer than this is taken back (its worker died); above task_time_limit.
    NOTIFY_SENDING_TIMEOUT_SECONDS = float(os.environ.get("NOTIFY_SENDING_TIMEOUT_SECONDS", 600))
    NOTIFY_BATCH_SIZE = int(os.environ.get("NOTIFY_BATCH_SIZE", 500))  # rows in flight at most
    NOTIFY_PER_TASK = int(os.environ.get("NOTIFY_PER_TASK", 50))  # rows one send task carries over one SMTP connection
    NOTIFY_TASK_SECONDS = float(os.environ.get("NOTIFY_TASK_SECONDS", 120))  # then a batch hands its rest back
    NOTIFY_DISPATCH_INTERVAL_SECONDS = float(os.environ.get("NOTIFY_DISPATCH_INTERVAL_SECONDS", 60))  # beat
    # Mails a minute at most, for the SMTP relay's limit (0: none); above what two cores send.
    NOTIFY_RATE_PER_MINUTE = int(os.environ.get("NOTIFY_RATE_PER_MINUTE", 30000))
    # SMTP server unreachable: no claim for this long, doubled after each failed probe up to the cap.
    NOTIFY_OUTAGE_BACKOFF_SECONDS = float(os.environ.get("NOTIFY_OUTAGE_BACKOFF_SECONDS", 30))
    NOTIFY_OUTAGE_BACKOFF_MAX_SECONDS = float(os.environ.get("NOTIFY_OUTAGE_BACKOFF_MAX_SECONDS", 300))

    # Languages: the working languages of CICA.
    LANGUAGES = ("en", "ru")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    # The forum's rules (cycles/services/rules.py): the rhythm of its bodies and how its chair passes, a TOML
    # file; empty: CICA's, secretariat_app/data/rules/cica.toml. Checked at start: a bad file stops the app.
    RULES_FILE = os.environ.get("RULES_FILE", "")
    # The forum's days (deadlines, terms, "today") are counted in this zone; empty: the rules file's
    # [forum] time_zone (CICA's: Asia/Almaty, the Secretariat's in Astana).
    FORUM_TIMEZONE = os.environ.get("FORUM_TIMEZONE", "")
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "secretariat_app" / "translations")


class DevelopmentConfig(Config):
    DEBUG = env_bool("FLASK_DEBUG", False)


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_BACKEND = "memory"
    # Cheap hashes keep the suite fast; production parameters are tested separately.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1
    CELERY = {**Config.CELERY, "broker_url": "memory://", "task_always_eager": False}


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    return CONFIGS[os.environ.get("SECRETARIAT_ENV", "development")]
