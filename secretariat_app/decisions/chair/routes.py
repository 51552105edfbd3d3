"""The chairmanship ledger: the terms in date order with the problems the ledger
shows, and recording or editing a term."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from secretariat_app.accounts.models.states import State
from secretariat_app.core.forms import show_violations
from secretariat_app.core.forum_time import forum_today
from secretariat_app.core.localisation import current_language
from secretariat_app.decisions.chair import bp
from secretariat_app.decisions.chair.forms import ChairmanshipForm, chair_initial
from secretariat_app.decisions.models import Chairmanship
from secretariat_app.decisions.services import chair as chair_service
from secretariat_app.decisions.succession import services as succession_service
from secretariat_app.decisions.succession.web.forms import TERM_STATE_LABELS
from secretariat_app.domain.chair_ledger import LEDGER_START
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.permissions import Audience, access


@bp.route("/")
@access(Audience.SECRETARIAT)
def index() -> ResponseReturnValue:
    """The ledger, oldest first; gaps, overlaps and Executive Director warnings above it."""
    today = forum_today()
    ledger = chair_service.ledger(today)
    states = {row.state_id: row.state for row in ledger.rows}
    seen = succession_service.overview(today)
    return render_template("chair/index.html", ledger=ledger, since=LEDGER_START, seen=seen, t=seen.timeline,
                           state_label=TERM_STATE_LABELS,
                           state_name=lambda key: states[key].name(current_language()) if key in states else "")


@bp.route("/new", methods=["GET", "POST"])
@access(Audience.SECRETARIAT)
def new() -> ResponseReturnValue:
    return _edit(None)


@bp.route("/<int:chairmanship_id>/edit", methods=["GET", "POST"])
@access(Audience.SECRETARIAT)
def edit(chairmanship_id: int) -> ResponseReturnValue:
    return _edit(db.get_or_404(Chairmanship, chairmanship_id))


def _edit(chairmanship: Chairmanship | None) -> ResponseReturnValue:
    """One form for creating and editing; the service decides what the rules allow."""
    form = ChairmanshipForm() if request.method == "POST" else ChairmanshipForm(data=chair_initial(chairmanship))
    form.fill_choices(current_language())
    if form.validate_on_submit():
        try:
            if chairmanship is None:
                saved = chair_service.create_chairmanship(current_user, form.to_data())
            else:
                saved = chair_service.update_chairmanship(current_user, chairmanship, form.to_data())
        except RuleViolations as error:
            show_violations(form, error)
        else:
            state = db.session.get(State, saved.state_id)
            assert state is not None  # the ledger's foreign key
            flash(_("The chairmanship of %(state)s has been saved.", state=state.name(current_language())),
                  "success")
            return redirect(url_for("chair.index"))
    return render_template("chair/form.html", form=form, chairmanship=chairmanship)
