"""Officer pages of the clearing house: the archive, a document with its
lineage and language versions, creating and editing drafts, later versions,
deleting a draft (never a circulated document: 409), and the documents of a
meeting. Uploads, circulation, derestriction, withdrawal and the
acknowledgements are in routes_actions."""
from __future__ import annotations

from typing import NoReturn

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from secretariat_app.core.confirm import confirmation_page, confirmed
from secretariat_app.core.forms import show_violations
from secretariat_app.core.labels import language_label
from secretariat_app.core.localisation import current_language
from secretariat_app.core.read_limits import search_limit
from secretariat_app.documents.models import (
    Acknowledgement,
    Circulation,
    Document,
    DocumentStatus,
    NamedRecipient,
    VersionKind,
)
from secretariat_app.documents.services import archive as archive_service
from secretariat_app.documents.services import documents as document_service
from secretariat_app.documents.services.versions import language_statuses
from secretariat_app.documents.text.extraction import statuses_of
from secretariat_app.documents.text.side_by_side import has_both
from secretariat_app.documents.web import bp
from secretariat_app.documents.web.forms import (
    DOCUMENT_STATUS_LABELS,
    DOCUMENT_TYPE_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    ORIGINATOR_LABELS,
    ArchiveFilterForm,
    DocumentForm,
    LaterVersionForm,
    document_initial,
)
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from secretariat_app.permissions import Audience, access
from secretariat_app.permissions import documents as document_access

PER_PAGE = 50


def download_url(version_id: int) -> str:
    return url_for("documents.download", version_id=version_id)


@bp.context_processor
def _labels() -> dict:
    return {
        "doc_type_label": lambda t: DOCUMENT_TYPE_LABELS.get(t, t),
        "originator_label": lambda o: ORIGINATOR_LABELS.get(o, o),
        "level_label": lambda lv: LEVEL_LABELS.get(lv, lv),
        "document_status_label": lambda s: DOCUMENT_STATUS_LABELS.get(s, s),
        "version_kind_label": lambda k: KIND_LABELS.get(k, k),
        "language_name": language_label,
        "download_url": download_url,
    }


def get_document(document_id: int) -> Document:
    return db.get_or_404(Document, document_id)


# Reading ------------------------------------------------------------------------------

@bp.route("/")
@access(Audience.SECRETARIAT)
@search_limit
def archive() -> ResponseReturnValue:
    """The full archive, with search by symbol and title words and filters, paged."""
    form = ArchiveFilterForm(request.args)
    form.fill_choices(current_language(), archive_service.archive_years())
    query = archive_service.archive_query(form.to_filter(), document_access.reader_for(current_user))
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("documents/archive.html", form=form, page=page, args=args)


@bp.route("/<int:document_id>")
@access(Audience.SECRETARIAT)
def detail(document_id: int) -> ResponseReturnValue:
    reader = document_access.reader_for(current_user)
    document = db.first_or_404(select(Document).where(Document.id == document_id, document_access.readable(reader)))
    base, later = archive_service.lineage(document)
    recipients = db.session.scalar(select(func.count(Circulation.id)).where(Circulation.document_id == document.id))
    named = db.session.scalars(select(NamedRecipient).where(NamedRecipient.document_id == document.id)).all()
    acknowledged = db.session.scalar(select(func.count(Acknowledgement.id))
                                     .where(Acknowledgement.document_id == document.id))
    languages = language_statuses(document)
    texts = statuses_of(s.current.file_sha256 for s in languages if s.current is not None)
    return render_template("documents/detail.html", document=document, base=base, later=later,
                           languages=languages, recipients=recipients, named=named,
                           acknowledged=acknowledged, texts=texts, side_by_side=has_both(document))


@bp.route("/meeting/<int:meeting_id>")
@access(Audience.SECRETARIAT)
def for_meeting(meeting_id: int) -> ResponseReturnValue:
    """The documents of a meeting in symbol order."""
    meeting = db.get_or_404(Meeting, meeting_id)
    documents = archive_service.meeting_documents(meeting.id, document_access.reader_for(current_user))
    return render_template("documents/for_meeting.html", meeting=meeting, documents=documents,
                           languages={d.id: language_statuses(d) for d in documents})


# Drafts ----------------------------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@access(Audience.SECRETARIAT)
def new() -> ResponseReturnValue:
    """A new draft; ?meeting=<id> proposes that meeting (and so its body)."""
    return _edit(None)


@bp.route("/<int:document_id>/edit", methods=["GET", "POST"])
@access(Audience.SECRETARIAT)
def edit(document_id: int) -> ResponseReturnValue:
    document = get_document(document_id)
    if document.status != DocumentStatus.DRAFT:
        abort(409, description=_("%(symbol)s has been circulated: its details stay as circulated. Issue a "
                                 "revision, a corrigendum or an addendum instead.", symbol=document.symbol))
    return _edit(document)


def _edit(document: Document | None) -> ResponseReturnValue:
    meeting = None
    if document is None and request.args.get("meeting", "").isdigit():
        meeting = db.session.get(Meeting, int(request.args["meeting"]))
    form = DocumentForm() if request.method == "POST" else DocumentForm(data=document_initial(document, meeting))
    form.fill_choices(current_language(), document)
    if form.validate_on_submit():
        try:
            if document is None:
                saved = document_service.create_document(current_user, form.to_data())
            else:
                saved = document_service.update_document(current_user, document, form.to_data())
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("Document %(symbol)s has been saved as a draft.", symbol=saved.symbol), "success")
            return redirect(url_for("documents.detail", document_id=saved.id))
    return render_template("documents/form.html", form=form, document=document)


@bp.route("/<int:document_id>/later/new", methods=["GET", "POST"])
@access(Audience.SECRETARIAT)
def new_version(document_id: int) -> ResponseReturnValue:
    """A draft revision, corrigendum or addendum of a document (of its base, for a later version)."""
    document = get_document(document_id)
    base = document.base or document
    form = LaterVersionForm() if request.method == "POST" else LaterVersionForm(
        data={"kind": VersionKind.REV, "level": base.level})
    form.fill_choices()
    if form.validate_on_submit():
        try:
            later = document_service.create_later_version(current_user, base, form.to_data())
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("Draft %(symbol)s has been created: upload its files, then circulate it.", symbol=later.symbol),
                  "success")
            return redirect(url_for("documents.detail", document_id=later.id))
    next_numbers = {kind: document_service.next_number(base, kind) for kind in VersionKind}
    return render_template("documents/later_version.html", form=form, base=base, next_numbers=next_numbers)


def _never_deleted(symbol: str) -> NoReturn:
    abort(409, description=_(
        "%(symbol)s has been circulated and is never deleted: the archive keeps every circulated document. "
        "Withdraw it (giving the reason) or supersede it by circulating a revision.", symbol=symbol))


@bp.route("/<int:document_id>/delete", methods=["GET", "POST"])
@access(Audience.SECRETARIAT)
def delete(document_id: int) -> ResponseReturnValue:
    """Delete a draft, once confirmed (core/confirm.py). Anything circulated is kept for ever:
    409, with what to do instead."""
    document = get_document(document_id)
    symbol = document.symbol
    if not confirmed():
        if document.status != DocumentStatus.DRAFT:
            _never_deleted(symbol)
        return confirmation_page(
            _("Delete the draft %(symbol)s?", symbol=symbol),
            [_("The draft and its uploaded files are deleted; its serial is not given again. "
               "This cannot be undone.")],
            url_for("documents.delete", document_id=document.id), _("Yes, delete the draft"),
            url_for("documents.detail", document_id=document.id))
    try:
        document_service.delete_draft(current_user, document)
    except document_service.NeverDeleted:
        _never_deleted(symbol)
    flash(_("Draft %(symbol)s has been deleted; its serial is not given again.", symbol=symbol), "success")
    return redirect(url_for("documents.archive"))
