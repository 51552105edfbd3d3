"""Meetings, decisions, and who a token acts for.

Meetings through permissions.meetings (the Secretariat every meeting, a delegate
those their delegation is invited to), decisions through the register's rule
(outside the Secretariat, adopted decisions only): the pages' rules, as a
filter on the list and on the one object an address names (404 otherwise)."""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from secretariat_app.api.authentication import current_token, requires_scope
from secretariat_app.api.cursors import id_key, parse_id_key, parse_time_key, time_key
from secretariat_app.api.schemas.meetings import (
    DecisionDetail,
    DecisionOut,
    DecisionPage,
    MeetingDetail,
    MeetingOut,
    MeetingPage,
    PageQuery,
    TokenOwner,
)
from secretariat_app.api.v1 import bp
from secretariat_app.decisions.models import Decision
from secretariat_app.documents.services import archive
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from secretariat_app.permissions import Action, Audience, Load, access, decision_condition
from secretariat_app.permissions import documents as document_access
from secretariat_app.permissions.meetings import readable_meetings
from secretariat_app.permissions.tokens import Scope


def _meeting(meeting: Meeting) -> dict:
    return dict(id=meeting.id, body=meeting.body.code, number=meeting.number, title_en=meeting.title_en,
                title_ru=meeting.title_ru, starts_at=meeting.starts_at, ends_at=meeting.ends_at,
                timezone=meeting.timezone, city=meeting.city, city_ru=meeting.city_ru, format=meeting.format,
                status=meeting.status, registration_deadline=meeting.registration_deadline)


@bp.get("/meetings")
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(MeetingPage)
@bp.doc(summary="Meetings", operation_id="listMeetings", tags=["Meetings"])
@access(Audience.AUTHENTICATED)
@requires_scope(Scope.READ)
def meetings(query: PageQuery) -> MeetingPage:
    """The meetings the reader may see (a delegate: those their delegation is invited to), earliest first."""
    listed = readable_meetings(current_user, select(Meeting).options(selectinload(Meeting.body)))
    if listed is None:
        return MeetingPage(items=[], next_cursor=None)
    after = parse_time_key(query.cursor)
    if after is not None:
        at, meeting_id = after
        listed = listed.where(or_(Meeting.starts_at > at, and_(Meeting.starts_at == at, Meeting.id > meeting_id)))
    rows = list(db.session.scalars(listed.order_by(Meeting.starts_at, Meeting.id).limit(query.per_page + 1)))
    more, rows = len(rows) > query.per_page, rows[:query.per_page]
    return MeetingPage(items=[MeetingOut(**_meeting(m)) for m in rows],
                       next_cursor=time_key(rows[-1].starts_at, rows[-1].id) if more else None)


@bp.get("/meetings/<int:meeting_id>")
@bp.output(MeetingDetail)
@bp.doc(summary="A meeting", operation_id="getMeeting", tags=["Meetings"])
@access(Action.READ_MEETING, load=Load("meeting_id", "meeting", lambda id_: db.session.get(Meeting, id_)))
@requires_scope(Scope.READ)
def meeting(meeting: Meeting) -> MeetingDetail:
    """The meeting, and the ids of its documents the reader may read."""
    return meeting_detail(meeting)


def meeting_detail(meeting: Meeting) -> MeetingDetail:
    """The meeting, with the ids of its documents the reader may read."""
    documents = archive.meeting_documents(meeting.id, document_access.reader_for(current_user))
    return MeetingDetail(**_meeting(meeting), documents=[d.id for d in documents])


def _decision(decision: Decision) -> dict:
    return dict(id=decision.id, reference=decision.reference, body=decision.body.code, meeting_id=decision.meeting_id,
                procedure=decision.procedure, status=decision.status, title_en=decision.title_en,
                title_ru=decision.title_ru, adopted_on=decision.adopted_on)


@bp.get("/decisions")
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(DecisionPage)
@bp.doc(summary="Decisions", operation_id="listDecisions", tags=["Decisions"])
@access(Audience.AUTHENTICATED)
@requires_scope(Scope.READ)
def decisions(query: PageQuery) -> DecisionPage:
    """The decisions the reader may read (outside the Secretariat: adopted ones), in the order recorded."""
    listed = select(Decision).where(decision_condition(current_user)).options(selectinload(Decision.body))
    after = parse_id_key(query.cursor)
    if after is not None:
        listed = listed.where(Decision.id > after)
    rows = list(db.session.scalars(listed.order_by(Decision.id).limit(query.per_page + 1)))
    more, rows = len(rows) > query.per_page, rows[:query.per_page]
    return DecisionPage(items=[DecisionOut(**_decision(d)) for d in rows],
                        next_cursor=id_key(rows[-1].id) if more else None)


@bp.get("/decisions/<int:decision_id>")
@bp.output(DecisionDetail)
@bp.doc(summary="A decision", operation_id="getDecision", tags=["Decisions"])
@access(Action.READ_DECISION, load=Load("decision_id", "decision", lambda id_: db.session.get(Decision, id_)))
@requires_scope(Scope.READ)
def decision(decision: Decision) -> DecisionDetail:
    return DecisionDetail(**_decision(decision), text_en=decision.text_en, text_ru=decision.text_ru)


@bp.get("/me")
@bp.output(TokenOwner)
@bp.doc(summary="Who the token acts for", operation_id="getTokenOwner", tags=["Tokens"])
@access(Audience.AUTHENTICATED)
def me() -> TokenOwner:
    """The token's owner, their delegation, and the token's scopes and expiry."""
    token = current_token()
    if token is None:
        abort(401)
    return TokenOwner(user_id=current_user.id, name=current_user.name, email=current_user.email,
                      delegation_id=current_user.delegation_id,
                      delegation=current_user.delegation_name("en") or None,  # the reader's row: nothing loaded
                      scopes=sorted(token.scope_values), expires_at=token.expires_at)
