"""What loading reference data and history has in common: upserts keyed on
natural keys, and a report of what was created and what changed."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, what: str) -> None:
        target = self.created if kind == "created" else self.updated
        target[what] = target.get(what, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def assign(instance: Any, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; True when any did."""
    dirty = False
    for key, value in values.items():
        if getattr(instance, key) != value:
            setattr(instance, key, value)
            dirty = True
    return dirty


def upsert(instance: Any, values: dict[str, Any], report: LoadReport, what: str, created: bool = False) -> None:
    """Apply `values` and count the row as created, or as updated if anything changed."""
    if assign(instance, values) and not created:
        report.count("updated", what)
    if created:
        report.count("created", what)
