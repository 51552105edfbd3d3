"""Translated labels for the enumerations shown on pages."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel import Locale, UnknownLocaleError
from flask import Flask
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from secretariat_app.accounts.models.people import Role
from secretariat_app.accounts.models.staff import Position
from secretariat_app.accounts.models.states import MembershipStatus, StateKind
from secretariat_app.audit.security import EVENT_LABELS, SecurityEvent
from secretariat_app.audit.security import OBJECT_TYPE as SECURITY
from secretariat_app.cbm.models import (
    ActivityType,
    CoordinatorRole,
    PaperKind,
    PaperStatus,
    ReportStatus,
)
from secretariat_app.core.localisation import current_language
from secretariat_app.documents.models import DocumentStatus, DocumentType
from secretariat_app.domain.cbm_status import ActivityState
from secretariat_app.domain.cycles_text import BODY_WORDS, Words, rule_label

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

# The languages of documents and of users: the two working languages by their
# names; other codes (a document's original language) by Babel's name for them.
LANGUAGE_LABELS = {"en": _l("English"), "ru": _l("Russian")}
LANGUAGE_ABBREVIATIONS = {"en": _l("EN"), "ru": _l("RU")}


def language_abbreviation(code: str) -> str:
    """A language version in short, on its download link: "EN", "RU" (in Russian: "АНГЛ", "РУС")."""
    return str(LANGUAGE_ABBREVIATIONS[code]) if code in LANGUAGE_ABBREVIATIONS else code.upper()

# The severity of the cycle findings; the rules are labelled from their ids (cycle_rule_label).
SEVERITY_LABELS = {"warning": _l("warning"), "info": _l("information")}

# The audit log: an action is "<record type>.<verb>" (audit/services.py), a
# security event "security.<event>" (audit/security.py).
RECORD_LABELS = {
    "agenda_item": _l("Agenda item"),
    "cbm_activity": _l("CBM activity"),
    "cbm_activity_report": _l("CBM activity report"),
    "cbm_area": _l("CBM priority area"),
    "cbm_attachment": _l("CBM attachment"),
    "cbm_catalogue": _l("Catalogue of CBMs"),
    "cbm_coordinator": _l("CBM coordinating state"),
    "cbm_coordinator_user": _l("CBM coordinator account"),
    "cbm_paper": _l("CBM paper"),
    "cbm_paper_comment": _l("Comment on a CBM paper"),
    "cbm_report": _l("CBM annual report"),
    "chair_decision": _l("Chair's decision on proposals"),
    "chairmanship": _l("Chairmanship"),
    "chair_candidature": _l("Candidature for the chairmanship"),
    "chair_succession": _l("Succession to the chairmanship"),
    "cycle_rules_version": _l("Version of the forum's rules"),
    "decision": _l("Decision"),
    "delegation": _l("Delegation"),
    "document": _l("Document"),
    "document_version": _l("Document version"),
    "history": _l("History of meetings"),
    "invitation": _l("Invitation"),
    "meeting": _l("Meeting"),
    "membership": _l("Membership"),
    "negotiated_text": _l("Negotiated text"),
    "negotiation": _l("Negotiated text"),
    "notification": _l("Notice"),
    "participant": _l("Participant"),
    "reference_data": _l("Reference data"),
    SECURITY: _l("Security"),
    "silence_objection": _l("Objection under silence"),
    "staff": _l("Staff appointment"),
    "staff_appointment": _l("Staff appointment"),
    "state": _l("State"),
    "text_paragraph": _l("Paragraph of a negotiated text"),
    "text_proposal": _l("Proposal to a negotiated text"),
    "text_revision": _l("Revision of a negotiated text"),
    "user": _l("User"),
}
VERB_LABELS = {
    "accept": _l("proposal accepted"),
    "acknowledge": _l("receipt acknowledged"),
    "approve": _l("approved"),
    "cancel": _l("cancelled"),
    "chase": _l("reminder sent"),
    "circulate": _l("circulated"),
    "compile": _l("revision compiled"),
    "confirm": _l("confirmed"),
    "create": _l("created"),
    "decide": _l("decided"),
    "delete": _l("deleted"),
    "derestrict": _l("derestricted"),
    "download": _l("downloaded"),
    "drop": _l("proposal dropped"),
    "due_change": _l("due date changed"),
    "end": _l("term ended"),
    "feed_token": _l("calendar feed address renewed"),
    "held": _l("marked as held"),
    "import": _l("imported"),
    "inform": _l("members informed"),
    "invite": _l("invitation sent"),
    "load": _l("loaded"),
    "merge": _l("proposals merged"),
    "move": _l("moved"),
    "notice_preferences": _l("notice preferences changed"),
    "object": _l("objection to a proposal"),
    "open": _l("opened"),
    "participants_export": _l("participant list exported"),
    "password_change": _l("password changed"),
    "position": _l("position stated"),
    "postpone": _l("postponed"),
    "profile": _l("profile changed"),
    "propose": _l("amendment proposed"),
    "publish": _l("published"),
    "read_text": _l("text read side by side"),
    "recommend": _l("recommended"),
    "reopen": _l("reopened"),
    "resend": _l("sent again"),
    "return": _l("returned for revision"),
    "settings": _l("settings changed"),
    "silence_broken": _l("silence broken"),
    "silence_closed": _l("silence procedure closed"),
    "start": _l("negotiation started"),
    "start_review": _l("review started"),
    "submit": _l("submitted"),
    "summary": _l("summary changed"),
    "supersede": _l("superseded"),
    "support": _l("proposal supported"),
    "take_effect": _l("took effect"),
    "translate": _l("translation recorded"),
    "update": _l("changed"),
    "warn": _l("warning sent"),
    "withdraw": _l("withdrawn"),
}


def cycle_rule_label(rule_id: str) -> str:
    """A cycle rule by its id (domain/cycles_rules.py makes them from the rules file), in the page's
    language: "Summit every four years", "SWG before each SOC", "Chair follows the host"."""
    return rule_label(rule_id, Words(gettext, current_language()))


_IN_LANGUAGE: dict[tuple[int, str], dict[Any, str]] = {}


def labels_in(labels: Mapping[Any, Any], language: str) -> dict[Any, str]:
    """`labels` (lazy strings) translated into `language`, once per process: a page that shows
    one a row (a search's twenty hits) looks up no catalogue a row. Kept without invalidation:
    the catalogues change only with a deployment, which restarts every process."""
    key = (id(labels), language)
    if key not in _IN_LANGUAGE:
        with force_locale(language):
            _IN_LANGUAGE[key] = {code: str(label) for code, label in labels.items()}
    return _IN_LANGUAGE[key]


def label_of(labels: Mapping[Any, Any], code: Any) -> str:
    """The label of `code` in the page's language; a code with none shows as itself."""
    return str(labels.get(code, code))


def language_label(code: str | None) -> str:
    """A language by its name in the page's language: "English", "Russian",
    and for other codes Babel's name ("Chinese" / "китайский")."""
    if not code:
        return ""
    if code in LANGUAGE_LABELS:
        return str(LANGUAGE_LABELS[code])
    try:
        name = Locale.parse(code).get_display_name(current_language())
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:] if name else code


def body_abbreviation(code: str) -> str:
    """A body in short, as the findings name it too: "SOC" / "КСДЛ"."""
    return gettext(BODY_WORDS[code]) if code in BODY_WORDS else code


def record_label(object_type: str) -> str:
    return label_of(RECORD_LABELS, object_type)


def audit_action_label(action: str) -> str:
    """ "document.download" -> "Document: downloaded"; "security.login" -> "Security: Login"."""
    record, _dot, verb = action.partition(".")
    if record == SECURITY:
        try:
            shown = str(EVENT_LABELS[SecurityEvent(verb)])
        except (KeyError, ValueError):
            return action
    elif record in RECORD_LABELS and verb in VERB_LABELS:
        shown = str(VERB_LABELS[verb])
    else:
        return action
    return f"{record_label(record)}: {shown}"


def register_labels(app: Flask) -> None:
    app.jinja_env.globals.update(
        status_label=lambda s: STATUS_LABELS.get(s, s),
        kind_label=lambda k: KIND_LABELS.get(k, k),
        role_label=lambda r: ROLE_LABELS.get(r, r),
        position_label=lambda p: POSITION_LABELS.get(p, p),
        body_label=lambda code: BODY_LABELS.get(code, code),
        language_label=language_label,
        body_abbreviation=body_abbreviation,
        language_abbreviation=language_abbreviation,
        record_label=record_label,
        audit_action_label=audit_action_label,
        cycle_rule_label=cycle_rule_label,
        severity_label=lambda severity: label_of(SEVERITY_LABELS, severity),
    )
