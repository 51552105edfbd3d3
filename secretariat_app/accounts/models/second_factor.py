"""Recovery codes of the second factor: single-use, only their SHA-256 stored.

The TOTP secret, its last accepted step and the enrolment time are columns of
User (people.py), which every page loads anyway: the enrolment gate reads them
without another query."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from secretariat_app.core.columns import UTCDateTime, utcnow
from secretariat_app.extensions import Model


class RecoveryCode(Model):
    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
