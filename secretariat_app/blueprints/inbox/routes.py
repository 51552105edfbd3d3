"""The delegate's inbox: the documents circulated to my delegation or to me by
name, one of them, and acknowledging its receipt.

A document not circulated to the delegate answers 404, as if it did not exist."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_timezone, gettext as _
from flask_login import current_user

from secretariat_app.blueprints.inbox import bp
from secretariat_app.blueprints.inbox.forms import LEVEL_LABELS, AcknowledgeForm, InboxFilterForm
from secretariat_app.labels import DOCUMENT_STATUS_LABELS as STATUS_LABELS
from secretariat_app.labels import DOCUMENT_TYPE_LABELS
from secretariat_app.localisation import current_language, local_time
from secretariat_app.models.columns import utcnow
from secretariat_app.models.documents import Document
from secretariat_app.permissions import access
from secretariat_app.services import inbox as inbox_service
from secretariat_app.services import reading


@bp.context_processor
def labels() -> dict:
    """Labels translated once per page (an inbox page shows fifty rows), and a
    short time in the reader's zone."""
    types = {key: str(label) for key, label in DOCUMENT_TYPE_LABELS.items()}
    levels = {key: str(label) for key, label in LEVEL_LABELS.items()}
    statuses = {key: str(label) for key, label in STATUS_LABELS.items()}
    zone = get_timezone()
    return {
        "type_label": lambda t: types.get(t, t),
        "level_label": lambda level: levels.get(level, level),
        "doc_status_label": lambda s: statuses.get(s, s),
        "short_time": lambda value: value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else "",
    }


@bp.route("/")
@access("delegate")
def index() -> ResponseReturnValue:
    """Unread first, then the newest circulation; filters, search and paging by key."""
    form = InboxFilterForm(request.args).load_choices(current_language(), utcnow().date())
    form.validate()
    cursor = inbox_service.Cursor.parse(request.args.get("after"))
    page = inbox_service.inbox_page(current_user, form.to_filters(), cursor)
    return render_template("inbox/index.html", form=form, page=page, args=form.query_args())


def _readable(document_id: int) -> Document:
    document = reading.readable_document(current_user, document_id)
    if document is None:
        abort(404)
    return document


@bp.route("/<int:document_id>")
@access("delegate")
def document(document_id: int) -> ResponseReturnValue:
    """The document, its language versions and its lineage; opening it marks it read."""
    if not reading.may_read_document(current_user, document_id):
        abort(404)
    reading.record_receipt(current_user, document_id)
    return _page(reading.load_document(document_id), AcknowledgeForm(formdata=None))


def _page(document: Document, form: AcknowledgeForm) -> ResponseReturnValue:
    related = reading.related_documents(current_user, document)
    return render_template(
        "inbox/document.html", document=document, related=related, form=form,
        superseded_by=reading.superseded_by(document, related),
        acknowledgement=reading.acknowledgement_of(current_user.delegation_id, document.id),
        receipt=reading.receipt_of(current_user.id, document.id),
    )


@bp.route("/<int:document_id>/acknowledge", methods=["POST"])
@access("delegate")
def acknowledge(document_id: int) -> ResponseReturnValue:
    """Acknowledge receipt on behalf of my delegation, once."""
    document = _readable(document_id)
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
        return redirect(url_for("inbox.document", document_id=document.id))
    acknowledgement, new = reading.acknowledge(current_user, document)
    if new:
        flash(_("Receipt of %(symbol)s acknowledged on behalf of your delegation.", symbol=document.symbol),
              "success")
    else:
        who = acknowledgement.acknowledged_by.name if acknowledgement.acknowledged_by else _("a colleague")
        flash(_("Your delegation already acknowledged receipt of %(symbol)s (%(who)s, %(when)s).",
                symbol=document.symbol, who=who, when=local_time(acknowledgement.acknowledged_at)), "info")
    return redirect(url_for("inbox.document", document_id=document.id))
