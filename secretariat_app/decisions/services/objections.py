"""A member delegation breaks silence itself, on the decision's page: its written
objection (a text, a file, or both) is lodged at the moment the form is sent, and
counts on that day in the forum's time zone. Until 24:00 forum time on the deadline
day it is recorded and stops the procedure (as an objection an officer records,
services.decisions.record_objection); after that it is refused, and the refusal
gives the deadline in the forum's time and the reader's.

A file goes through the documents' checks (FileStore.save: size limit, type by
content, the name agreeing with it), stored once under its SHA-256; the name given
is only shown."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from flask import current_app

from secretariat_app.accounts.models.people import User
from secretariat_app.audit import services as audit
from secretariat_app.core.columns import utcnow
from secretariat_app.core.forum_time import forum_zone
from secretariat_app.core.localisation import reader_language
from secretariat_app.core.storage import FileStore, RefusedFile, file_store
from secretariat_app.decisions.models import Decision, SilenceObjection
from secretariat_app.decisions.services.deadline_text import deadline_text
from secretariat_app.decisions.services.decisions import DECISION_FIELDS, OBJECTION_FIELDS, apply_outcome
from secretariat_app.documents.services.versions import _store_row, file_refusal
from secretariat_app.domain import silence
from secretariat_app.domain.cbm_reports import display_filename
from secretariat_app.domain.silence_clock import forum_day
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db


@dataclass
class BreakSilenceData:
    text: str
    stream: BinaryIO | None = None
    filename: str | None = None


def _refuse(violations: list[Violation]) -> None:
    db.session.rollback()
    raise RuleViolations(violations)


def _late(decision: Decision, reader: User) -> Violation:
    assert decision.silence_deadline is not None  # circulated
    return Violation("deadline", N_("Silence could be broken until %(end)s. That time has passed: the objection "
                                    "was not recorded."),
                     {"end": deadline_text(decision.silence_deadline, reader.timezone, reader_language())})


def break_silence(actor: User, decision: Decision, data: BreakSilenceData, now: datetime | None = None,
                  store: FileStore | None = None, max_size: int | None = None) -> SilenceObjection:
    """Record the written objection of `actor`'s delegation, lodged now, and commit. Refused
    (RuleViolations, nothing written) after the deadline day, when the delegation is not a
    member's on the day, has objected already, or sends neither a text nor an acceptable file."""
    now = now or utcnow()
    lodged_on = forum_day(now, forum_zone())
    db.session.refresh(decision, with_for_update=True)  # one writer at a time (PostgreSQL)
    delegation = actor.delegation
    assert delegation is not None  # permissions.decisions.may_break_silence: a delegate
    if decision.silence_deadline is not None and lodged_on > decision.silence_deadline:
        _refuse([_late(decision, actor)])  # the one thing to say, whatever the status has become since
    violations = silence.check_objection(silence.ObjectionFacts(
        status=decision.status.value, circulated_on=decision.silence_circulated_on,
        deadline=decision.silence_deadline, lodged_on=lodged_on, today=lodged_on,
        delegation_name=delegation.name(reader_language()), is_member=delegation.is_member_on(lodged_on),
        already_objected=any(o.delegation_id == delegation.id for o in decision.objections),
        text=data.text or "", has_file=data.stream is not None, file_allowed=True,
    ))
    if violations:
        _refuse(violations)
    objection = SilenceObjection(delegation_id=delegation.id, lodged_on=lodged_on, lodged_at=now,
                                 text=(data.text or "").strip(), recorded_by_id=actor.id, recorded_at=now)
    if data.stream is not None:
        try:
            stored = (store or file_store()).save(data.stream, max_size or current_app.config["MAX_UPLOAD_SIZE"],
                                                  data.filename)
        except RefusedFile as refused:
            _refuse([file_refusal(refused, empty=N_("The file is empty."))])
            raise  # unreachable: _refuse raises
        (store or file_store()).path_for(stored.sha256).touch()  # the sweeper's grace period covers it
        _store_row(stored)
        objection.file_sha256, objection.file_size = stored.sha256, stored.size
        objection.filename = display_filename(data.filename, stored.type.extension)
    with audit.tracking_changes(actor, "decision.silence_broken", "decision", decision, DECISION_FIELDS):
        decision.objections.append(objection)
        apply_outcome(decision, lodged_on)
    audit.record(actor, "silence_objection.create", "silence_objection", objection.id, None,
                 audit.snapshot(objection, (*OBJECTION_FIELDS, "filename", "file_sha256")))
    db.session.commit()
    return objection
