"""The Celery application, wired the way Flask's Celery pattern describes.

`celery -A workers.celery_app worker` and `celery -A workers.celery_app beat`
find `celery` here; every task runs inside the Flask application context and
Celery is configured from the Flask config's CELERY mapping."""
from __future__ import annotations

from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object(app.config["CELERY"])
    celery.conf.beat_schedule = beat_schedule()
    celery.autodiscover_tasks(["workers"], related_name="tasks", force=True)
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


def beat_schedule() -> dict:
    return {
        "check-cycle-rules-daily": {
            "task": "workers.tasks.cycles.run_daily_check",
            "schedule": crontab(hour=3, minute=0),
        },
        "purge-expired-reset-tokens": {
            "task": "workers.tasks.maintenance.purge_expired_reset_tokens",
            "schedule": 3600.0,
        },
        # Daily, just after midnight UTC: a draft whose deadline was yesterday is adopted today.
        "close-silence-procedures": {
            "task": "workers.tasks.decisions.close_silence_procedures",
            "schedule": crontab(hour=0, minute=5),
        },
    }


def _make_worker_app() -> Celery:
    from secretariat_app import create_app

    return create_app().extensions["celery"]


# Module-level name the `celery -A workers.celery_app` command looks for; built
# lazily so that importing this module from create_app() does not recurse.
def __getattr__(name: str):
    if name in {"celery", "app"}:
        value = _make_worker_app()
        globals()["celery"] = globals()["app"] = value
        return value
    raise AttributeError(name)
