"""Forms for user accounts; the rules (unique e-mail, roles and delegation,
who may grant which role) live in services.accounts."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from secretariat_app.accounts.models.people import Delegation, Role, User
from secretariat_app.accounts.services.users import UserData
from secretariat_app.core.forms import strict_optional_id
from secretariat_app.core.labels import ROLE_LABELS
from secretariat_app.core.localisation import timezone_choices

# Each language by its own name (marked as such for screen readers and spell checkers).
LANGUAGE_CHOICES = [SelectChoice("en", "English", render_kw={"lang": "en"}),
                    SelectChoice("ru", "Русский", render_kw={"lang": "ru"})]
ROLE_VALUES = frozenset(r.value for r in Role)


class RoleCheckboxes(SelectMultipleField):
    """Roles as checkboxes. Only the roles the reader may grant are shown, but
    any role is accepted here so that the service can say why one is refused."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        unknown = [value for value in (self.data or []) if value not in ROLE_VALUES]
        if unknown:
            raise ValidationError(self.gettext("'%(value)s' is not a valid choice for this field.")
                                  % {"value": unknown[0]})


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    roles = RoleCheckboxes(_l("Roles"))
    delegation_id = SelectField(_l("Delegation (delegates and CBM coordinators)"), coerce=strict_optional_id)
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, validators=[DataRequired()])
    timezone = SelectField(_l("Time zone"), validators=[DataRequired()])
    submit = SubmitField(_l("Save"))

    def fill_choices(self, grantable: Iterable[Role], delegations: Iterable[Delegation], language: str) -> None:
        """Roles the reader may grant, delegations by code and name, and the time zones."""
        self.roles.choices = [SelectChoice(r.value, ROLE_LABELS[r]) for r in Role if r in set(grantable)]
        self.delegation_id.choices = [SelectChoice("", _l("— none (Secretariat staff) —"))] + [
            SelectChoice(d.id, f"{d.state.code} · {d.name(language)}") for d in delegations
        ]
        self.timezone.choices = timezone_choices()

    def to_data(self, active: bool = True) -> UserData:
        """The submitted values as the service takes them."""
        return UserData(
            email=self.email.data or "",
            name=(self.name.data or "").strip(),
            language=self.language.data,
            timezone=self.timezone.data,
            roles=frozenset(Role(value) for value in self.roles.data or []),
            delegation_id=self.delegation_id.data,
            active=active,
        )


class UserEditForm(UserForm):
    active = BooleanField(_l("Active (may log in)"))

    def to_data(self, active: bool = True) -> UserData:
        return super().to_data(active=bool(self.active.data))


def user_initial(user: User | None, delegation_id: int | None = None) -> dict[str, Any]:
    """The form's values for an existing user, or the defaults of a new one
    (in `delegation_id` when given, as a delegate)."""
    if user is None:
        return {"language": "en", "timezone": "Asia/Almaty", "delegation_id": delegation_id,
                "roles": [Role.DELEGATE.value] if delegation_id else []}
    return {
        "email": user.email,
        "name": user.name,
        "roles": sorted(r.value for r in user.roles),
        "delegation_id": user.delegation_id,
        "language": user.language,
        "timezone": user.timezone,
        "active": user.active,
    }
