"""What a personal access token lets its holder do through the API.

A token never carries more than its owner's own rights: every API view checks
the same rules as the page that does the same thing (@access, permissions.*),
on the owner read afresh on every request. Its scopes only narrow that:

- read: what the owner may read (the inbox, documents and their files,
  meetings, decisions);
- acknowledge: acknowledging receipt on behalf of the owner's delegation;
- negotiate: a delegate's part in a negotiated text for their delegation
  (proposing amendments, supporting or objecting to proposals, stating a
  position on a paragraph); reading a negotiation needs `read`, the chair's
  decisions `officer`;
- register: registering and removing the owner's delegation's participants
  for the meetings it is invited to;
- report: a CBM coordinator's annual reports and activities;
- officer: the Secretariat's own work (meetings, documents, circulation).

A person may give a token only the scopes that their roles can use at all
(`grantable`): an officer scope for a delegate would be a promise the rules
then refuse on every call."""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from secretariat_app.accounts.models.people import Role
from secretariat_app.permissions.roles import is_delegate, is_secretariat


class Scope(enum.Enum):
    READ = "read"
    ACKNOWLEDGE = "acknowledge"
    NEGOTIATE = "negotiate"
    REGISTER = "register"
    REPORT = "report"
    OFFICER = "officer"

    @property
    def label(self) -> str:
        return str(SCOPE_LABELS[self])


SCOPE_LABELS = {
    Scope.READ: _l("read: the inbox, documents and their files, meetings, decisions"),
    Scope.ACKNOWLEDGE: _l("acknowledge: acknowledge receipt of documents for my delegation"),
    Scope.NEGOTIATE: _l("negotiate: propose amendments, support or object, and state positions for my delegation"),
    Scope.REGISTER: _l("register: register my delegation's participants for meetings"),
    Scope.REPORT: _l("report: my CBM areas' activities and annual reports"),
    Scope.OFFICER: _l("officer: the Secretariat's meetings, documents and circulation"),
}


def grantable(user) -> list[Scope]:
    """The scopes `user` may give a token of theirs: those their roles can use."""
    scopes = [Scope.READ]
    if is_delegate(user):
        scopes.append(Scope.ACKNOWLEDGE)
        scopes.append(Scope.NEGOTIATE)
        scopes.append(Scope.REGISTER)
        if user.has_role(Role.COORDINATOR):
            scopes.append(Scope.REPORT)
    if is_secretariat(user):
        scopes.append(Scope.OFFICER)
    return scopes


def token_allows(scopes: frozenset[str], needed: Scope) -> bool:
    """Whether a token with `scopes` may be used for what needs `needed`."""
    return needed.value in scopes
