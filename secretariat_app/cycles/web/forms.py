"""The form by which an officer uploads a new version of the forum's rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SubmitField
from wtforms.validators import Optional


class RulesUploadForm(FlaskForm):  # type: ignore[misc]  # flask_wtf has no types; cycles.* is strict
    file = FileField(_l("Rules file (TOML, as described in the README)"))
    effective_on = DateField(_l("In force from (a day in the forum's time zone, today or later)"),
                             validators=[Optional()])
    submit = SubmitField(_l("Upload the rules"))

    def upload(self) -> tuple[str, bytes] | None:
        """The file's name and content, or None when no file was chosen."""
        data = self.file.data
        if data is None or not getattr(data, "filename", ""):
            return None
        return data.filename, data.read(MAX_READ)


MAX_READ = 1024 * 1024  # a rules file is at most 64 kB (services.rules): read a little more to say so
