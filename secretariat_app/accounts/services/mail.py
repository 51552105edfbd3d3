"""Mail about accounts: the password reset link and the invitation to a new account.

Sent by the worker (link_delivery.py, from workers/tasks/accounts.py), never
inside a request, after the transaction that issued the token has committed,
in the recipient's language. An SMTP failure raises OSError: the task
retries, with the same link."""
from __future__ import annotations

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.services.users import INVITE_TTL
from secretariat_app.core import mail


def _set_password_link(raw_token: str) -> str:
    """The absolute link to the set-password page; works outside a request too (workers)."""
    if has_request_context():
        path = url_for("auth.reset_password", token=raw_token)
    else:
        path = current_app.url_map.bind("").build("auth.reset_password", {"token": raw_token})
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def _send(user: User, subject: str, text: str) -> None:
    mail.send(mail.build_message(user.email, subject, text))


def send_reset_mail(user: User, raw_token: str) -> None:
    """Mail `user` the link to reset their password (OSError when SMTP fails)."""
    link = _set_password_link(raw_token)
    with force_locale(user.language):
        subject = _("CICA Secretariat: reset your password")
        text = render_template("auth/reset_mail.txt", user=user, link=link)
    _send(user, subject, text)


def send_invite_mail(user: User, raw_token: str) -> None:
    """Mail a new account's owner the link to choose a password (OSError when SMTP fails)."""
    link = _set_password_link(raw_token)
    days = max(1, current_app.config.get("ACCOUNT_INVITE_TTL", INVITE_TTL).days)
    with force_locale(user.language):
        subject = _("CICA Secretariat: your new account")
        text = "\n\n".join([
            _("Dear %(name)s,", name=user.name),
            _("The CICA Secretariat has opened an account for you in its meeting and "
              "document system. Your login is your e-mail address: %(email)s", email=user.email),
            ngettext("To choose your password, open this link within %(num)d day:",
                     "To choose your password, open this link within %(num)d days:", days),
            link,
            _("The link works once. If it has expired, use “Forgot your password?” on the login page."),
            _("CICA Secretariat"),
        ]) + "\n"
    _send(user, subject, text)
