"""The mail of the negotiation's notices (registered in `negotiations/notice_kinds.py`), in
the recipient's language: the chair's decision on their delegation's proposal, with the
reason; the reminder of the deadline for proposals. Rendering writes nothing."""
from __future__ import annotations

from flask_babel import gettext as _

from secretariat_app.accounts.models.people import User
from secretariat_app.negotiations.models import NegotiatedText, TextProposal, TextStatus
from secretariat_app.negotiations.services.notices import deadline_of_reminder
from secretariat_app.negotiations.services.texts import compiled
from secretariat_app.notices.models import Notification
from secretariat_app.notices.services.rendering import (
    NotDeliverable,
    Notice,
    language_of,
    public_url,
    render_pair,
    subject_of,
)

DECIDED, DEADLINE = "negotiation_proposal_decided", "negotiation_deadline"


def _status_words() -> dict[str, str]:
    return {"accepted": _("accepted"), "dropped": _("dropped"), "merged": _("merged"), "lapsed": _("lapsed")}


def proposal_decided(notification: Notification, user: User) -> Notice:
    proposal: TextProposal = subject_of(notification)
    language = language_of(user)
    text = proposal.text
    labels = {c.paragraph_id: c.label for c in compiled(text, language)}
    values = {
        "user": user, "symbol": text.document.symbol, "title": text.document.title(language),
        "label": labels.get(proposal.paragraph_id) or _("the deleted paragraph"),
        "outcome": _status_words().get(proposal.status.value, proposal.status.value),
        "reason": proposal.closed_by.reason if proposal.closed_by else "",
        "link": public_url("negotiations.detail", text_id=text.id) + f"#p{proposal.paragraph_id}",
    }
    title = _("CICA: your delegation's proposal on %(label)s of %(symbol)s: %(outcome)s", **values)
    return Notice(title, *render_pair(DECIDED, subject=title, **values))


def deadline_reminder(notification: Notification, user: User) -> Notice:
    text: NegotiatedText = subject_of(notification)
    if text.status != TextStatus.NEGOTIATING:
        raise NotDeliverable(f"the negotiated_text {text.id} has been submitted for adoption")
    if text.deadline != deadline_of_reminder(notification.due_at):
        raise NotDeliverable(f"the deadline of the negotiated_text {text.id} has moved")
    language = language_of(user)
    values = {"user": user, "symbol": text.document.symbol, "title": text.document.title(language),
              "deadline": text.deadline.isoformat(), "link": public_url("negotiations.detail", text_id=text.id)}
    title = _("CICA: proposals on %(symbol)s are taken until the end of %(deadline)s", **values)
    return Notice(title, *render_pair(DEADLINE, subject=title, **values))
