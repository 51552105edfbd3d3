"""Time-based one-time codes (RFC 6238, with pyotp) and recovery codes, as plain functions.

- A TOTP secret is 32 base32 characters (160 bits, RFC 4226's recommendation);
  codes have 6 digits and change every 30 seconds, as every authenticator app expects.
- A code is accepted for the step it belongs to and one step either side (clocks
  drift); `matching_step` says which step, so that the caller can refuse a step
  already used (a code is single-use).
- Recovery codes are 10 characters of Crockford's base32 (50 bits) shown as
  `xxxxx-xxxxx`; only their SHA-256 is stored. That is enough for a random code
  (nothing to guess from a dictionary) and survives a change of SECRET_KEY.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

import pyotp

ISSUER = "CICA Secretariat"
DIGITS = 6
INTERVAL = 30
WINDOW = 1  # steps accepted either side of now
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's base32: no i, l, o, u
RECOVERY_LENGTH = 10
_CODE = re.compile(rf"\d{{{DIGITS}}}")
_CROCKFORD_ALIASES = str.maketrans({"o": "0", "i": "1", "l": "1"})


def new_secret() -> str:
    return pyotp.random_base32(32)


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL, issuer=ISSUER)


def normalise_code(code: str) -> str:
    """What a person typed, without spaces and dashes (apps show `123 456`)."""
    return re.sub(r"[\s-]", "", code or "")


def looks_like_totp(code: str) -> bool:
    return bool(_CODE.fullmatch(normalise_code(code)))


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code `code` is, within WINDOW steps of `now` (Unix time); None when none is."""
    code = normalise_code(code)
    if not _CODE.fullmatch(code):
        return None
    totp = _totp(secret)
    current = totp.timecode(time.time() if now is None else now)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // INTERVAL)


def code_at(secret: str, step: int) -> str:
    """The code of `step` (what an authenticator shows during it)."""
    return _totp(secret).generate_otp(step)


def provisioning_uri(secret: str, account: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return _totp(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def grouped(secret: str, size: int = 4) -> str:
    """The secret in groups of `size`, for typing it into an app by hand."""
    return " ".join(secret[i:i + size] for i in range(0, len(secret), size))


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.add(f"{raw[:5]}-{raw[5:]}")
    return sorted(codes)


def recovery_hash(code: str) -> str:
    """The stored form of a recovery code, whatever case, spacing and look-alike letters it was typed in."""
    plain = normalise_code(code).lower().translate(_CROCKFORD_ALIASES)
    return hashlib.sha256(plain.encode()).hexdigest()
