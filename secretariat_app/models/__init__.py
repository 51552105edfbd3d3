"""Typed SQLAlchemy models, one module per aggregate."""
from secretariat_app.models.audit import AuditEntry
from secretariat_app.models.people import Delegation, PasswordResetToken, Role, User, UserRole
from secretariat_app.models.staff import Position, StaffAppointment
from secretariat_app.models.states import Body, Membership, MembershipStatus, State, StateKind

__all__ = [
    "AuditEntry",
    "Body",
    "Delegation",
    "Membership",
    "MembershipStatus",
    "PasswordResetToken",
    "Position",
    "Role",
    "StaffAppointment",
    "State",
    "StateKind",
    "User",
    "UserRole",
]
