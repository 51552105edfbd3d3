"""Logging in and out, throttling, CSRF, passwords and their reset."""
from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import event, func, select

from secretariat_app.accounts.models.people import PasswordResetToken, User
from secretariat_app.accounts.services.users import purge_reset_tokens
from secretariat_app.audit.models import AuditEntry
from secretariat_app.extensions import db
from tests.conftest import client_at, csrf_token, free_port, log_in, post_form
from tests.factories import PASSWORD, delegate, officer
from tests.second_factor_helpers import next_code


def _login(client, email, password):
    return post_form(client, "/auth/login", {"email": email, "password": password})


def test_login_with_right_password_and_refusal_with_wrong(app_ctx, client):
    user = officer()
    response = _login(client, user.email, "wrong password!")
    assert response.status_code == 200
    assert "Wrong e-mail or password." in response.get_data(as_text=True)
    assert _login(client, user.email.upper(), PASSWORD).status_code == 302


def test_five_wrong_passwords_lock_the_account_from_that_address_only(app_ctx, app):
    """The old lockout locked the owner out everywhere; now it is (account, address)."""
    user, other = officer(), officer()
    attacker = client_at(app, "198.51.100.7")
    statuses = [_login(attacker, user.email, f"wrong-{i}-password").status_code for i in range(6)]
    assert statuses == [200] * 5 + [429]
    # From that address even the right password waits, and the page says how long.
    response = _login(attacker, user.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert "Please try again in 15 minutes" in response.get_data(as_text=True)
    assert 890 <= int(response.headers["Retry-After"]) <= 900
    # The owner, elsewhere, logs in; another account from the attacker's address is not locked.
    assert _login(client_at(app, "192.0.2.10"), user.email, PASSWORD).status_code == 302
    assert _login(attacker, other.email, PASSWORD).status_code == 302


def test_many_failures_from_one_address_give_429_across_accounts(app_ctx, app):
    attacker = client_at(app, "198.51.100.8")
    statuses = [_login(attacker, f"nobody{i}@cica.example", "wrong password").status_code for i in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    assert "from your network" in _login(attacker, officer().email, PASSWORD).get_data(as_text=True)
    assert _login(client_at(app, "198.51.100.9"), "nobody0@cica.example", "wrong password").status_code == 200


def test_successful_logins_do_not_count_towards_the_throttle(app_ctx, app):
    user = officer()
    for _ in range(8):
        client = app.test_client()
        assert _login(client, user.email, PASSWORD).status_code == 302


def test_post_without_csrf_token_is_400_with_a_readable_page(app_ctx, client):
    user = officer()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)


def test_logout_needs_post_with_token(app_ctx, client):
    log_in(client, officer().email)
    assert client.get("/auth/logout").status_code == 405
    assert post_form(client, "/auth/logout", {}, page="/auth/password").status_code == 302
    assert client.get("/admin/").status_code == 302


def test_open_redirect_after_login_is_refused(app_ctx, app, client):
    """After the password alone (a delegate), and after the second step (an officer)."""
    user = delegate()
    token = csrf_token(client)
    response = client.post("/auth/login?next=//evil.example/x",
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"
    staff, other = officer(), app.test_client()
    token = csrf_token(other)
    response = other.post("/auth/login?next=//evil.example/x",
                          data={"email": staff.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/auth/second-factor"
    response = post_form(other, "/auth/second-factor", {"code": next_code(app, staff.email)})
    assert response.headers["Location"] == "/"


def test_change_password_checks_current_and_ends_other_sessions(app_ctx, app):
    user = officer()
    first, second = app.test_client(), app.test_client()
    log_in(first, user.email)
    log_in(second, user.email)
    response = post_form(first, "/auth/password",
                         {"current_password": "not it at all", "new_password": "a new long password",
                          "confirm": "a new long password"})
    assert "The current password is not correct." in response.get_data(as_text=True)
    response = post_form(first, "/auth/password",
                         {"current_password": PASSWORD, "new_password": "short", "confirm": "short"})
    assert "Use at least 10 characters." in response.get_data(as_text=True)
    response = post_form(first, "/auth/password",
                         {"current_password": PASSWORD, "new_password": "a new long password",
                          "confirm": "a new long password"})
    assert response.status_code == 302
    assert first.get("/admin/").status_code == 200  # this session goes on
    assert second.get("/admin/").status_code == 302  # the other one ended
    assert _login(app.test_client(), user.email, "a new long password").status_code == 302


def _reset_link(message) -> str:
    match = re.search(r"http://[^/]+(/auth/reset/\S+)", message.get_content() if not message.is_multipart()
                      else message.get_body(("plain",)).get_content())
    assert match, message
    return match.group(1)


RESET_TASK = "workers.tasks.accounts.send_reset_link"
NEW = {"new_password": "brand new password", "confirm": "brand new password"}


def _ask_and_mail(client, sent_tasks, outbox, email) -> str:
    """Ask for a link on the page, let the worker run; the link mailed."""
    assert post_form(client, "/auth/reset", {"email": email}).status_code == 302
    assert sent_tasks.run() == ["sent"]
    return _reset_link(outbox[-1])


def _security_events(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_password_reset_by_mailed_single_use_token(app_ctx, client, outbox, sent_tasks):
    user = officer()
    response = post_form(client, "/auth/reset", {"email": user.email})
    assert response.status_code == 302
    assert outbox == [] and sent_tasks.names() == [RESET_TASK]  # the worker mails it, not the request
    assert sent_tasks.run() == ["sent"]
    assert len(outbox) == 1 and outbox[0]["To"] == user.email
    link = _reset_link(outbox[0])
    # Only the token's hash is stored.
    assert link.rsplit("/", 1)[1] not in {t.token_hash for t in db.session.scalars(select(PasswordResetToken))}
    response = post_form(client, link, NEW)
    assert response.status_code == 302
    assert client.get(link).status_code == 404  # used once
    assert _login(client, user.email, "brand new password").status_code == 302
    (event,) = _security_events("security.password_reset")
    assert event.object_id == str(user.id) and event.after["address"] == "127.0.0.1"
    old_actions = AuditEntry.action.like("user.password_reset%")
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(old_actions)) == 0


def test_a_used_link_fails(app_ctx, client, outbox, sent_tasks):
    user = officer()
    link = _ask_and_mail(client, sent_tasks, outbox, user.email)
    assert post_form(client, link, NEW).status_code == 302
    again = {"new_password": "someone else's password", "confirm": "someone else's password"}
    token = csrf_token(client)
    assert client.post(link, data={**again, "csrf_token": token}).status_code == 404
    assert _login(app_ctx.test_client(), user.email, "someone else's password").status_code == 200
    assert _login(app_ctx.test_client(), user.email, "brand new password").status_code == 302


def test_an_older_link_fails_after_a_reset_with_a_newer_one(app_ctx, client, outbox, sent_tasks):
    user = officer()
    older = _ask_and_mail(client, sent_tasks, outbox, user.email)
    newer = _ask_and_mail(client, sent_tasks, outbox, user.email)
    assert older != newer
    assert client.get(older).status_code == client.get(newer).status_code == 200  # both work until one is used
    assert post_form(client, newer, NEW).status_code == 302
    assert client.get(older).status_code == 404
    token = csrf_token(client)
    response = client.post(older, data={"new_password": "an older link's password",
                                        "confirm": "an older link's password", "csrf_token": token})
    assert response.status_code == 404
    assert _login(client, user.email, "brand new password").status_code == 302


def test_a_link_fails_after_a_password_change(app_ctx, client, outbox, sent_tasks):
    user = officer()
    link = _ask_and_mail(client, sent_tasks, outbox, user.email)
    other = app_ctx.test_client()
    log_in(other, user.email)
    response = post_form(other, "/auth/password", {"current_password": PASSWORD, "new_password": "changed password",
                                                   "confirm": "changed password"})
    assert response.status_code == 302
    assert client.get(link).status_code == 404


def test_a_link_fails_once_the_account_is_deactivated(app_ctx, client, outbox, sent_tasks):
    from secretariat_app.accounts.services.users import UserData, update_user

    user = officer()
    link = _ask_and_mail(client, sent_tasks, outbox, user.email)
    update_user(officer(), user, UserData(email=user.email, name=user.name, roles=user.roles, active=False))
    assert client.get(link).status_code == 404


def test_reset_token_expires(app_ctx, client, outbox, sent_tasks):
    user = officer()
    link = _ask_and_mail(client, sent_tasks, outbox, user.email)
    assert client.get(link).status_code == 200
    with freeze_time(datetime.now(UTC) + timedelta(hours=1, minutes=1)):
        assert client.get(link).status_code == 404
        token = csrf_token(client)
        response = client.post(link, data={**NEW, "csrf_token": token})
        assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == user.password_hash


def _statements_during(callable_):
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "after_cursor_execute", record)
    try:
        return callable_(), statements
    finally:
        event.remove(db.engine, "after_cursor_execute", record)


def test_the_request_answers_alike_for_a_known_and_an_unknown_address(app_ctx, outbox, sent_tasks):
    """Same status, same page, no mail, no lookup inside the request; the worker
    mails the known address once and the unknown one never."""
    user = officer()
    answers = {}
    for address in (user.email, "nobody@cica.example"):
        client = app_ctx.test_client()
        client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Test)"
        token = csrf_token(client, "/auth/reset")
        response, statements = _statements_during(
            lambda client=client, address=address, token=token: client.post(
                "/auth/reset", data={"email": address, "csrf_token": token}))
        page = client.get(response.headers["Location"])
        answers[address] = (response.status_code, response.headers["Location"], response.get_data(),
                          _without_csrf(page.get_data(as_text=True)))
        answers[address] += (statements,)
        assert not [s for s in statements if "user_account" in s or "password_reset_token" in s]  # no lookup
    assert answers[user.email] == answers["nobody@cica.example"]  # the same work, to the SQL statement
    assert answers[user.email][0] == 302 and "If an account uses that address" in answers[user.email][3]
    assert outbox == []
    assert sent_tasks.names() == [RESET_TASK, RESET_TASK]
    assert [set(kwargs) for _name, kwargs in sent_tasks] == [{"request_id", "email", "address", "user_agent",
                                                              "requested_at"}] * 2

    assert sent_tasks.run() == ["sent", "unknown"]
    assert [m["To"] for m in outbox] == [user.email]  # exactly one mail, to the known address
    known, unknown = _security_events("security.password_reset_requested")
    assert known.object_id == str(user.id) and known.after["known"] is True
    assert unknown.object_id == "" and unknown.after["email"] == "nobody@cica.example" and not unknown.after["known"]
    for event_ in (known, unknown):
        assert event_.after["address"] == "127.0.0.1" and event_.after["user_agent"] == "Mozilla/5.0 (Test)"


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", html)


def test_the_task_mails_once_for_a_known_address_and_never_for_an_unknown_one(app_ctx, outbox):
    from workers.tasks.accounts import send_reset_link

    user = officer()
    assert send_reset_link.run("request-1", user.email.upper(), "192.0.2.1", "curl") == "sent"
    assert [m["To"] for m in outbox] == [user.email]
    assert send_reset_link.run("request-2", "nobody@cica.example", "192.0.2.1", "curl") == "unknown"
    inactive = officer(active=False)
    assert send_reset_link.run("request-3", inactive.email, "192.0.2.1", "curl") == "unknown"
    assert len(outbox) == 1
    assert db.session.scalar(select(func.count(PasswordResetToken.id))) == 1


def test_a_retried_task_mails_the_same_link_never_a_second_valid_one(app_ctx, client, outbox, sent_tasks):
    user = officer()
    post_form(client, "/auth/reset", {"email": user.email})
    ((name, kwargs),) = sent_tasks
    task = app_ctx.extensions["celery"].tasks[name]
    assert task.run(**kwargs) == task.run(**kwargs) == "sent"  # a retry or a redelivery of the same request
    first, second = (_reset_link(m) for m in outbox)
    assert first == second
    assert db.session.scalar(select(func.count(PasswordResetToken.id))) == 1
    assert len(_security_events("security.password_reset_requested")) == 1
    assert post_form(client, first, NEW).status_code == 302
    assert task.run(**kwargs) == "ended" and len(outbox) == 2  # a late retry mails nothing once used
    purge_reset_tokens()  # the used token stays until it expires ...
    assert task.run(**kwargs) == "ended"
    with freeze_time(datetime.now(UTC) + timedelta(hours=1, minutes=1)):
        assert purge_reset_tokens() == 1
        assert task.run(**kwargs) == "ended" and len(outbox) == 2  # ... and then the request has expired
    assert db.session.scalar(select(func.count(PasswordResetToken.id))) == 0


def test_an_smtp_failure_raises_for_a_retry_that_sends_the_same_link(app_ctx, smtp_sink, monkeypatch):
    from workers.tasks.accounts import send_reset_link

    monkeypatch.setitem(app_ctx.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app_ctx.config, "MAIL_SERVER", smtp_sink.hostname)
    monkeypatch.setitem(app_ctx.config, "MAIL_PORT", free_port())  # nobody listens
    user = officer(language="ru")
    try:
        send_reset_link.run("request-1", user.email)
    except OSError:
        pass
    else:
        raise AssertionError("an SMTP failure must raise, so that the task retries")
    assert send_reset_link.max_retries and OSError in send_reset_link.autoretry_for
    monkeypatch.setitem(app_ctx.config, "MAIL_PORT", smtp_sink.port)
    assert send_reset_link.run("request-1", user.email) == "sent"
    (envelope,) = smtp_sink.messages
    assert envelope.rcpt_tos == [user.email]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Subject"] == "Секретариат СВМДА: сброс пароля"  # the recipient's language
    assert "/auth/reset/" in message.get_content()
    assert db.session.scalar(select(func.count(PasswordResetToken.id))) == 1


def test_a_broker_that_cannot_be_reached_gives_a_readable_503_for_any_address(app_ctx, monkeypatch):
    from kombu.exceptions import OperationalError

    def refuse(*_args, **_kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(app_ctx.extensions["celery"], "send_task", refuse)
    pages = []
    for email_ in (officer().email, "nobody@cica.example"):
        response = post_form(app_ctx.test_client(), "/auth/reset", {"email": email_})
        assert response.status_code == 503
        pages.append(_without_csrf(response.get_data(as_text=True)))
    assert pages[0] == pages[1] and "cannot send mail at the moment" in pages[0]


def test_security_headers_and_cookie_flags(app_ctx, client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response = _login(client, officer().email, PASSWORD)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_audit_records_password_change(app_ctx, client):
    user = officer()
    log_in(client, user.email)
    post_form(client, "/auth/password", {"current_password": PASSWORD, "new_password": "another password",
                                         "confirm": "another password"})
    count = db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "user.password_change"))
    assert count == 1
