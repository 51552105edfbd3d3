"""Mail about accounts: the password reset link and the invitation to a new account.

Both are sent after the transaction that issued the token has committed, in
the recipient's language; a mail failure is logged and leaves a usable token
(the person can ask for a new link from the login page)."""
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


def _send(user: User, subject: str, text: str, what: str) -> bool:
    try:
        mail.send(mail.build_message(user.email, subject, text))
    except OSError:
        current_app.logger.exception("could not send the %s mail to user %s", what, user.id)
        return False
    return True


def send_reset_mail(user: User, raw_token: str) -> bool:
    """Mail `user` the link to reset their password. True when the mail was handed over."""
    link = _set_password_link(raw_token)
    with force_locale(user.language):
        subject = _("CICA Secretariat: reset your password")
        text = render_template("auth/reset_mail.txt", user=user, link=link)
    return _send(user, subject, text, "password reset")


def send_invite_mail(user: User, raw_token: str) -> bool:
    """Mail a new account's owner the link to choose a password. True when handed over."""
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
    return _send(user, subject, text, "invitation")
