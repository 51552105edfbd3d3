"""Form helpers shared by the blueprints."""
from __future__ import annotations

from flask_babel import gettext
from flask_wtf import FlaskForm

from secretariat_app.domain.violations import RuleViolations


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
