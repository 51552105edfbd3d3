"""The negotiation's buttons (POST only, CSRF-checked): a delegation's support, objection,
withdrawal and position; the chair's accept, drop and merge; the settings; compiling the
next revision. Each calls one service and returns to the text; a refusal is shown there."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user

from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.negotiations.models import NegotiatedText, TextParagraph, TextProposal
from secretariat_app.negotiations.services import chair, proposals, revisions, texts
from secretariat_app.negotiations.web import bp
from secretariat_app.negotiations.web.forms import DecisionForm, MergeForm, PositionForm, SettingsForm
from secretariat_app.negotiations.web.routes import TEXT, _of_text
from secretariat_app.permissions import Action, access


def _back(text: NegotiatedText, anchor: str = "") -> ResponseReturnValue:
    return redirect(url_for("negotiations.detail", text_id=text.id) + (f"#{anchor}" if anchor else ""))


def _refused(error: RuleViolations) -> None:
    for violation in error.violations:
        flash(violation.render(gettext), "error")


def _form_refused(form) -> None:
    for errors in form.errors.values():
        for message in errors:
            flash(message, "error")


@bp.route("/<int:text_id>/proposals/<int:proposal_id>/stance", methods=["POST"])
@access(Action.TAKE_PART_IN_NEGOTIATION, load=TEXT)
def stance(text: NegotiatedText, proposal_id: int) -> ResponseReturnValue:
    proposal = _of_text(TextProposal, proposal_id, text)
    form = DecisionForm()  # its CSRF token; the stance is the button pressed
    if not form.validate_on_submit():
        _form_refused(form)
        return _back(text, f"p{proposal.paragraph_id}")
    try:
        proposals.state_stance(current_user, proposal, current_user.delegation, request.form.get("stance", ""))
    except RuleViolations as error:
        _refused(error)
    else:
        flash(gettext("Your delegation's stance has been recorded."), "success")
    return _back(text, f"p{proposal.paragraph_id}")


@bp.route("/<int:text_id>/proposals/<int:proposal_id>/withdraw", methods=["POST"])
@access(Action.TAKE_PART_IN_NEGOTIATION, load=TEXT)
def withdraw(text: NegotiatedText, proposal_id: int) -> ResponseReturnValue:
    proposal = _of_text(TextProposal, proposal_id, text)
    form = DecisionForm()
    if not form.validate_on_submit():
        _form_refused(form)
        return _back(text, f"p{proposal.paragraph_id}")
    try:
        proposals.withdraw(current_user, proposal)
    except RuleViolations as error:
        _refused(error)
    else:
        flash(gettext("The proposal has been withdrawn."), "success")
    return _back(text, f"p{proposal.paragraph_id}")


@bp.route("/<int:text_id>/paragraphs/<int:paragraph_id>/position", methods=["POST"])
@access(Action.TAKE_PART_IN_NEGOTIATION, load=TEXT)
def position(text: NegotiatedText, paragraph_id: int) -> ResponseReturnValue:
    paragraph = _of_text(TextParagraph, paragraph_id, text)
    form = PositionForm()
    if not form.validate_on_submit():
        _form_refused(form)
        return _back(text, f"p{paragraph.id}")
    try:
        proposals.state_position(current_user, paragraph, current_user.delegation, form.position.data or "")
    except RuleViolations as error:
        _refused(error)
    else:
        flash(gettext("Your delegation's position has been recorded."), "success")
    return _back(text, f"p{paragraph.id}")


@bp.route("/<int:text_id>/proposals/<int:proposal_id>/decide", methods=["POST"])
@access(Action.MANAGE_NEGOTIATIONS)
def decide(text_id: int, proposal_id: int) -> ResponseReturnValue:
    """The chair's acceptance or drop of one proposal (the button pressed), with the reason."""
    text = db.get_or_404(NegotiatedText, text_id)
    proposal = _of_text(TextProposal, proposal_id, text)
    form = DecisionForm()
    decision = request.form.get("decision", "")
    if decision not in ("accept", "drop"):
        abort(400)
    if not form.validate_on_submit():
        _form_refused(form)
        return _back(text, f"p{proposal.paragraph_id}")
    try:
        chair.decide(current_user, text, decision, (proposal.id,), form.reason.data or "")
    except RuleViolations as error:
        _refused(error)
    else:
        flash(gettext("The chair's decision has been recorded."), "success")
    return _back(text, f"p{proposal.paragraph_id}")


@bp.route("/<int:text_id>/paragraphs/<int:paragraph_id>/merge", methods=["POST"])
@access(Action.MANAGE_NEGOTIATIONS)
def merge(text_id: int, paragraph_id: int) -> ResponseReturnValue:
    text = db.get_or_404(NegotiatedText, text_id)
    paragraph = _of_text(TextParagraph, paragraph_id, text)
    form = MergeForm()
    if not form.validate_on_submit():
        _form_refused(form)
        return _back(text, f"p{paragraph.id}")
    ids = [int(v) for v in request.form.getlist("proposal_ids") if v.isdigit()]
    wording = {"en": form.wording_en.data or "", "ru": form.wording_ru.data or ""}
    try:
        chair.decide(current_user, text, "merge", ids, form.reason.data or "", wording)
    except RuleViolations as error:
        _refused(error)
    else:
        flash(gettext("The chair's decision has been recorded."), "success")
    return _back(text, f"p{paragraph.id}")


@bp.route("/<int:text_id>/settings", methods=["POST"])
@access(Action.MANAGE_NEGOTIATIONS)
def settings(text_id: int) -> ResponseReturnValue:
    text = db.get_or_404(NegotiatedText, text_id)
    form = SettingsForm()
    if not form.validate_on_submit():
        _form_refused(form)
        return _back(text)
    try:
        texts.update_settings(current_user, text, form.deadline.data, bool(form.positions_by_name.data))
    except RuleViolations as error:
        _refused(error)
    else:
        flash(gettext("The settings have been saved."), "success")
    return _back(text)


@bp.route("/<int:text_id>/compile", methods=["POST"])
@access(Action.MANAGE_NEGOTIATIONS)
def compile_revision(text_id: int) -> ResponseReturnValue:
    """Compile the next revision as a draft document, then circulate it from the documents' page."""
    text = db.get_or_404(NegotiatedText, text_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        _form_refused(form)
        return _back(text)
    try:
        revision = revisions.compile_revision(current_user, text)
    except RuleViolations as error:
        _refused(error)
        return _back(text)
    flash(gettext("%(symbol)s has been compiled with its English and Russian versions: circulate it now.",
                  symbol=revision.document.symbol), "success")
    return redirect(url_for("documents.circulate", document_id=revision.document_id))

