"""The negotiation pages: the list, starting a negotiation on a document, the text with its
proposals (the officers' and the delegates' view), proposing an amendment, translating a
proposal, a revision's diff, and submitting a clean text for adoption."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from secretariat_app.accounts.models.people import Delegation
from secretariat_app.core.forms import show_violations
from secretariat_app.core.forum_time import forum_today
from secretariat_app.core.localisation import by_name, current_language
from secretariat_app.decisions.models import Procedure
from secretariat_app.documents.models import Document
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from secretariat_app.negotiations.models import NegotiatedText, TextParagraph, TextProposal, TextRevision
from secretariat_app.negotiations.services import adoption, proposals, revisions, texts, views
from secretariat_app.negotiations.services.chair import decisions_of
from secretariat_app.negotiations.web import bp
from secretariat_app.negotiations.web.forms import (
    DECISION_LABELS,
    KIND_LABELS,
    LANGUAGE_LABELS,
    POSITION_LABELS,
    STATUS_LABELS,
    AdoptionForm,
    MergeForm,
    ProposalForm,
    SettingsForm,
    StartForm,
    TranslationForm,
)
from secretariat_app.permissions import Action, Audience, Load, access, can, is_secretariat

TEXT = Load("text_id", "text", lambda text_id: db.session.get(NegotiatedText, text_id), see=Action.READ_NEGOTIATION)


@bp.context_processor
def _labels() -> dict:
    return {"kind_label": KIND_LABELS.get, "proposal_status_label": STATUS_LABELS.get,
            "position_label": POSITION_LABELS.get, "language_label": LANGUAGE_LABELS.get,
            "chair_decision_label": DECISION_LABELS.get}


@bp.app_context_processor
def _links() -> dict:
    """For the pages of other features that link to a negotiation: a document's, a decision's."""
    return {"negotiation_of_document": texts.of_document, "negotiation_of_decision": adoption.text_of_decision}


def _of_text(model, object_id: int, text: NegotiatedText):
    """A paragraph or proposal of this text, or 404."""
    found = db.session.get(model, object_id)
    if found is None or found.text_id != text.id:
        abort(404)
    return found


@bp.route("/")
@access(Audience.AUTHENTICATED)
def index() -> ResponseReturnValue:
    """The negotiations the reader may open, newest first."""
    every = db.session.scalars(select(NegotiatedText).order_by(NegotiatedText.id.desc())).all()
    shown = [t for t in every if can(current_user, Action.READ_NEGOTIATION, t)]
    return render_template("negotiations/index.html", texts=shown, officer=is_secretariat(current_user))


@bp.route("/start/<int:document_id>", methods=["GET", "POST"])
@access(Action.MANAGE_NEGOTIATIONS)
def start(document_id: int) -> ResponseReturnValue:
    document = db.get_or_404(Document, document_id)
    form = StartForm()
    if form.validate_on_submit():
        try:
            text = texts.start(current_user, document, form.draft_en.data or "", form.draft_ru.data or "",
                               form.deadline.data, bool(form.positions_by_name.data))
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The negotiation of %(symbol)s has started.", symbol=document.symbol), "success")
            return redirect(url_for("negotiations.detail", text_id=text.id))
    return render_template("negotiations/start.html", form=form, document=document), 400 if form.errors else 200


@bp.route("/<int:text_id>")
@access(Action.READ_NEGOTIATION, load=TEXT)
def detail(text: NegotiatedText) -> ResponseReturnValue:
    """The text with every proposal beside its paragraph; filters by delegation and status."""
    language = current_language()
    officer = is_secretariat(current_user)
    my_delegation = None if officer else current_user.delegation
    filters = views.parse_filters(request.args.get("delegation"), request.args.get("status"))
    rows = views.paragraph_views(text, language, filters, my_delegation.name("en") if my_delegation else None,
                                 can(current_user, Action.SEE_POSITION_NAMES, text))
    settings = SettingsForm(data={"deadline": text.deadline, "positions_by_name": text.positions_by_name})
    return render_template(
        "negotiations/detail.html", text=text, rows=rows, officer=officer, filters=filters,
        delegations=by_name(views.proposal_delegations(text), language), my_delegation=my_delegation,
        take_part=can(current_user, Action.TAKE_PART_IN_NEGOTIATION, text),
        names=can(current_user, Action.SEE_POSITION_NAMES, text), today=forum_today(),
        merge_form=MergeForm(), settings_form=settings,
        decisions=decisions_of(text) if officer else [],
        adoption_problems=[v.render(_) for v in texts.adoptable_violations(text, True)] if officer else [],
    )


def _member_delegations(language: str) -> list[Delegation]:
    today = forum_today()
    return by_name([d for d in db.session.scalars(select(Delegation)) if d.is_member_on(today)], language)


@bp.route("/<int:text_id>/paragraphs/<int:paragraph_id>/propose", methods=["GET", "POST"])
@access(Action.READ_NEGOTIATION, load=TEXT)
def propose(text: NegotiatedText, paragraph_id: int) -> ResponseReturnValue:
    """Propose an amendment to a paragraph: a delegate for their delegation, an officer on a member
    delegation's behalf (what it sent by note or mail)."""
    paragraph = _of_text(TextParagraph, paragraph_id, text)
    officer = is_secretariat(current_user)
    if not officer and not can(current_user, Action.TAKE_PART_IN_NEGOTIATION, text):
        abort(403)
    form = ProposalForm()
    language = current_language()
    if officer:
        form.delegation_id.choices = [SelectChoice("", "—")] + [SelectChoice(str(d.id), d.name(language))
                                                                for d in _member_delegations(language)]
    else:
        del form.delegation_id
    if request.method == "GET":
        form.language.data = language
    if form.validate_on_submit():
        delegation = (db.session.get(Delegation, form.delegation_id.data) if officer and form.delegation_id.data
                      else (None if officer else current_user.delegation))
        data = proposals.ProposalData(paragraph.id, form.kind.data or "", form.language.data or "",
                                      form.target.data or "", form.text.data or "", form.justification.data or "")
        try:
            proposals.propose(current_user, text, delegation, data)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The proposal has been recorded."), "success")
            return redirect(url_for("negotiations.detail", text_id=text.id) + f"#p{paragraph.id}")
    label = texts.compiled(text, language)
    labels = {c.paragraph_id: c.label for c in label}
    return render_template("negotiations/propose.html", form=form, text=text, paragraph=paragraph,
                           label=labels.get(paragraph.id, "")), 400 if form.errors else 200


@bp.route("/<int:text_id>/proposals/<int:proposal_id>/translate", methods=["GET", "POST"])
@access(Action.MANAGE_NEGOTIATIONS)
def translate(text_id: int, proposal_id: int) -> ResponseReturnValue:
    text = db.get_or_404(NegotiatedText, text_id)
    proposal = _of_text(TextProposal, proposal_id, text)
    other = "ru" if proposal.language == "en" else "en"
    form = TranslationForm(data={"target": proposal.target(other), "text": proposal.words(other)}
                           if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            proposals.translate(current_user, proposal, form.target.data or "", form.text.data or "")
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The translation has been recorded."), "success")
            return redirect(url_for("negotiations.detail", text_id=text.id) + f"#p{proposal.paragraph_id}")
    return render_template("negotiations/translate.html", form=form, text=text, proposal=proposal,
                           other=other), 400 if form.errors else 200


@bp.route("/<int:text_id>/revisions/<int:number>")
@access(Action.READ_NEGOTIATION, load=TEXT)
def revision(text: NegotiatedText, number: int) -> ResponseReturnValue:
    """A revision against the one before it, paragraph by paragraph, word by word."""
    found = db.session.scalar(select(TextRevision).where(TextRevision.text_id == text.id,
                                                         TextRevision.number == number))
    if found is None:
        abort(404)
    language = current_language()
    return render_template("negotiations/revision.html", text=text, revision=found,
                           previous=revisions.previous_revision(found), diff=revisions.diff(found, language))


@bp.route("/<int:text_id>/adopt", methods=["GET", "POST"])
@access(Action.MANAGE_NEGOTIATIONS)
def adopt(text_id: int) -> ResponseReturnValue:
    """Submit a clean text for adoption: the decision at a meeting, or circulated for silence."""
    text = db.get_or_404(NegotiatedText, text_id)
    form = AdoptionForm()
    language = current_language()
    meetings = db.session.scalars(select(Meeting).where(Meeting.body_id == text.document.body_id)
                                  .order_by(Meeting.starts_at.desc()).limit(50)).all()
    form.meeting_id.choices = [SelectChoice("", "—")] + [SelectChoice(str(m.id), m.title(language)) for m in meetings]
    if form.validate_on_submit():
        data = adoption.AdoptionData(Procedure(form.procedure.data), (form.reference.data or "").strip(),
                                     form.meeting_id.data, form.adopted_on.data, form.silence_deadline.data)
        try:
            decision = adoption.submit(current_user, text, data)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("Decision %(ref)s has been created from the text.", ref=decision.reference), "success")
            return redirect(url_for("decisions.detail", decision_id=decision.id))
    return render_template("negotiations/adopt.html", form=form, text=text,
                           problems=[v.render(_) for v in texts.adoptable_violations(text, True)]),\
        400 if form.errors else 200
