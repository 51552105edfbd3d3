"""A request's invalid values (pydantic's validation errors) as messages a person reads, in the
request's language: pydantic writes its own in English only ("Input should be a valid
integer, unable to parse string as an integer"), so each kind of error it reports has its
sentence here, with the limits it names (a length, a bound, the choices).

A kind not listed keeps pydantic's words in English, and in any other language a general
sentence; tests/api/test_field_errors.py lists what the API's schemas can produce."""
from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from pydantic import ValidationError

from secretariat_app.domain.violations import N_

# pydantic_core's error types -> the sentence (its %(name)s are the error's context values).
MESSAGES: dict[str, str] = {
    "missing": N_("This value is required."),
    "extra_forbidden": N_("This field is not accepted here."),
    "int_parsing": N_("Give a whole number."),
    "int_type": N_("Give a whole number."),
    "int_from_float": N_("Give a whole number."),
    "float_parsing": N_("Give a number."),
    "float_type": N_("Give a number."),
    "bool_parsing": N_("Give true or false."),
    "bool_type": N_("Give true or false."),
    "string_type": N_("Give a text."),
    "string_too_short": N_("Give at least %(min_length)s characters."),
    "string_too_long": N_("Give at most %(max_length)s characters."),
    "string_pattern_mismatch": N_("This value does not have the expected form."),
    "greater_than_equal": N_("Give a value of at least %(ge)s."),
    "less_than_equal": N_("Give a value of at most %(le)s."),
    "greater_than": N_("Give a value greater than %(gt)s."),
    "less_than": N_("Give a value less than %(lt)s."),
    "enum": N_("Choose one of: %(expected)s."),
    "literal_error": N_("Choose one of: %(expected)s."),
    "datetime_parsing": N_("Give a date and time (ISO 8601, e.g. 2026-03-01T09:00:00+00:00)."),
    "datetime_type": N_("Give a date and time (ISO 8601, e.g. 2026-03-01T09:00:00+00:00)."),
    "datetime_from_date_parsing": N_("Give a date and time (ISO 8601, e.g. 2026-03-01T09:00:00+00:00)."),
    "timezone_aware": N_("Give the time with its offset from UTC (e.g. +00:00)."),
    "timezone_naive": N_("Give the time without an offset from UTC."),
    "date_parsing": N_("Give a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": N_("Give a date (YYYY-MM-DD)."),
    "date_type": N_("Give a date (YYYY-MM-DD)."),
    "time_parsing": N_("Give a time (HH:MM)."),
    "list_type": N_("Give a list."),
    "too_short": N_("Give at least %(min_length)s items."),
    "too_long": N_("Give at most %(max_length)s items."),
    "json_invalid": N_("The body is not valid JSON."),
    "model_type": N_("Give an object."),
    "model_attributes_type": N_("Give an object."),
    "dict_type": N_("Give an object."),
    "set_type": N_("Give a list."),
    "frozen_set_type": N_("Give a list."),
    "tuple_type": N_("Give a list."),
}
# Our own validators' reasons (api/schemas/values.py), raised as ValueError with these words.
REASONS = (N_("must not contain a NUL character"), N_("is not valid Unicode text"))
INVALID = N_("This value is not valid.")


def _context(error: dict[str, Any]) -> dict[str, str]:
    context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    if "expected" in context:  # pydantic's "'a', 'b' or 'c'": the choices without an English word
        context["expected"] = context["expected"].replace(" or ", ", ")
    return context


def message(error: dict[str, Any]) -> str:
    """One of pydantic's errors (ValidationError.errors()) in the request's language."""
    kind = error.get("type", "")
    if kind in MESSAGES:
        return _(MESSAGES[kind], **_context(error))
    if kind == "value_error":
        reason = str((error.get("ctx") or {}).get("error", ""))
        if reason in REASONS:
            return _("This value %(reason)s.", reason=_(reason))
    english = str(get_locale() or "en") == "en"
    return str(error.get("msg")) if english else _(INVALID)


def field_errors(error: ValidationError) -> list[dict[str, str]]:
    """Each invalid value: the field (its path, dotted) and the message."""
    return [{"field": ".".join(str(part) for part in e["loc"]) or "_schema", "message": message(dict(e))}
            for e in error.errors()]
