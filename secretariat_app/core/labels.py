"""Translated labels for the enumerations shown on pages."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from secretariat_app.accounts.models.people import Role
from secretariat_app.accounts.models.staff import Position
from secretariat_app.accounts.models.states import MembershipStatus, StateKind
from secretariat_app.cbm.models import (
    ActivityType,
    CoordinatorRole,
    PaperKind,
    PaperStatus,
    ReportStatus,
)
from secretariat_app.documents.models import DocumentStatus, DocumentType
from secretariat_app.domain.cbm_status import ActivityState

STATUS_LABELS = {
    MembershipStatus.MEMBER: _l("member"),
    MembershipStatus.OBSERVER: _l("observer"),
    MembershipStatus.PARTNER: _l("partner"),
}
KIND_LABELS = {StateKind.STATE: _l("state"), StateKind.ORGANISATION: _l("international organisation")}
ROLE_LABELS = {
    Role.ADMIN: _l("Secretariat administrator"),
    Role.OFFICER: _l("Secretariat officer"),
    Role.DELEGATE: _l("Delegate"),
    Role.COORDINATOR: _l("CBM coordinator"),
}
BODY_LABELS = {
    "SUMMIT": _l("Summit"),
    "MFA": _l("Meeting of Ministers of Foreign Affairs"),
    "MFA_INFORMAL": _l("Informal meeting of ministers"),
    "SOC": _l("Senior Officials Committee"),
    "SWG": _l("Special Working Group"),
}
DOCUMENT_TYPE_LABELS = {
    DocumentType.AGENDA: _l("agenda"),
    DocumentType.DRAFT_DECISION: _l("draft decision"),
    DocumentType.DECISION: _l("decision"),
    DocumentType.REPORT: _l("report"),
    DocumentType.CONCEPT_PAPER: _l("concept paper"),
    DocumentType.ACTION_PLAN: _l("action plan"),
    DocumentType.NOTE_VERBALE: _l("note verbale"),
    DocumentType.INFORMATION_NOTE: _l("information note"),
    DocumentType.OTHER: _l("other"),
}
DOCUMENT_STATUS_LABELS = {
    DocumentStatus.DRAFT: _l("draft"),
    DocumentStatus.CIRCULATED: _l("circulated"),
    DocumentStatus.SUPERSEDED: _l("superseded"),
    DocumentStatus.WITHDRAWN: _l("withdrawn"),
}
POSITION_LABELS = {
    Position.EXECUTIVE_DIRECTOR: _l("Executive Director / Secretary General"),
    Position.DEPUTY_EXECUTIVE_DIRECTOR: _l("Deputy Executive Director / Deputy Secretary General"),
    Position.PROFESSIONAL: _l("Professional (seconded)"),
    Position.SUPPORT: _l("General/support (contracted)"),
}

# Confidence building measures.
COORDINATOR_ROLE_LABELS = {
    CoordinatorRole.COORDINATOR: _l("coordinator"),
    CoordinatorRole.CO_COORDINATOR: _l("co-coordinator"),
}
PAPER_KIND_LABELS = {
    PaperKind.CONCEPT_PAPER: _l("concept paper"),
    PaperKind.ACTION_PLAN: _l("action plan"),
}
PAPER_STATUS_LABELS = {
    PaperStatus.DRAFT: _l("draft"),
    PaperStatus.SUBMITTED: _l("submitted"),
    PaperStatus.UNDER_REVIEW: _l("under SWG review"),
    PaperStatus.APPROVED: _l("approved"),
    PaperStatus.SUPERSEDED: _l("superseded"),
}
# The same, keyed by the status values the step indicator of a paper uses.
PAPER_STEP_LABELS = {status.value: label for status, label in PAPER_STATUS_LABELS.items()}
ACTIVITY_TYPE_LABELS = {
    ActivityType.CONFERENCE: _l("conference"),
    ActivityType.SEMINAR: _l("seminar"),
    ActivityType.WORKSHOP: _l("workshop"),
    ActivityType.TRAINING: _l("training"),
    ActivityType.EXERCISE: _l("exercise"),
    ActivityType.PUBLICATION: _l("publication"),
    ActivityType.OTHER: _l("other"),
}
ACTIVITY_STATE_LABELS = {
    ActivityState.PLANNED: _l("planned"),
    ActivityState.REPORTED: _l("reported"),
    ActivityState.LATE: _l("late"),
    ActivityState.MISSING: _l("missing"),
}
REPORT_STATUS_LABELS = {
    ReportStatus.DRAFT: _l("draft"),
    ReportStatus.SUBMITTED: _l("submitted"),
    ReportStatus.PUBLISHED: _l("published"),
}


def register_labels(app: Flask) -> None:
    app.jinja_env.globals.update(
        status_label=lambda s: STATUS_LABELS.get(s, s),
        kind_label=lambda k: KIND_LABELS.get(k, k),
        role_label=lambda r: ROLE_LABELS.get(r, r),
        position_label=lambda p: POSITION_LABELS.get(p, p),
        body_label=lambda code: BODY_LABELS.get(code, code),
    )
