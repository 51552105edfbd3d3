"""The fields a rendered form shows with an error: macros.html's field() puts a
`div.field.has-error` around the field's label."""
from __future__ import annotations

import re

ERROR_FIELD_RE = re.compile(r'<div class="field has-error">\s*<label for="(\w+)"')


def error_fields(html: str) -> list[str]:
    """The names of the fields shown with an error, in the page's order."""
    return ERROR_FIELD_RE.findall(html)
