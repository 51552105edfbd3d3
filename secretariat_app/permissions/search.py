"""What the search box may show a reader, kind by kind: each kind's answer is
the rule its own pages use, as a SQL condition on the rows of that kind, so
a result (and the passage marked in it) is never something the reader could
not open.

- documents: permissions.documents.readable (the inbox's and the download's rule);
- decisions: decision_condition (the register's rule, READ_DECISION);
- CBM annual reports: permissions.cbm.report_condition (READ_CBM_REPORT);
- meetings: the Secretariat opens their pages; a delegate sees every meeting's
  title in the inbox's meeting filter, and a hit takes them there."""
from __future__ import annotations

from sqlalchemy import false, true
from sqlalchemy.sql.elements import ColumnElement

from secretariat_app.cbm.models import CbmAnnualReport
from secretariat_app.decisions.models import Decision
from secretariat_app.documents.models import Document
from secretariat_app.permissions import decision_condition, is_delegate, is_secretariat
from secretariat_app.permissions.cbm import reader_scope, report_condition
from secretariat_app.permissions.documents import Reader, readable_bound


def documents_clause(reader: Reader, document=Document) -> ColumnElement[bool]:
    """The documents a reader of this kind may read, the reader's ids bound
    (permissions.documents.readable_bound: execute with reader_params)."""
    return readable_bound(reader, document)


def decisions_clause(user, decision=Decision) -> ColumnElement[bool]:
    return decision_condition(user, decision.status)


def reports_clause(user, report=CbmAnnualReport) -> ColumnElement[bool]:
    condition = report_condition(reader_scope(user), report.area_id, report.status)
    return true() if condition is None else condition


def meetings_clause(user) -> ColumnElement[bool]:
    return true() if is_secretariat(user) or is_delegate(user) else false()


def meeting_pages(user) -> bool:
    """Whether a meeting hit links to the meeting's page (else to the inbox filtered by it)."""
    return is_secretariat(user)
