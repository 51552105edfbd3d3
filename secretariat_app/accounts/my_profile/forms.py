from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField

from secretariat_app.accounts.admin.forms_users import LANGUAGE_CHOICES
from secretariat_app.core.localisation import timezone_choices


class ProfileForm(FlaskForm):
    """Language and time zone; the values are judged by the service (accounts/services/profile.py),
    whose refusals are shown under the fields in the page's language."""

    language = SelectField(_l("Language of the pages and of your mail"), choices=LANGUAGE_CHOICES,
                           validate_choice=False)
    timezone = SelectField(_l("Time zone the times are shown in"), validate_choice=False)
    submit = SubmitField(_l("Save my profile"))

    def fill_choices(self) -> None:
        self.timezone.choices = timezone_choices()
