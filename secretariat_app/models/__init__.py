"""Typed SQLAlchemy models, one module per aggregate."""
from secretariat_app.models.audit import AuditEntry
from secretariat_app.models.chair import Chairmanship, CycleFinding
from secretariat_app.models.documents import (
    Acknowledgement,
    Circulation,
    DistributionLevel,
    Document,
    DocumentStatus,
    DocumentType,
    DocumentVersion,
    NamedRecipient,
    Originator,
    Receipt,
    StoredFile,
    SymbolCounter,
    VersionKind,
)
from secretariat_app.models.notifications import Notification, NotificationKind, NotificationStatus, SchedulerLock
from secretariat_app.models.decisions import Decision, DecisionStatus, Procedure, SilenceObjection
from secretariat_app.models.meetings import (
    AgendaItem,
    DatePrecision,
    Invitation,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Participant,
)
from secretariat_app.models.people import Delegation, PasswordResetToken, Role, User, UserRole
from secretariat_app.models.staff import Position, StaffAppointment
from secretariat_app.models.states import Body, Membership, MembershipStatus, State, StateKind

__all__ = [
    "Acknowledgement",
    "Circulation",
    "DistributionLevel",
    "Document",
    "DocumentStatus",
    "DocumentType",
    "DocumentVersion",
    "NamedRecipient",
    "Notification",
    "NotificationKind",
    "NotificationStatus",
    "Originator",
    "Receipt",
    "SchedulerLock",
    "StoredFile",
    "SymbolCounter",
    "VersionKind",
    "AgendaItem",
    "AuditEntry",
    "Chairmanship",
    "CycleFinding",
    "DatePrecision",
    "Decision",
    "DecisionStatus",
    "Invitation",
    "Meeting",
    "MeetingFormat",
    "MeetingStatus",
    "Participant",
    "Procedure",
    "SilenceObjection",
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
