"""The silence procedure as a member delegation lives it: breaking silence with a
written objection (its text and/or a file), and reading an objection's file.
Who may is permissions.decisions (BREAK_SILENCE, READ_SILENCE_OBJECTION); a draft
the reader may not see answers 404, as if it did not exist."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from secretariat_app.core.forms import show_violations
from secretariat_app.core.forum_time import forum_today
from secretariat_app.core.localisation import current_language
from secretariat_app.core.storage import file_store
from secretariat_app.decisions.models import Decision, SilenceObjection
from secretariat_app.decisions.services.objections import BreakSilenceData, break_silence
from secretariat_app.decisions.services.silence_story import silence_view
from secretariat_app.decisions.web import bp
from secretariat_app.decisions.web.forms import BreakSilenceForm
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.permissions import Action, Load, access

DECISION = Load("decision_id", "decision", lambda id_: db.session.get(Decision, id_), see=Action.READ_DECISION)
OBJECTION = Load("objection_id", "objection", lambda id_: db.session.get(SilenceObjection, id_))


def reader_zone() -> str:
    """The page's time zone (the profile's, or the forum's for a reader without one)."""
    return str(get_timezone() or "")


@bp.route("/<int:decision_id>/break-silence", methods=["GET", "POST"])
@access(Action.BREAK_SILENCE, load=DECISION)
def break_silence_form(decision: Decision) -> ResponseReturnValue:
    """The member delegation's written objection; after the deadline the page says when silence ended."""
    view = silence_view(decision, current_user, reader_zone(), current_language(), forum_today())
    assert view is not None  # BREAK_SILENCE: circulated
    form = BreakSilenceForm()
    if form.validate_on_submit():
        upload = form.file.data
        named = upload is not None and bool(getattr(upload, "filename", None))
        data = BreakSilenceData(text=form.text.data or "", stream=upload.stream if named else None,
                                filename=upload.filename if named else None)
        try:
            break_silence(current_user, decision, data)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("Your delegation's objection has been recorded: the silence on %(ref)s is broken.",
                    ref=decision.reference), "success")
            return redirect(url_for("decisions.detail", decision_id=decision.id))
    return render_template("decisions/break_silence.html", form=form, decision=decision, view=view)


@bp.route("/objections/<int:objection_id>/file")
@access(Action.READ_SILENCE_OBJECTION, load=OBJECTION)
def objection_file(objection: SilenceObjection) -> ResponseReturnValue:
    """The file of a written objection, to whoever may read it (checked on every request)."""
    if objection.file_sha256 is None or objection.filename is None:
        abort(404)
    path = file_store().path_for(objection.file_sha256)
    if not path.is_file():
        current_app.logger.error("stored file %s of silence objection %s is missing", objection.file_sha256,
                                 objection.id)
        abort(404)
    content_type = objection.file.content_type if objection.file else "application/octet-stream"
    response = send_file(path, mimetype=content_type, as_attachment=True, download_name=objection.filename,
                         conditional=True, etag=objection.file_sha256, max_age=None)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
