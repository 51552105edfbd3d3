"""The succession pages: the term in force, the next term and its state, every
term's candidatures (a delegate: those circulated to their delegation), and the
officers' forms for each step."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from secretariat_app.core.forms import show_violations
from secretariat_app.core.forum_time import forum_today
from secretariat_app.core.localisation import current_language
from secretariat_app.decisions.models import Procedure
from secretariat_app.decisions.succession import services as succession_service
from secretariat_app.decisions.succession.models import ChairCandidature, ChairSuccession
from secretariat_app.decisions.succession.web import bp
from secretariat_app.decisions.succession.web.forms import (
    TERM_STATE_LABELS,
    CandidatureForm,
    StepForm,
    WithdrawForm,
    term_label,
)
from secretariat_app.decisions.web.forms import DECISION_STATUS_LABELS
from secretariat_app.domain import succession as rules
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.permissions import Action, access, is_secretariat
from secretariat_app.permissions.succession import candidature_condition


@bp.context_processor
def _labels() -> dict:
    return {"decision_status_label": lambda s: DECISION_STATUS_LABELS.get(s, s)}


@bp.route("/")
@access(Action.READ_SUCCESSION)
def index() -> ResponseReturnValue:
    """Officers see every term's candidatures and the forms; a member's delegate the
    candidatures circulated to their delegation."""
    seen = succession_service.overview(forum_today())
    officer = is_secretariat(current_user)
    visible = set(db.session.scalars(select(ChairCandidature.id).where(candidature_condition(current_user))))
    return render_template("succession/index.html", seen=seen, officer=officer, visible=visible,
                           state_label=TERM_STATE_LABELS, steps=rules.Step,
                           term_label=lambda term: term_label(term, current_language()))


@bp.route("/candidatures/new", methods=["GET", "POST"])
@access(Action.MANAGE_SUCCESSION)
def new_candidature() -> ResponseReturnValue:
    today = forum_today()
    form = CandidatureForm()
    terms = succession_service.terms_ahead(today)
    form.fill_choices(current_language(), terms)
    if form.validate_on_submit():
        data = succession_service.CandidatureData(form.state.data, form.term.data, form.letter_on.data,
                                                  form.note.data or "")
        try:
            saved = succession_service.record_candidature(current_user, data, today)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The candidature of %(state)s has been recorded.", state=saved.state.name(current_language())),
                  "success")
            return redirect(url_for("succession.index"))
    return render_template("succession/form.html", form=form, title=_l("Record a candidature"),
                           help=_l("A member state's letter to the Chair: it intends to chair for the next term "
                                   "or the one after. The current Chair's for the next term asks to continue."),
                           action=url_for("succession.new_candidature"))


def _candidature(candidature_id: int) -> ChairCandidature:
    return db.get_or_404(ChairCandidature, candidature_id)


@bp.route("/candidatures/<int:candidature_id>/inform", methods=["POST"])
@access(Action.MANAGE_SUCCESSION)
def inform(candidature_id: int) -> ResponseReturnValue:
    """The Chair informs the members of a candidature (once)."""
    candidature = _candidature(candidature_id)  # the token was checked before the view (CSRFProtect)
    try:
        queued = succession_service.inform_members(current_user, candidature)
    except RuleViolations as error:
        for violation in error.violations:
            flash(violation.render(_), "error")
    else:
        flash(_("The members have been informed of the candidature of %(state)s (%(n)d notices).",
                state=candidature.state.name(current_language()), n=queued), "success")
    return redirect(url_for("succession.index"))


@bp.route("/candidatures/<int:candidature_id>/withdraw", methods=["GET", "POST"])
@access(Action.MANAGE_SUCCESSION)
def withdraw(candidature_id: int) -> ResponseReturnValue:
    candidature = _candidature(candidature_id)
    form = WithdrawForm() if request.method == "POST" else WithdrawForm(data={"withdrawn_on": forum_today()})
    if form.validate_on_submit():
        try:
            succession_service.withdraw_candidature(current_user, candidature, form.withdrawn_on.data,
                                                    form.note.data or "")
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The candidature of %(state)s has been withdrawn.",
                    state=candidature.state.name(current_language())), "success")
            return redirect(url_for("succession.index"))
    return render_template("succession/form.html", form=form, title=_l("Withdraw a candidature"),
                           help=_l("The candidature stays on record, marked withdrawn."),
                           action=url_for("succession.withdraw", candidature_id=candidature.id))


def _succession(succession_id: int) -> ChairSuccession:
    succession = db.session.scalar(select(ChairSuccession).where(ChairSuccession.id == succession_id)
                                   .options(selectinload(ChairSuccession.candidatures)))
    if succession is None:
        abort(404)
    return succession


def _step(succession_id: int, recommendation: bool) -> ResponseReturnValue:
    succession = _succession(succession_id)
    form = StepForm()
    if recommendation:
        form.fill_choices(current_language(), succession, frozenset({rules.RECOMMENDING_BODY}), Procedure.SILENCE)
    else:
        form.fill_choices(current_language(), succession, rules.DECIDING_BODIES, None)
    if form.validate_on_submit():
        data = succession_service.StepData(form.candidature.data, form.decision.data)
        try:
            if recommendation:
                succession_service.record_recommendation(current_user, succession, data)
            else:
                succession_service.record_decision(current_user, succession, data)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The SOC's recommendation has been recorded.") if recommendation
                  else _("The decision has been recorded."), "success")
            return redirect(url_for("succession.index"))
    if recommendation:
        title = _l("Record the SOC's recommendation")
        help_text = _l("The SOC recommends a candidate through the silence procedure: choose its decision, "
                       "circulated under silence. The recommendation counts once the silence holds.")
        action = url_for("succession.recommendation", succession_id=succession.id)
    else:
        title = _l("Record the decision of the MFA or the Summit")
        help_text = _l("The MFA or the Summit decides at a meeting, by consensus. Once its decision is adopted "
                       "the term is decided and the ledger records it.")
        action = url_for("succession.decision", succession_id=succession.id)
    return render_template("succession/form.html", form=form, title=title, help=help_text, action=action,
                           term=term_label(succession.period, current_language()))


@bp.route("/<int:succession_id>/recommendation", methods=["GET", "POST"])
@access(Action.MANAGE_SUCCESSION)
def recommendation(succession_id: int) -> ResponseReturnValue:
    return _step(succession_id, recommendation=True)


@bp.route("/<int:succession_id>/decision", methods=["GET", "POST"])
@access(Action.MANAGE_SUCCESSION)
def decision(succession_id: int) -> ResponseReturnValue:
    return _step(succession_id, recommendation=False)
