"""Officer actions on a document: uploading a language version, circulating,
derestricting, withdrawing, and the acknowledgements with the chase button."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from secretariat_app.core.forms import show_violations
from secretariat_app.core.localisation import current_language
from secretariat_app.documents.models import DistributionLevel, Document
from secretariat_app.documents.services import circulation as circulation_service
from secretariat_app.documents.services import versions as version_service
from secretariat_app.documents.services.circulation import Audience
from secretariat_app.documents.web import bp
from secretariat_app.documents.web.forms import (
    CirculateForm,
    DerestrictForm,
    UploadForm,
    WithdrawForm,
)
from secretariat_app.documents.web.routes import get_document
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.permissions import Audience as Page  # not the circulation's Audience
from secretariat_app.permissions import access


def _back(document: Document) -> ResponseReturnValue:
    return redirect(url_for("documents.detail", document_id=document.id))


@bp.route("/<int:document_id>/upload", methods=["GET", "POST"])
@access(Page.SECRETARIAT)
def upload(document_id: int) -> ResponseReturnValue:
    """Upload the file of one language; a second upload of a language replaces it on screen, the archive keeps both."""
    document = get_document(document_id)
    initial = {"language": request.args.get("language", "en")}
    form = UploadForm() if request.method == "POST" else UploadForm(data=initial)
    if form.validate_on_submit():
        try:
            version = version_service.upload(current_user, document, form.to_data())
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The %(language)s version of %(symbol)s has been stored.",
                    language=version.language, symbol=document.symbol), "success")
            return _back(document)
    return render_template("documents/upload.html", form=form, document=document,
                           languages=version_service.language_statuses(document))


@bp.route("/<int:document_id>/circulate", methods=["GET", "POST"])
@access(Page.SECRETARIAT)
def circulate(document_id: int) -> ResponseReturnValue:
    """Circulate a draft (or add recipients to a circulated document)."""
    document = get_document(document_id)
    audience = Audience.PERSONS if document.level == DistributionLevel.RESTRICTED else Audience.MEMBERS
    form = CirculateForm() if request.method == "POST" else CirculateForm(data={"audience": audience})
    form.fill_choices(current_language())
    if form.validate_on_submit():
        try:
            circulation_service.circulate(current_user, document, form.to_data())
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("%(symbol)s has been circulated to the new recipients; their notices are queued.",
                    symbol=document.symbol), "success")
            return _back(document)
    return render_template("documents/circulate.html", form=form, document=document)


@bp.route("/<int:document_id>/derestrict", methods=["GET", "POST"])
@access(Page.SECRETARIAT)
def derestrict(document_id: int) -> ResponseReturnValue:
    """Widen the distribution level: RESTRICTED to LIMITED to GENERAL (logged)."""
    document = get_document(document_id)
    if document.level == DistributionLevel.GENERAL:
        abort(409, description=_("%(symbol)s is GENERAL already: there is nothing to derestrict.",
                                 symbol=document.symbol))
    form = DerestrictForm()
    form.fill_choices(document)
    if form.validate_on_submit():
        try:
            circulation_service.derestrict(current_user, document, form.level.data)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("%(symbol)s is now %(level)s.", symbol=document.symbol, level=document.level.value.upper()),
                  "success")
            return _back(document)
    return render_template("documents/derestrict.html", form=form, document=document)


@bp.route("/<int:document_id>/withdraw", methods=["GET", "POST"])
@access(Page.SECRETARIAT)
def withdraw(document_id: int) -> ResponseReturnValue:
    """Withdraw a circulated document, with the reason; it stays in the archive."""
    document = get_document(document_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            circulation_service.withdraw(current_user, document, form.reason.data, form.reason_ru.data or "")
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("%(symbol)s has been withdrawn.", symbol=document.symbol), "success")
            return _back(document)
    return render_template("documents/withdraw.html", form=form, document=document)


@bp.route("/<int:document_id>/acknowledgements")
@access(Page.SECRETARIAT)
def acknowledgements(document_id: int) -> ResponseReturnValue:
    """Which recipient delegations have acknowledged receipt, and which not."""
    document = get_document(document_id)
    rows = circulation_service.acknowledgement_rows(document, current_language())
    waiting = sum(1 for row in rows if row.acknowledgement is None)
    return render_template("documents/acknowledgements.html", document=document, rows=rows, waiting=waiting)


@bp.route("/<int:document_id>/chase", methods=["POST"])
@access(Page.SECRETARIAT)
def chase(document_id: int) -> ResponseReturnValue:
    """Queue a reminder to the delegations that have not acknowledged receipt."""
    document = get_document(document_id)
    try:
        queued = circulation_service.chase(current_user, document)
    except RuleViolations as error:
        flash(" ".join(v.render(_) for v in error.violations), "error")
    else:
        flash(_("%(n)d reminder(s) queued.", n=queued), "success")
    return redirect(url_for("documents.acknowledgements", document_id=document.id))
