"""Secrets kept at rest encrypted with a key derived from SECRET_KEY (the TOTP secrets).

A copy of the database (a backup, a replica, a dump sent for support) then does
not hold what generates a user's codes: it needs the application's key as well.
Fernet (AES-128-CBC with an HMAC-SHA256, from `cryptography`) with a key drawn
from SECRET_KEY by HKDF, so this purpose never uses the session-signing key itself.
SECRET_KEY_FALLBACKS (Flask's list of previous keys) still open what an older key
sealed: rotating the key keeps enrolments when the old key is kept there a while.
"""
from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

PURPOSE = b"cica-secretariat second factor secret v1"


def _fernet(secret_key: str | bytes) -> Fernet:
    material = secret_key.encode() if isinstance(secret_key, str) else secret_key
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(material)
    return Fernet(base64.urlsafe_b64encode(key))


def _box() -> MultiFernet:
    keys = [current_app.config["SECRET_KEY"], *(current_app.config.get("SECRET_KEY_FALLBACKS") or ())]
    return MultiFernet([_fernet(key) for key in keys])


def seal(plain: str) -> str:
    """`plain` encrypted under the current SECRET_KEY, as text for a column."""
    return _box().encrypt(plain.encode()).decode("ascii")


def unseal(sealed: str) -> str | None:
    """The text `seal` was given, or None when no configured key opens it (the key changed)."""
    try:
        return _box().decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        return None
