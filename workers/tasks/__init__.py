"""Thin Celery tasks: they take ids and call services."""
from workers.tasks import cbm, cycles, decisions, documents, maintenance, notify  # noqa: F401  (registers the tasks)
