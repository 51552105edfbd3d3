"""Meeting kits for anyone who may read a document of the meeting (404 for the
others, as if it did not exist): the page that offers a kit per language, asking
a worker to prepare it (the request never waits for the build), and the
download of the ready ZIP, audited as a download of every document in it."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from secretariat_app.core.tasks import unsent
from secretariat_app.documents.kits import services as kits
from secretariat_app.documents.web import bp
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from secretariat_app.permissions import Audience, access


def _meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not kits.may_see_meeting_kits(current_user, meeting_id):
        abort(404)
    return meeting


def _language(value: str | None) -> str:
    language = value or "both"
    if language not in kits.LANGUAGES:
        abort(400, description=_("Choose English, Russian or both."))
    return language


@bp.route("/meetings/<int:meeting_id>/kit")
@access(Audience.AUTHENTICATED)
def meeting_kit(meeting_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id)
    offer = kits.offer(current_user, meeting, _language(request.args.get("language")))
    return render_template("documents/kit.html", offer=offer, languages=list(kits.LANGUAGES))


@bp.route("/meetings/<int:meeting_id>/kit", methods=["POST"])
@access(Audience.AUTHENTICATED)
def meeting_kit_prepare(meeting_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id)
    language = _language(request.form.get("language"))
    offer = kits.prepare(current_user, meeting, language)
    if offer.state == "empty":
        flash(_("There is no document in this language to put in the kit."), "info")
    elif unsent():
        flash(_("The kit could not be handed to the worker just now. Please try again in a minute."), "error")
    elif offer.state == "ready":
        flash(_("The kit is ready to download."), "success")
    else:
        flash(_("The kit is being prepared. This page shows the download when it is ready."), "info")
    return redirect(url_for("documents.meeting_kit", meeting_id=meeting.id, language=language))


@bp.route("/meetings/<int:meeting_id>/kit/<language>.zip")
@access(Audience.AUTHENTICATED)
def meeting_kit_download(meeting_id: int, language: str) -> ResponseReturnValue:
    meeting = _meeting(meeting_id)
    opened = kits.open_kit(current_user, meeting, _language(language))
    if opened is None:
        flash(_("This kit is not ready, or the documents you may read have changed since it was prepared: "
                "prepare it again."), "error")
        return redirect(url_for("documents.meeting_kit", meeting_id=meeting.id, language=language))
    offer, path = opened
    response = send_file(path, mimetype="application/zip", as_attachment=True, conditional=True,
                         download_name=f"CICA-meeting-{meeting.id}-{language}.zip", etag=offer.digest, max_age=None)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
