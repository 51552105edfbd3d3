"""What the search box may show a reader, kind by kind: each kind's answer is
the rule its own pages use, as a SQL condition on the rows of that kind, so
a result (and the passage marked in it) is never something the reader could
not open.

- documents: permissions.documents.readable (the inbox's and the download's
  rule), with the reader's ids bound (readable_bound); for a reader who reads
  only what reached them, the search walks each way it reached them (`walks`:
  the delegation's circulations, the reader's names) and keeps a document
  found by a way only where that way opens its level and the reader reads its
  status (`walk_clause`: readable() in the pieces the inbox walks with);
- decisions: the register's statuses (READ_DECISION's decision_statuses);
- CBM annual reports: the reader's ReportRule (READ_CBM_REPORT's, as
  permissions.cbm.report_condition writes it);
- meetings: the Secretariat opens their pages; a delegate sees every meeting's
  title in the inbox's meeting filter, and a hit takes them there.

The last three are taken as data (BesideRules), so that the search builds its
statement once per different answer and reuses it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, false, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from secretariat_app.cbm.models import CbmAnnualReport
from secretariat_app.decisions.models import Decision, DecisionStatus
from secretariat_app.documents.models import Circulation, Document, NamedRecipient
from secretariat_app.domain import visibility
from secretariat_app.domain.cbm_visibility import ReportRule
from secretariat_app.permissions import decision_statuses, decision_statuses_condition, is_delegate, is_secretariat
from secretariat_app.permissions.cbm import reader_scope, rule_condition
from secretariat_app.permissions.documents import (
    READER_DELEGATION,
    READER_USER,
    Reader,
    level_clause,
    readable_bound,
    status_clause,
)


def documents_clause(reader: Reader, document=Document) -> ColumnElement[bool]:
    """The documents a reader of this kind may read, the reader's ids bound
    (permissions.documents.readable_bound: execute with reader_params)."""
    return readable_bound(reader, document)


# The ways of reaching a reader that `walks` walks, each along its own index
# (the delegation's circulations by time, the reader's names by time). If the rule
# (domain.visibility.READING) gains another way, the search would miss what it
# opens: refuse to load instead.
_WALKED = (visibility.DELEGATION, visibility.NAMED)
if set(visibility.READING[visibility.RECIPIENT].ways) - set(_WALKED):
    raise RuntimeError(f"the search walks {_WALKED}, but domain.visibility lets a recipient read by "
                       f"{visibility.READING[visibility.RECIPIENT].ways}: teach permissions.search.walks the new way")


@dataclass(frozen=True)
class Walk:
    """One way documents reach a reader, as rows to walk newest first: `source`
    (circulation or named_recipient) where `reached` holds, each naming a
    document (`document_id`) that reached the reader at `at`."""

    way: str
    source: Any
    document_id: Any
    at: Any
    reached: ColumnElement[bool]


def walks(reader: Reader) -> list[Walk] | None:
    """The ways documents reach `reader`, the reader's ids bound (READER_USER,
    READER_DELEGATION; execute with permissions.documents.reader_params): the
    circulations to their delegation and the documents naming them. None for a
    reader who reads documents however they were circulated (the Secretariat),
    whose search walks the documents themselves."""
    if visibility.ALWAYS in reader.rule.ways:
        return None
    found = []
    for way in reader.rule.ways:
        if way == visibility.DELEGATION and reader.delegation_id is not None:
            c = aliased(Circulation, name="c")  # not the table readable()'s EXISTS reads
            found.append(Walk(way, c, c.document_id, c.circulated_at, c.delegation_id == READER_DELEGATION))
        elif way == visibility.NAMED:
            n = aliased(NamedRecipient, name="n")
            found.append(Walk(way, n, n.document_id, n.added_at, n.user_id == READER_USER))
    return found


def walk_clause(reader: Reader, walk: Walk, document=Document) -> ColumnElement[bool]:
    """A row of `walk` joined to its document (document.id == walk.document_id) is
    a document the reader may read: readable() in the pieces the inbox walks with,
    the statuses the reader reads and the levels this way opens (READING), the
    walk itself being the reaching (the delegation's circulation, the reader's
    name). A document comes by the one way that opens its level, so once."""
    return and_(status_clause(reader.kind, document.status), level_clause(reader.kind, walk.way, document.level))


@dataclass(frozen=True)
class BesideRules:
    """What a reader may see of the meetings, decisions and CBM reports, as data
    (a statement is built once per different answer, search.services.find_beside)."""

    meetings: bool
    decisions: frozenset[DecisionStatus]
    reports: ReportRule


def beside_rules(user) -> BesideRules:
    """The reader's rules for the meetings, decisions and reports; the delegation's
    membership (the report rule's) as kept in the process under the cache
    generation (permissions.cbm.reader_scope): no statement of its own."""
    return BesideRules(is_secretariat(user) or is_delegate(user), decision_statuses(user),
                       reader_scope(user, kept=True).report_rule())


def meetings_clause(rules: BesideRules) -> ColumnElement[bool]:
    """The Secretariat opens meetings' pages; a delegate sees every meeting's title in the inbox's filter."""
    return true() if rules.meetings else false()


def decisions_clause(rules: BesideRules, decision=Decision) -> ColumnElement[bool]:
    return decision_statuses_condition(rules.decisions, decision.status)


def reports_clause(rules: BesideRules, report=CbmAnnualReport) -> ColumnElement[bool]:
    condition = rule_condition(rules.reports, report.area_id, report.status)
    return true() if condition is None else condition


def meeting_pages(user) -> bool:
    """Whether a meeting hit links to the meeting's page (else to the inbox filtered by it)."""
    return is_secretariat(user)
