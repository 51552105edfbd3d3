"""Who may open a negotiation, take part in it, and see others' positions by name.

- The Secretariat opens and runs every negotiation (compiles, records the chair's
  decisions, translates, submits for adoption).
- A delegate opens a negotiation only when their delegation's state is a member on
  the forum's today and they may read the negotiated document or one of its
  revisions (permissions.documents: it was circulated to their delegation).
  Observers take no part: they read the revisions in their inbox when circulated
  to them, never the negotiation's page.
- Taking part (propose, support, object, withdraw, state a position) is for such a
  delegate while the text is under negotiation; the deadline and the finer rules
  are domain.negotiation_rules', checked again by each service.
- Others' positions: names to the Secretariat; to delegates by name only when the
  negotiation's setting says so, otherwise as counts.
"""
from __future__ import annotations

from collections.abc import Callable

from secretariat_app.core.forum_time import forum_today
from secretariat_app.negotiations.models import NegotiatedText, TextStatus
from secretariat_app.permissions.actions import Action
from secretariat_app.permissions.roles import is_delegate, is_secretariat


def _member_delegate(user) -> bool:
    return is_delegate(user) and user.delegation is not None and user.delegation.is_member_on(forum_today())


def may_read_negotiation(user, text: NegotiatedText) -> bool:
    if is_secretariat(user):
        return True
    if not _member_delegate(user):
        return False
    # Imported here: permissions.documents imports the package this module is part of.
    from secretariat_app.permissions.documents import may_read_document

    document_ids = [text.document_id] + [r.document_id for r in text.revisions]
    return any(may_read_document(user, document_id) for document_id in dict.fromkeys(document_ids))


def may_take_part(user, text: NegotiatedText) -> bool:
    return (not is_secretariat(user) and text.status == TextStatus.NEGOTIATING
            and may_read_negotiation(user, text))


def may_see_position_names(user, text: NegotiatedText) -> bool:
    return is_secretariat(user) or (text.positions_by_name and may_read_negotiation(user, text))


RULES: dict[Action, Callable[[object, object], bool]] = {
    Action.MANAGE_NEGOTIATIONS: lambda user, obj: is_secretariat(user),
    Action.READ_NEGOTIATION: may_read_negotiation,  # type: ignore[dict-item]
    Action.TAKE_PART_IN_NEGOTIATION: may_take_part,  # type: ignore[dict-item]
    Action.SEE_POSITION_NAMES: may_see_position_names,  # type: ignore[dict-item]
}
