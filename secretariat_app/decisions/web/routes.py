"""The decisions register: the list and a decision (officers see all, others the
adopted ones only), recording and editing decisions, and the silence procedure
(circulating a draft, recording a member's objection)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from secretariat_app.accounts.models.states import Body
from secretariat_app.core.forms import show_violations
from secretariat_app.core.forum_time import forum_today
from secretariat_app.core.localisation import current_language, local_date
from secretariat_app.decisions.models import Decision, Procedure
from secretariat_app.decisions.services import decisions as decision_service
from secretariat_app.decisions.services.silence_circulation import observer_delegations
from secretariat_app.decisions.services.silence_story import silence_view
from secretariat_app.decisions.web import bp
from secretariat_app.decisions.web.forms import (
    DECISION_STATUS_LABELS,
    PROCEDURE_LABELS,
    CirculateForm,
    DecisionForm,
    FilterForm,
    ObjectionForm,
    decision_initial,
)
from secretariat_app.decisions.web.routes_silence import reader_zone
from secretariat_app.domain.silence import default_deadline
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from secretariat_app.permissions import Action, Audience, Load, access, is_secretariat

PER_PAGE = 50


@bp.context_processor
def _labels() -> dict:
    return {
        "decision_status_label": lambda s: DECISION_STATUS_LABELS.get(s, s),
        "procedure_label": lambda p: PROCEDURE_LABELS.get(p, p),
    }


@bp.route("/")
@access(Audience.AUTHENTICATED)
def index() -> ResponseReturnValue:
    """The register with filters; delegates (anyone outside the Secretariat) see adopted decisions only."""
    officer = is_secretariat(current_user)
    form = FilterForm(request.args)
    form.fill_choices(current_language(), decision_service.register_years())
    filters = decision_service.DecisionFilter(
        body_id=form.body.data, year=form.year.data, status=form.status.data if officer else None
    )
    query = decision_service.register_query(filters, adopted_only=not officer)
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("decisions/index.html", form=form, page=page, officer=officer, args=args)


@bp.route("/<int:decision_id>")
@access(Action.READ_DECISION, load=Load("decision_id", "decision", lambda id_: db.session.get(Decision, id_)))
def detail(decision: Decision) -> ResponseReturnValue:
    """The decision in both languages; under silence, when silence ends (the forum's time and the
    reader's), the timeline, and for a member delegation the way to break silence."""
    meeting = db.session.get(Meeting, decision.meeting_id) if decision.meeting_id else None
    today = forum_today()
    view = silence_view(decision, current_user, reader_zone(), current_language(), today)
    return render_template("decisions/detail.html", decision=decision, meeting=meeting,
                           officer=is_secretariat(current_user), today=today, view=view)


@bp.route("/new", methods=["GET", "POST"])
@access(Audience.SECRETARIAT)
def new() -> ResponseReturnValue:
    """A new decision; ?body=SOC proposes that body's next free reference."""
    return _edit(None)


@bp.route("/<int:decision_id>/edit", methods=["GET", "POST"])
@access(Audience.SECRETARIAT)
def edit(decision_id: int) -> ResponseReturnValue:
    return _edit(db.get_or_404(Decision, decision_id))


def _initial(decision: Decision | None) -> dict:
    if decision is not None:
        return decision_initial(decision)
    code = (request.args.get("body") or "SOC").strip().upper()
    body = db.session.scalar(select(Body).where(Body.code == code))
    reference = decision_service.proposed_reference(body, forum_today().year) if body else ""
    return decision_initial(None, body, reference)


def _edit(decision: Decision | None) -> ResponseReturnValue:
    """One form for creating and editing; the service decides what the rules allow."""
    form = DecisionForm() if request.method == "POST" else DecisionForm(data=_initial(decision))
    form.fill_choices(current_language())
    if form.validate_on_submit():
        try:
            if decision is None:
                saved = decision_service.create_decision(current_user, form.to_data())
            else:
                saved = decision_service.update_decision(current_user, decision, form.to_data())
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("Decision %(ref)s has been saved.", ref=saved.reference), "success")
            return redirect(url_for("decisions.detail", decision_id=saved.id))
    bodies = db.session.scalars(select(Body).order_by(Body.id)).all()
    return render_template("decisions/form.html", form=form, decision=decision, bodies=bodies)


@bp.route("/<int:decision_id>/circulate", methods=["GET", "POST"])
@access(Audience.SECRETARIAT)
def circulate(decision_id: int) -> ResponseReturnValue:
    """Circulate a draft for silence today, with a deadline (two weeks unless changed)."""
    decision = db.get_or_404(Decision, decision_id)
    today = forum_today()
    form = CirculateForm() if request.method == "POST" else CirculateForm(data={"deadline": default_deadline(today)})
    form.fill_choices(observer_delegations(today), current_language())
    if form.validate_on_submit():
        try:
            decision_service.circulate(current_user, decision, form.deadline.data, today,
                                       observer_ids=form.observers.data or [])
        except RuleViolations as error:
            show_violations(form, error)
        else:
            assert decision.silence_deadline is not None  # set by circulating it
            flash(_("Decision %(ref)s is under silence until %(day)s.", ref=decision.reference,
                    day=local_date(decision.silence_deadline)), "success")
            return redirect(url_for("decisions.detail", decision_id=decision.id))
    return render_template("decisions/circulate.html", form=form, decision=decision, today=today)


@bp.route("/<int:decision_id>/objections/new", methods=["GET", "POST"])
@access(Audience.SECRETARIAT)
def objection(decision_id: int) -> ResponseReturnValue:
    """Record a member delegation's written objection, which breaks the silence."""
    decision = db.get_or_404(Decision, decision_id)
    if decision.procedure != Procedure.SILENCE:
        abort(404)
    today = forum_today()
    form = ObjectionForm() if request.method == "POST" else ObjectionForm(data={"lodged_on": today})
    form.fill_choices(current_language(), today)
    if form.validate_on_submit():
        try:
            decision_service.record_objection(current_user, decision, form.to_data(), today)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The objection has been recorded: the silence procedure on %(ref)s is stopped.",
                    ref=decision.reference), "success")
            return redirect(url_for("decisions.detail", decision_id=decision.id))
    return render_template("decisions/objection.html", form=form, decision=decision)
