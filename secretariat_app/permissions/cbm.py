"""Who may read and do what in the confidence building measures.

Coordinators act for an area only while (a) they hold the coordinator role,
(b) the Secretariat assigned them to the area, and (c) their delegation's
state coordinates or co-coordinates the area that day.

Who may read an annual report is defined once, by the reader's ReaderScope
(domain.cbm_visibility): its ReportRule answers "may this reader read this
report" in Python (may_read_report, the report page, attachments, notices)
and, through report_condition, "which reports may this reader read" as SQL
(the overview, the exports); a test proves the two answers agree. Papers have
one rule too (ReaderScope.reads_paper)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import current_app, has_app_context
from sqlalchemy import false, or_, select
from sqlalchemy.sql.elements import ColumnElement

from secretariat_app.accounts.models.people import Delegation, Role
from secretariat_app.accounts.models.states import Membership, MembershipStatus
from secretariat_app.cbm.models import (
    CbmActivity,
    CbmActivityReport,
    CbmAnnualReport,
    CbmArea,
    CbmAttachment,
    CbmCoordinator,
    CbmCoordinatorUser,
    CbmPaper,
    ReportStatus,
)
from secretariat_app.core import cache_generation
from secretariat_app.core.forum_time import forum_today
from secretariat_app.domain.cbm_visibility import ReaderScope, ReportRule
from secretariat_app.extensions import db
from secretariat_app.permissions.actions import Action
from secretariat_app.permissions.roles import is_authenticated, is_delegate, is_secretariat

# Who the reader is ---------------------------------------------------------------------------


def coordinated_area_ids(user, day: date | None = None) -> frozenset[int]:
    """The areas `user` may act for as coordinator on `day` (today by default)."""
    if not is_authenticated(user) or not user.has_role(Role.COORDINATOR):
        return frozenset()
    if user.delegation_id is None:
        return frozenset()
    day = day or forum_today()
    rows = db.session.scalars(
        select(CbmCoordinatorUser.area_id)
        .join(CbmCoordinator, CbmCoordinator.area_id == CbmCoordinatorUser.area_id)
        .join(Delegation, Delegation.state_id == CbmCoordinator.state_id)
        .where(
            CbmCoordinatorUser.user_id == user.id,
            Delegation.id == user.delegation_id,
            CbmCoordinator.term_start <= day,
            or_(CbmCoordinator.term_end.is_(None), CbmCoordinator.term_end >= day),
        )
    )
    return frozenset(rows)


def is_coordinator_of(user, area_id: int) -> bool:
    return area_id in coordinated_area_ids(user)


def delegation_status(user, day: date | None = None) -> MembershipStatus | None:
    """The membership status on `day` (today by default) of the state whose delegation `user` belongs to."""
    if not is_delegate(user) or user.delegation is None:
        return None
    return user.delegation.status_on(day or forum_today())


# The states' status on a day, kept per process under the cache generation
# (core/cache_generation.py): every change to a membership draws a new one, so a
# status kept is the one the database holds, in this process and every other.
_STATUS_KEY = "cbm_state_status"
_STATUS_KEPT = 10_000  # (delegation, day) pairs kept at most under one generation
cache_generation.watch(Membership, Delegation)  # a delegation's state is part of the key's meaning


def _status_and_membership(user, day: date) -> tuple[MembershipStatus | None, bool]:
    """delegation_status and whether that status is membership (Delegation.is_member_on)."""
    status = delegation_status(user, day)
    return status, status is not None and user.delegation.is_member_on(day)


def _kept_status_and_membership(user, day: date) -> tuple[MembershipStatus | None, bool]:
    """_status_and_membership, read from the database (the state's memberships: one
    statement) only once per state and day in a process until a membership changes."""
    if not is_delegate(user) or user.delegation_id is None:
        return None, False
    generation, changing = cache_generation.current(), cache_generation.uncommitted_changes()
    kept: tuple[int | None, dict[tuple[int, date], tuple[MembershipStatus | None, bool]]] | None = \
        current_app.extensions.get(_STATUS_KEY)
    if kept is None or kept[0] != generation or len(kept[1]) >= _STATUS_KEPT:
        kept = (generation, {})
    key = (user.delegation_id, day)  # the reader's own column: the delegation is loaded only to compute
    if key in kept[1] and not changing:
        return kept[1][key]
    found = _status_and_membership(user, day)
    if not changing:
        kept[1][key] = found
        current_app.extensions[_STATUS_KEY] = kept
    return found


def reader_scope(user, day: date | None = None, *, kept: bool = False) -> ReaderScope:
    """What `user` may learn of the CBM implementation on `day` (today by default).
    `kept`: the delegation's membership status as kept in this process
    (_kept_status_and_membership: no statement, unless a membership changed)."""
    day = day or forum_today()
    secretariat = is_secretariat(user)
    status, member = (_kept_status_and_membership if kept and has_app_context()
                      else _status_and_membership)(user, day)
    return ReaderScope(
        secretariat=secretariat,
        member=member,
        coordinated_area_ids=coordinated_area_ids(user, day),
        outsider=not secretariat and status is None,
    )


# The objects: what each belongs to ------------------------------------------------------------


def report_of(obj) -> CbmAnnualReport:
    """The annual report `obj` is part of: a report, one activity's report in it, an attachment of that."""
    if isinstance(obj, CbmAttachment):
        obj = obj.activity_report
    if isinstance(obj, CbmActivityReport):
        obj = obj.annual_report
    if not isinstance(obj, CbmAnnualReport):
        raise TypeError(f"not part of an annual report: {obj!r}")
    return obj


def paper_of(obj) -> CbmPaper:
    """The paper `obj` is part of: a paper, or an activity of an action plan."""
    if isinstance(obj, CbmActivity):
        obj = obj.action_plan
    if not isinstance(obj, CbmPaper):
        raise TypeError(f"not part of a paper: {obj!r}")
    return obj


def area_id_of(obj) -> int:
    """The area `obj` belongs to: an area id, an area, a paper or an activity, a report or a part of one."""
    if isinstance(obj, int):
        return obj
    if isinstance(obj, CbmArea):
        return obj.id
    if isinstance(obj, CbmPaper | CbmActivity):
        return paper_of(obj).area_id
    return report_of(obj).area_id


# Reading reports: one rule, in Python and in SQL ------------------------------------------------


def may_read_report(user, obj) -> bool:
    """Whether `user` may read the annual report `obj` is part of (its details, attachments)."""
    report = report_of(obj)
    return reader_scope(user).report_rule().admits(report.area_id, report.status)


def report_condition(scope: ReaderScope, area_id, status) -> ColumnElement[bool] | None:
    """The same ReportRule as SQL, on the columns of a report's area and its status (the report's own
    columns, never NULL): which reports this reader may read. None: every report (no restriction)."""
    return rule_condition(scope.report_rule(), area_id, status)


def rule_condition(rule: ReportRule, area_id, status) -> ColumnElement[bool] | None:
    """report_condition from the rule itself (data: a statement can be built once per rule)."""
    if rule.all_areas:
        return None
    clauses = []
    if rule.statuses:
        clauses.append(status.in_([ReportStatus(value) for value in rule.statuses]))
    if rule.area_ids:
        clauses.append(area_id.in_(sorted(rule.area_ids)))
    if not clauses:
        return false()
    return clauses[0] if len(clauses) == 1 else or_(*clauses)


def readable_statuses(scope: ReaderScope) -> tuple[ReportStatus, ...]:
    """The statuses of the reports whose details the reader may read outside the areas they coordinate."""
    return tuple(ReportStatus(value) for value in scope.report_rule().statuses)


# Papers ------------------------------------------------------------------------------------


def may_read_paper(user, obj) -> bool:
    paper = paper_of(obj)
    return reader_scope(user).reads_paper(paper.area_id, paper.status)


def may_comment_paper(user, obj) -> bool:
    return reader_scope(user).comments_on_paper(paper_of(obj).status)


RULES: dict[Action, Callable[[object, object], bool]] = {
    # catalogue, appointments, SWG review, SOC approval, due dates, reopening, publishing
    Action.MANAGE_CBM: lambda user, obj: is_secretariat(user),
    # draft papers, plan activities, write and submit reports of one area
    Action.COORDINATE_CBM_AREA: lambda user, obj: is_secretariat(user) or is_coordinator_of(user, area_id_of(obj)),
    Action.READ_CBM_REPORT: may_read_report,
    Action.READ_CBM_PAPER: may_read_paper,
    Action.COMMENT_CBM_PAPER: may_comment_paper,
    # the overview, the catalogue and exports of what the reader may see
    Action.READ_CBM_OVERVIEW: lambda user, obj: is_secretariat(user) or delegation_status(user) is not None,
}
