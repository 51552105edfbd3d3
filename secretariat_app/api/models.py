"""Personal access tokens: a person's key for the JSON API.

The token is shown once when it is made; the row keeps only the SHA-256 of its
secret (a random 256-bit value: nothing to guess from a dictionary, so a plain
hash suffices, and it survives a change of SECRET_KEY), its first characters to
tell one token from another on the profile page, its scopes, when it expires
and when it was revoked. A token carries its owner's rights, read afresh on
every request, narrowed by its scopes (api/scopes.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from secretariat_app.accounts.models.people import User
from secretariat_app.core.columns import UTCDateTime, utcnow
from secretariat_app.extensions import Model

PREFIX_LENGTH = 8

class AccessToken(Model):
    __tablename__ = "access_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the secret, hex
    prefix: Mapped[str] = mapped_column(String(16))  # the token's first characters ("cica_" and 7 more)
    scopes: Mapped[str] = mapped_column(String(100))  # space-separated Scope values
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def scope_values(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    def is_live(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now
