from __future__ import annotations

from flask_wtf import FlaskForm


class SignOutForm(FlaskForm):
    """A button: "sign out" one session, or all but this one (the CSRF token is all it holds)."""
