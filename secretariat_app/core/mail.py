"""Sending mail: to an SMTP server, to the console (development) or to memory (tests).

Callers send only after the transaction that caused the mail has committed.
`send(message)` opens a connection for one message; `connection()` gives a
`Mailer` that sends many messages over one SMTP connection (the notice
workers send a batch of rows that way). A server that cannot be reached at
all raises `ServerUnreachable` from a `Mailer` and from `probe()`: an outage,
not an answer about one message."""
from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from flask import current_app

from secretariat_app.core.mail_headers import MAIL_POLICY


def build_message(to: str, subject: str, text: str, html: str | None = None,
                  message_id: str | None = None) -> EmailMessage:
    """A message in the modern policy, its non-ASCII headers encoded so that folding keeps every space."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="cica.example")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


class ServerUnreachable(Exception):
    """The SMTP server could not be reached at all: refused or timed-out
    connection, unknown host, a greeting that says the service is unavailable
    or a connection closed before it. Nothing was said about any message."""

    def __init__(self, error: BaseException):
        super().__init__(f"SMTP server unreachable: {type(error).__name__}: {error}")
        self.error = error


def is_outage(error: BaseException) -> bool:
    """Whether an error raised while opening a connection means that the server
    could not be reached (an outage), rather than an answer of a reachable server
    (a refused login or STARTTLS: 4xx or 5xx to a command)."""
    if isinstance(error, smtplib.SMTPConnectError):  # the greeting: 421/554 "service not available"
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return False
    return isinstance(error, OSError)  # refused, DNS, timeouts, a closed socket, TLS handshakes


def probe(config: Mapping[str, Any] | None = None) -> None:
    """Open a connection and say QUIT: raises ServerUnreachable when the server
    cannot be reached (other backends: nothing to reach)."""
    config = config if config is not None else current_app.config
    if config["MAIL_BACKEND"] != "smtp":
        return
    try:
        smtp = _open_smtp(config)
    except Exception as error:
        if is_outage(error):
            raise ServerUnreachable(error) from error
        return  # it answered (a refused login is a problem, but not an outage)
    try:
        smtp.quit()
    except Exception:  # noqa: BLE001  (it was reached; QUIT is a courtesy)
        smtp.close()


def send(message: EmailMessage) -> None:
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        _send_smtp(message)
    elif backend == "memory":
        current_app.extensions.setdefault("mail_outbox", []).append(message)
    else:
        # One log record per mail, nothing printed besides: under `make run` a print went to
        # the web's stdout and the worker's (Celery logs a task's stdout), so each mail showed twice.
        current_app.logger.info("mail (console backend) to %s:\n%s", message["To"], message.as_string())


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
    new one. When the connection cannot be opened, every later `send` of this
    mailer raises that same error at once: a batch stops knocking on a server
    that is down; a server that could not be reached at all raises
    `ServerUnreachable`. Other backends send through `send` (per message)."""

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
                self.unreachable = ServerUnreachable(error) if is_outage(error) else error
                if self.unreachable is error:
                    raise
                raise self.unreachable from error
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
