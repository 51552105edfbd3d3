"""A broken rule, named by the field it concerns, in words a user can read.

The message is an English template marked with N_ so that Babel extracts it;
the web layer translates it and fills in the parameters."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def N_(message: str) -> str:
    """Marks a message for extraction without translating it here."""
    return message


@dataclass(frozen=True)
class Violation:
    field: str
    message: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)  # not `field`: the attribute above

    def render(self, translate: Callable[[str], str] = lambda s: s) -> str:
        return translate(self.message) % self.params if self.params else translate(self.message)


class RuleViolations(Exception):
    """Raised by a service when the rules refuse the data; nothing was saved."""

    def __init__(self, violations: list[Violation]):
        super().__init__("; ".join(v.render() for v in violations))
        self.violations = violations
