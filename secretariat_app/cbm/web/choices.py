"""What the select fields of the CBM forms offer, and how their values are read
back. A blank or unknown value reads as None, never as an error, so that the
services' rules say what is missing; the coercions are core.forms', shared
rather than copied."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectChoice

from secretariat_app.accounts.models.states import State
from secretariat_app.cbm.services.catalogue import appointing_decisions
from secretariat_app.core.forms import enum_or_none, optional_id
from secretariat_app.core.labels import STATUS_LABELS
from secretariat_app.core.localisation import by_name, local_date
from secretariat_app.decisions.models import Decision
from secretariat_app.documents.web.forms import enum_choices
from secretariat_app.extensions import db

BLANK = _l("— choose —")

__all__ = ["BLANK", "decision_choices", "decision_label", "enum_choices", "enum_or_none", "optional_id",
           "state_choices"]


def state_choices(language: str, day: date, blank=None) -> list[SelectChoice]:
    """Every state by its name in `language`, with its status on `day` when it is not a member; the
    services judge membership."""
    states = by_name(db.session.scalars(select(State)), language)
    choices = [SelectChoice("", blank)] if blank is not None else []
    for state in states:
        status = state.status_on(day)
        if state.is_member_on(day):
            suffix = ""
        else:  # the label outside the f-string, where the extraction of messages finds it
            label = STATUS_LABELS[status] if status is not None else _l("no status")
            suffix = f" ({label})"
        choices.append(SelectChoice(str(state.id), f"{state.name(language)}{suffix}"))
    return choices


def decision_label(decision: Decision, language: str) -> str:
    adopted = local_date(decision.adopted_on)
    return f"{decision.reference} · {adopted} · {decision.title(language)}"


def decision_choices(language: str) -> list[SelectChoice]:
    """The adopted SOC decisions, the newest first."""
    return [SelectChoice("", BLANK), *(SelectChoice(str(d.id), decision_label(d, language))
                                       for d in db.session.scalars(appointing_decisions()))]
