"""The notices page's status labels and the preferences form: one box per kind of
notice the person may receive by mail, and the daily digest of document notices."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField

from secretariat_app.accounts.models.people import User
from secretariat_app.notices import kinds
from secretariat_app.notices.models import NotificationKind, NotificationStatus
from secretariat_app.permissions import is_secretariat

STATUS_LABELS = {
    NotificationStatus.PENDING: _l("to be sent"),
    NotificationStatus.SENDING: _l("being sent"),
    NotificationStatus.SENT: _l("sent"),
    NotificationStatus.FAILED: _l("could not be sent"),
    NotificationStatus.CANCELLED: _l("cancelled"),
}


def kinds_for(user: User) -> list[NotificationKind]:
    """The kinds of notice this person can receive, in the order shown."""
    return [entry.kind for entry in kinds.all_kinds() if is_secretariat(user) or not entry.secretariat_only]


def field_name(kind: NotificationKind) -> str:
    return f"mail_{kind.value}"


class PreferencesForm(FlaskForm):
    document_digest = BooleanField(_l("Send document notices as one daily digest instead of one mail each"))
    submit = SubmitField(_l("Save my preferences"))

    @classmethod
    def for_user(cls, user: User) -> PreferencesForm:
        """A form with a box per kind the person can receive, ticked when they get it by mail."""
        shown = kinds_for(user)

        class Form(cls):  # type: ignore[misc, valid-type]  # a subclass per call: this person's boxes
            pass

        for kind in shown:
            setattr(Form, field_name(kind), BooleanField(kinds.get(kind).preference_label))
        data = {field_name(k): k.value not in (user.mail_opt_out or []) for k in shown}
        data["document_digest"] = bool(user.document_digest)
        form = Form(data=data)  # a POST's own values win over these
        form.kinds = shown
        return form

    def kind_fields(self):
        return [getattr(self, field_name(kind)) for kind in self.kinds]

    def opt_outs(self, previous: list[str] | None) -> list[str]:
        """The kinds left unticked, keeping earlier choices about kinds not shown here."""
        shown = {kind.value for kind in self.kinds}
        kept = [value for value in previous or [] if value not in shown]
        unticked = [kind.value for kind in self.kinds if not getattr(self, field_name(kind)).data]
        return sorted(set(kept + unticked))
