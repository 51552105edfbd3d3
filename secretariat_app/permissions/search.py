"""What the search box may show a reader, kind by kind: each kind's answer is
the rule its own pages use, as a SQL condition on the rows of that kind, so
a result (and the passage marked in it) is never something the reader could
not open.

- documents: permissions.documents.readable (the inbox's and the download's
  rule), with the reader's ids bound (readable_bound);
- decisions: the register's statuses (READ_DECISION's decision_statuses);
- CBM annual reports: the reader's ReportRule (READ_CBM_REPORT's, as
  permissions.cbm.report_condition writes it);
- meetings: the Secretariat opens their pages; a delegate sees every meeting's
  title in the inbox's meeting filter, and a hit takes them there.

The last three are taken as data (BesideRules), so that the search builds its
statement once per different answer and reuses it."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, true
from sqlalchemy.sql.elements import ColumnElement

from secretariat_app.cbm.models import CbmAnnualReport
from secretariat_app.decisions.models import Decision, DecisionStatus
from secretariat_app.documents.models import Document
from secretariat_app.domain.cbm_visibility import ReportRule
from secretariat_app.permissions import decision_statuses, decision_statuses_condition, is_delegate, is_secretariat
from secretariat_app.permissions.cbm import reader_scope, rule_condition
from secretariat_app.permissions.documents import Reader, readable_bound


def documents_clause(reader: Reader, document=Document) -> ColumnElement[bool]:
    """The documents a reader of this kind may read, the reader's ids bound
    (permissions.documents.readable_bound: execute with reader_params)."""
    return readable_bound(reader, document)


@dataclass(frozen=True)
class BesideRules:
    """What a reader may see of the meetings, decisions and CBM reports, as data
    (a statement is built once per different answer, search.services.find_beside)."""

    meetings: bool
    decisions: frozenset[DecisionStatus]
    reports: ReportRule


def beside_rules(user) -> BesideRules:
    return BesideRules(is_secretariat(user) or is_delegate(user), decision_statuses(user),
                       reader_scope(user).report_rule())


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
