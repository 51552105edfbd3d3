"""The Celery application, wired the way Flask's Celery pattern describes.

`celery -A workers.celery_app worker` and `celery -A workers.celery_app beat`
find `celery` here; every task runs inside the Flask application context and
Celery is configured from the Flask config's CELERY mapping."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from celery import Celery, Task
from celery.schedules import crontab
from celery.signals import celeryd_after_setup, worker_init
from flask import Flask


def celery_init_app(app: Flask) -> Celery[Any]:
    class FlaskTask(Task):  # type: ignore[type-arg]  # not Task[...]: subscripted at run time only by newer Celery
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object(app.config["CELERY"])
    celery.conf.beat_schedule = beat_schedule(app.config.get("NOTIFY_DISPATCH_INTERVAL_SECONDS", 60.0))
    celery.conf.beat_scheduler = "workers.beat_guard:GuardedScheduler"  # only one beat runs
    celery.flask_app = app  # type: ignore[attr-defined]  # ours: read by worker_init and GuardedScheduler
    celery.autodiscover_tasks(["workers"], related_name="tasks", force=True)
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


def beat_schedule(dispatch_every: float = 60.0) -> dict[str, dict[str, Any]]:
    return {
        # The dispatcher of notices; a run that waited longer than its period is dropped.
        "dispatch-due-notices": {
            "task": "workers.tasks.notify.dispatch_due",
            "schedule": dispatch_every,
            "options": {"expires": dispatch_every},
        },
        "check-cycle-rules-daily": {
            "task": "workers.tasks.cycles.run_daily_check",
            "schedule": crontab(hour=3, minute=0),
        },
        "purge-expired-reset-tokens": {
            "task": "workers.tasks.maintenance.purge_expired_reset_tokens",
            "schedule": 3600.0,
        },
        "purge-old-sessions": {
            "task": "workers.tasks.maintenance.purge_old_sessions",
            "schedule": crontab(hour=3, minute=30),
        },
        # Daily: decided terms of the chairmanship into the ledger; a warning, once, when the term in
        # force ends within a year and no successor is decided.
        "succession-daily": {
            "task": "workers.tasks.succession.run_daily",
            "schedule": crontab(hour=3, minute=15),
        },
        # Every 5 minutes: a draft whose deadline day has ended in the forum's time zone (24:00 in Astana,
        # 19:00 UTC) is adopted (or stopped) within minutes, whatever the forum's zone; a rerun closes nothing.
        "close-silence-procedures": {
            "task": "workers.tasks.decisions.close_silence_procedures",
            "schedule": 300.0,
            "options": {"expires": 300.0},
        },
        # Daily, at a quiet hour: stored files no language version refers to (deleted drafts).
        "sweep-document-files": {
            "task": "workers.tasks.documents.sweep_files",
            "schedule": crontab(hour=2, minute=30),
        },
        # Daily, at a quiet hour: the horizons of readers who keep up move forward, so that the inbox's
        # walk down to each reader's horizon stays short (documents/read_state.py).
        "advance-read-horizons": {
            "task": "workers.tasks.documents.advance_read_horizons",
            "schedule": crontab(hour=2, minute=15),
        },
        # Daily: meeting kits asked for more than KIT_KEEP_HOURS ago (a cache of up to hundreds of MB each).
        "sweep-meeting-kits": {
            "task": "workers.tasks.documents.sweep_meeting_kits",
            "schedule": crontab(hour=2, minute=45),
        },
        # Every 10 minutes: a read for each stored file whose text is still pending (a lost task, a retry spent).
        "extract-pending-texts": {
            "task": "workers.tasks.documents.extract_pending_texts",
            "schedule": 600.0,
            "options": {"expires": 600.0},
        },
        # Every 15 minutes: the reminders and chaser of each draft CBM annual report, for its coordinators.
        "sync-cbm-report-deadlines": {
            "task": "workers.tasks.cbm.sync_report_deadlines",
            "schedule": 900.0,
            "options": {"expires": 900.0},
        },
    }


def worker_settings_problem(config: Mapping[str, Any]) -> str | None:
    """Why a worker must not start with this configuration (None: it may)."""
    if config.get("ENV_NAME") == "production" and config.get("MAIL_USERNAME") and not config.get("MAIL_PASSWORD"):
        return ("MAIL_USERNAME is set but MAIL_PASSWORD is not: the worker would fail to send every notice. "
                "Set MAIL_PASSWORD (or unset MAIL_USERNAME for a server that needs no login) and start it again.")
    return None


@worker_init.connect
def _guard_the_broker_connection(**_kwargs: Any) -> None:
    # A broker lost while a task is unacknowledged must make the worker reconnect, not exit (broker_guard).
    from workers import broker_guard

    broker_guard.install()


@worker_init.connect
def _refuse_bad_mail_settings(sender: Any = None, **_kwargs: Any) -> None:
    flask_app = getattr(getattr(sender, "app", None), "flask_app", None)
    problem = worker_settings_problem(flask_app.config if flask_app else {})
    if problem:
        logging.getLogger(__name__).critical("the worker refuses to start: %s", problem)
        raise SystemExit(f"celery worker refuses to start: {problem}")


def broker_retry_policy(conf: Mapping[str, Any]) -> str:
    """How the worker treats a lost broker, in the words its log says at start."""
    retries = conf.get("broker_connection_max_retries")
    if retries is None:
        return ("broker connection: the worker reconnects indefinitely when the broker is unreachable "
                "(broker_connection_max_retries = None); it does not exit")
    return (f"broker connection: the worker gives up and exits after {retries} failed attempts to reconnect "
            f"(broker_connection_max_retries = {retries})")


@celeryd_after_setup.connect
def _say_how_the_broker_is_retried(sender: Any = None, conf: Mapping[str, Any] | None = None,
                                   **_kwargs: Any) -> None:
    # Sent once the worker's logging is set up and before it first connects to the broker.
    logging.getLogger(__name__).info(broker_retry_policy(conf or {}))


def _make_worker_app() -> Celery[Any]:
    from secretariat_app import create_app

    celery: Celery[Any] = create_app().extensions["celery"]
    return celery


# Module-level name the `celery -A workers.celery_app` command looks for; built
# lazily so that importing this module from create_app() does not recurse.
def __getattr__(name: str) -> Celery[Any]:
    if name in {"celery", "app"}:
        value = _make_worker_app()
        globals()["celery"] = globals()["app"] = value
        return value
    raise AttributeError(name)
