"""Form helpers shared by the blueprints: putting broken rules under their fields,
and the coercions of select fields. The lenient ones read a blank, unknown or
garbled value as None, never as an error, so that the services' rules say what
is missing; `strict_optional_id` refuses a garbled id under its field."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from flask_babel import gettext
from flask_wtf import FlaskForm

from secretariat_app.domain.violations import RuleViolations

E = TypeVar("E", bound=Enum)


def show_violations(form: FlaskForm, error: RuleViolations) -> None:
    """Put each broken rule under the field it names (or on the form)."""
    for violation in error.violations:
        message = violation.render(gettext)
        field = getattr(form, violation.field, None)
        if field is not None and hasattr(field, "errors"):
            if isinstance(field.errors, tuple):
                field.errors = list(field.errors)
            field.errors.append(message)
        else:
            form.form_errors.append(message)


# What a blank choice comes back as: absent, empty, or a None choice rendered as text.
BLANK_VALUES = (None, "", "None")


def optional_id(value: Any) -> int | None:
    """Coerce a select's value: the blank choice is None, anything else an id (garbage: None)."""
    if value in BLANK_VALUES:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def strict_optional_id(value: Any) -> int | None:
    """Coerce a select's value: the blank choice is None, an id an int, and garbage raises
    ValueError, which WTForms shows under the field ("Invalid Choice: could not coerce."). For the
    forms whose optional selects would otherwise take a garbled id silently for "none"."""
    if value in BLANK_VALUES:
        return None
    return int(value)


def optional_day(value: Any) -> date | None:
    """Coerce a select's ISO date (a date passes through; blank or garbage: None)."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def enum_or_none(enum_class: type[E]) -> Callable[[Any], E | None]:
    """The coercion of a select of `enum_class`'s values (a member passes through; blank or unknown: None)."""
    def coerce(value: Any) -> E | None:
        if isinstance(value, enum_class):
            return value
        try:
            return enum_class(value)
        except ValueError:
            return None
    return coerce
