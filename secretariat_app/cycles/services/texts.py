"""The cycle findings and the timeline in the reader's language: the domain
keeps a finding as a code and parameters (domain/cycles_text.py); this module
gives it the page's (or the mail's) catalogue, language and the states' names
in that language."""
from __future__ import annotations

from typing import Any, Protocol

from flask import g
from flask_babel import gettext
from sqlalchemy import select

from secretariat_app.accounts.models.states import State
from secretariat_app.core.localisation import current_language
from secretariat_app.domain import cycles_model, cycles_text
from secretariat_app.extensions import db


class HasFindingText(Protocol):
    @property
    def code(self) -> str | None: ...  # None on a row stored before findings had codes

    @property
    def params(self) -> Any: ...

    @property
    def message(self) -> str: ...


def state_names(language: str) -> dict[str, str]:
    """English name -> the name in `language`, for the states the history names
    by their English names; looked up once per request (or task) and language."""
    cache: dict[str, dict[str, str]] = g.setdefault("state_names_by_language", {})
    if language not in cache:
        cache[language] = {state.name_en: state.name(language) for state in db.session.scalars(select(State))}
    return cache[language]


def reader_words() -> cycles_text.Words:
    language = current_language()
    names = state_names(language)
    return cycles_text.Words(gettext, language, lambda name: names.get(name, name))


def finding_text(finding: HasFindingText, words: cycles_text.Words | None = None) -> str:
    """A finding (of a check just run, or stored) in the reader's language; a
    row stored before findings had codes keeps its English message."""
    if not finding.code or finding.params is None:
        return finding.message
    return cycles_text.finding_text(finding.code, finding.params, words or reader_words())


def justification_text(finding: cycles_model.Finding, words: cycles_text.Words | None = None) -> str:
    """The decision behind a departure, in the reader's language: the meeting it
    was taken at ("the 4th MFA (Astana, September 2012)"), else its reference; "—" for none."""
    decision = finding.params.get("decision") if finding.params else None
    if decision:
        return cycles_text.decision_text(decision, words or reader_words())
    return finding.justified_by or "—"
