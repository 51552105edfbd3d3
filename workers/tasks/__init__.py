"""Thin Celery tasks: they take ids and call services."""
from workers.tasks import (  # noqa: F401  (registers the tasks)
    accounts,
    cbm,
    cycles,
    decisions,
    documents,
    maintenance,
    notify,
    succession,
)
