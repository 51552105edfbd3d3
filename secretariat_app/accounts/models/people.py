"""People who log in: users, their roles and the delegation they belong to."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import JSON, BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from secretariat_app.accounts.models.states import MembershipStatus, State
from secretariat_app.core.columns import IdentityEnum, UTCDateTime, enum_column, utcnow
from secretariat_app.extensions import Model

if TYPE_CHECKING:
    from secretariat_app.accounts.models.sessions import LoginSession


class Role(IdentityEnum):
    ADMIN = "admin"            # Secretariat administrator
    OFFICER = "officer"        # Secretariat officer
    DELEGATE = "delegate"      # delegate of a member's or an observer's delegation
    COORDINATOR = "coordinator"  # CBM coordinator (areas assigned with the CBM module)


class Delegation(Model):
    """The delegation of one state or organisation."""

    __tablename__ = "delegation"

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("state.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    state: Mapped[State] = relationship()
    users: Mapped[list[User]] = relationship(back_populates="delegation", order_by="User.name")

    def name(self, language: str = "en") -> str:
        return self.state.name(language)

    def status_on(self, day) -> MembershipStatus | None:
        return self.state.status_on(day)

    def is_member_on(self, day) -> bool:
        return self.state.is_member_on(day)


class User(UserMixin, Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    active: Mapped[bool] = mapped_column(default=True)
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("delegation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Secret of the personal calendar feed URL (only its SHA-256); None: no feed.
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Notification kinds the person does not want by mail, and the daily digest
    # of document notices instead of one mail each.
    mail_opt_out: Mapped[list[str]] = mapped_column(JSON, default=list)
    document_digest: Mapped[bool] = mapped_column(default=False)
    # The second factor (accounts/services/second_factor.py): the TOTP secret, sealed with a
    # key derived from SECRET_KEY (accounts/sealing.py); set and not yet enrolled while the
    # person is setting up their app. The last time step whose code was accepted (a code
    # works once). Enrolled: the second step is asked at every login.
    second_factor_secret: Mapped[str | None] = mapped_column(String(255))
    second_factor_last_step: Mapped[int | None] = mapped_column(BigInteger)
    second_factor_enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    delegation: Mapped[Delegation | None] = relationship(back_populates="users")
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # The session this request runs under (models/sessions.py), set by the user
    # loader and by start_session; an attribute of the object, not a column.
    if TYPE_CHECKING:
        login_session: LoginSession | None
    else:
        login_session = None

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def has_second_factor(self) -> bool:
        return self.second_factor_enrolled_at is not None

    def delegation_name(self, language: str = "en") -> str:
        """The delegation's name, as the page header shows it (the same as accounts/reader.py's)."""
        return self.delegation.name(language) if self.delegation is not None else ""

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login keeps this in the cookie: the session's secret, not the user's id
        return self.login_session.key if self.login_session is not None else ""

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserRole(Model):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))

    user: Mapped[User] = relationship(back_populates="role_rows")


class PasswordResetToken(Model):
    """A single-use, expiring reset token. Only its SHA-256 is stored."""

    __tablename__ = "password_reset_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
