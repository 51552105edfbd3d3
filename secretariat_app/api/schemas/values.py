"""Value types every schema shares: an id as the database keeps one, and text the
database can store (no NUL character, no lone surrogate), refused with a 422
before any service sees them."""
from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from secretariat_app.core.ids import LARGEST_ID
from secretariat_app.domain.violations import N_  # what a table's key holds


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError(N_("must not contain a NUL character"))  # in Russian too: api/field_errors.py
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(N_("is not valid Unicode text")) from error
    return value


Id = Annotated[int, Field(ge=1, le=LARGEST_ID)]
Text = Annotated[str, AfterValidator(_storable)]
