"""The coercions of select fields (core.forms): a blank choice is None in both; a garbled id is
None for the lenient one (the service's rule then says what is missing) and a form error under
the field for the strict one (an optional select must not take it silently for "none")."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectField

from secretariat_app.core.forms import optional_id, strict_optional_id


@pytest.mark.parametrize("coerce", [optional_id, strict_optional_id])
@pytest.mark.parametrize(("value", "expected"), [(None, None), ("", None), ("None", None), ("7", 7), (7, 7)])
def test_a_blank_is_none_and_an_id_an_int(coerce, value, expected):
    assert coerce(value) == expected


@pytest.mark.parametrize("value", ["x", "1.5", "7 or 1=1"])
def test_a_garbled_id_is_none_or_an_error_under_the_field(value):
    assert optional_id(value) is None
    with pytest.raises(ValueError):
        strict_optional_id(value)

    class Lenient(Form):
        host = SelectField(coerce=optional_id, validate_choice=False)

    class Strict(Form):
        host = SelectField(coerce=strict_optional_id, validate_choice=False)

    lenient, strict = Lenient(MultiDict({"host": value})), Strict(MultiDict({"host": value}))
    assert lenient.validate() and lenient.host.data is None
    assert not strict.validate() and strict.host.errors == ["Invalid Choice: could not coerce."]
