"""The login throttle (accounts/auth/throttle.py, docs/security.md "Login
throttling"): locks per address and per (account, address); an account attacked
from many addresses pauses unknown clients only, so its owner gets in from a
known device or a known address; each lock is one LOCKOUT event; the 429 page
says when to try again, in English and Russian. Officers have a second factor:
`log_in` is a whole login (password and code), `_login` the password's step."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from secretariat_app.accounts.auth import devices
from secretariat_app.accounts.auth.throttle import address_key
from secretariat_app.audit.models import AuditEntry
from secretariat_app.audit.security import SecurityEvent
from secretariat_app.extensions import db
from tests.conftest import client_at, log_in, post_form
from tests.factories import PASSWORD, officer

OWNER_HOME = "192.0.2.10"


def _login(client, email, password, **kwargs):
    return post_form(client, "/auth/login", {"email": email, "password": password}, **kwargs)


def _logout(client):
    assert post_form(client, "/auth/logout", {}, page="/auth/password").status_code == 302


def _lockouts() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == SecurityEvent.LOCKOUT.action)
                                   .order_by(AuditEntry.id)))


def _attack_from_many_addresses(app, email: str, count: int = 20) -> None:
    """One wrong password from each of `count` addresses: no address and no pair reaches its limit."""
    for i in range(count):
        assert _login(client_at(app, f"203.0.113.{i + 1}"), email, f"guess-{i}-password").status_code == 200


def test_an_account_attacked_from_many_addresses_pauses_unknown_clients_only(app_ctx, app):
    user = officer()
    device = client_at(app, "198.51.100.50")  # the owner's laptop, on the road
    log_in(device, user.email)
    assert devices.COOKIE in {cookie.key for cookie in device._cookies.values()}
    _logout(device)
    log_in(client_at(app, OWNER_HOME), user.email)  # a known address

    _attack_from_many_addresses(app, user.email)
    # A new browser at a new address, even with the right password, waits...
    response = _login(client_at(app, "198.51.100.99"), user.email, PASSWORD)
    assert response.status_code == 429
    assert "logins from browsers and networks it has not used before are paused" in response.get_data(as_text=True)
    # ...but the owner's known device (at yet another address) and known address get in.
    device.environ_base["REMOTE_ADDR"] = "198.51.100.77"
    log_in(device, user.email)
    log_in(client_at(app, OWNER_HOME), user.email)
    # The attacker's next guess from a fresh address is refused without being tried.
    assert _login(client_at(app, "198.51.100.100"), user.email, "guess-again-password").status_code == 429
    locks = _lockouts()
    assert [(lock.after["scope"], lock.object_id) for lock in locks] == [("account", str(user.id))]


def test_a_lock_is_one_lockout_event_with_its_scope_address_and_end(app_ctx, app):
    user = officer()
    attacker = client_at(app, "198.51.100.7")
    for i in range(5):
        _login(attacker, user.email, f"wrong-{i}-password")
    for _ in range(3):  # refused attempts do not begin another lock
        assert _login(attacker, user.email, "still-wrong-password").status_code == 429
    [lock] = _lockouts()
    assert lock.after["scope"] == "account-address"
    assert lock.after["address"] == "198.51.100.7"
    assert lock.object_id == str(user.id)
    assert lock.after["seconds"] == 900
    until = datetime.fromisoformat(lock.after["until"])
    assert timedelta(minutes=14) < until - datetime.now(UTC) <= timedelta(minutes=15)
    # Five more accounts from that address reach the address's limit: one more event, for the address.
    for i in range(5):
        _login(attacker, f"nobody{i}@cica.example", "wrong password")
    assert [lock.after["scope"] for lock in _lockouts()] == ["account-address", "address"]
    assert _lockouts()[1].object_id == ""  # no account: the address as a whole


def test_an_unknown_address_is_counted_and_recorded_like_a_known_one(app_ctx, app):
    attacker = client_at(app, "198.51.100.7")
    statuses = [_login(attacker, "nobody@cica.example", f"wrong-{i}-password").status_code for i in range(6)]
    assert statuses == [200] * 5 + [429]
    [lock] = _lockouts()
    assert lock.after["email"] == "nobody@cica.example" and lock.after["scope"] == "account-address"


def test_the_lock_ends_after_its_window(app_ctx, app):
    user = officer()
    attacker = client_at(app, "198.51.100.7")
    for i in range(5):
        _login(attacker, user.email, f"wrong-{i}-password")
    assert _login(attacker, user.email, PASSWORD).status_code == 429
    with freeze_time(datetime.now(UTC) + timedelta(minutes=15, seconds=5)):
        assert _login(attacker, user.email, PASSWORD).status_code == 302


def test_a_known_device_has_its_own_limit(app_ctx, app):
    """A stolen device cookie is worth five guesses per window, not an unlimited pass."""
    user = officer()
    device = client_at(app, OWNER_HOME)
    log_in(device, user.email)
    _logout(device)
    statuses = [_login(device, user.email, f"wrong-{i}-password").status_code for i in range(6)]
    assert statuses == [200] * 5 + [429]
    response = _login(device, user.email, PASSWORD)
    assert response.status_code == 429
    assert "from this browser" in response.get_data(as_text=True)
    assert [lock.after["scope"] for lock in _lockouts()] == ["device"]
    # The device's failures locked neither the address nor the account for others.
    log_in(client_at(app, OWNER_HOME), user.email)


def test_the_owners_device_gets_in_though_an_attacker_locked_their_network(app_ctx, app):
    user = officer()
    device = client_at(app, "198.51.100.7")
    log_in(device, user.email)
    _logout(device)
    attacker = client_at(app, "198.51.100.7")  # the same office network, another browser
    for i in range(10):
        _login(attacker, f"nobody{i % 2}@cica.example" if i % 2 else user.email, f"wrong-{i}-password")
    assert _login(attacker, user.email, PASSWORD).status_code == 429
    log_in(device, user.email)


def test_a_device_cookie_of_another_account_or_forged_counts_for_nothing(app_ctx, app):
    user, other = officer(), officer()
    browser = client_at(app, "198.51.100.50")
    log_in(browser, other.email)  # known for `other` only
    _logout(browser)
    _attack_from_many_addresses(app, user.email)
    assert _login(browser, user.email, PASSWORD).status_code == 429
    forged = client_at(app, "198.51.100.51")
    with app.test_request_context():
        cookie = URLSafeTimedSerializer("not the key", salt=devices.SALT).dumps(
            {"n": "x", "a": [devices.account_digest(user.email)]})
    forged.set_cookie(devices.COOKIE, cookie, path="/auth/")
    assert _login(forged, user.email, PASSWORD).status_code == 429


def test_the_429_page_is_in_russian_for_a_russian_browser(app_ctx, app):
    user = officer()
    attacker = client_at(app, "198.51.100.7")
    for i in range(5):
        _login(attacker, user.email, f"wrong-{i}-password")
    response = _login(attacker, user.email, PASSWORD, headers={"Accept-Language": "ru"})
    assert response.status_code == 429
    assert "Повторите попытку через 15 минут" in response.get_data(as_text=True)


def test_ipv6_clients_are_counted_by_their_64():
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::2") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert address_key("192.0.2.1") == "192.0.2.1"


def test_a_device_and_an_address_are_known_for_90_days_after_the_last_login(app_ctx, app):
    user = officer()
    device = client_at(app, OWNER_HOME)
    log_in(device, user.email)
    _logout(device)
    with freeze_time(datetime.now(UTC) + timedelta(days=91)):
        _attack_from_many_addresses(app, user.email)
        assert _login(device, user.email, PASSWORD).status_code == 429  # neither the cookie nor the address
        assert _login(client_at(app, OWNER_HOME), user.email, PASSWORD).status_code == 429
