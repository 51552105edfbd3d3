"""Sending mail: to an SMTP server, to the console (development) or to memory (tests).

Callers send only after the transaction that caused the mail has committed.
`send(message)` opens a connection for one message; `connection()` gives a
`Mailer` that sends many messages over one SMTP connection (the notice
workers send a batch of rows that way)."""
from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from flask import current_app


def build_message(to: str, subject: str, text: str, html: str | None = None,
                  message_id: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="cica.example")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def send(message: EmailMessage) -> None:
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        _send_smtp(message)
    elif backend == "memory":
        current_app.extensions.setdefault("mail_outbox", []).append(message)
    else:
        current_app.logger.info("mail (console backend):\n%s", message.as_string())
        print(message.as_string(), flush=True)


def _open_smtp(config: Mapping[str, Any]) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
    try:
        if config["MAIL_USE_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _send_smtp(message: EmailMessage) -> None:
    with _open_smtp(current_app.config) as smtp:
        smtp.send_message(message)


class Mailer:
    """Sends messages one after the other over one SMTP connection, opened at
    the first message (and again after the server dropped it). Each `send`
    returns once the server has accepted that message, or raises as
    `mail.send` does. A refusal of one message (4xx, 5xx) keeps the connection
    for the next; a broken connection is dropped and the next message opens a
    new one. When the connection cannot be opened at all, every later `send`
    of this mailer raises that same error at once: a batch stops knocking on a
    server that is down. Other backends send through `send` (per message)."""

    def __init__(self) -> None:
        self.config = current_app.config
        self.smtp: smtplib.SMTP | None = None
        self.unreachable: BaseException | None = None
        self.connections = 0

    def send(self, message: EmailMessage) -> None:
        if self.config["MAIL_BACKEND"] != "smtp":
            send(message)
            return
        if self.unreachable is not None:
            raise self.unreachable
        if self.smtp is None:
            try:
                self.smtp = _open_smtp(self.config)
            except Exception as error:
                self.unreachable = error
                raise
            self.connections += 1
        try:
            self.smtp.send_message(message)
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused):
            # The server answered (a refusal) and smtplib reset the transaction:
            # the connection is still good, unless smtplib closed it (a 421 reply).
            if self.smtp.sock is None:
                self._drop()
            raise
        except BaseException:
            # Lost, timed out or half-read: nothing more may go over this connection.
            self._drop()
            raise

    def _drop(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is not None:
            try:
                smtp.close()
            except Exception:  # noqa: BLE001
                pass

    def close(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except Exception:  # noqa: BLE001  (the mail is already accepted; QUIT is a courtesy)
            smtp.close()

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def connection() -> Mailer:
    """`with mail.connection() as mailer: mailer.send(m1); mailer.send(m2)`: one SMTP connection."""
    return Mailer()
