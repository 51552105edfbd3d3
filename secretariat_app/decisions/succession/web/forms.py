"""The officers' forms of the succession; the rules live in services and domain.succession."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Optional

from secretariat_app.accounts.models.states import Body, State, StateKind
from secretariat_app.core.forms import optional_day, optional_id
from secretariat_app.core.localisation import local_date
from secretariat_app.decisions.models import Decision, DecisionStatus, Procedure
from secretariat_app.decisions.succession.models import ChairSuccession
from secretariat_app.domain import succession as rules
from secretariat_app.domain.periods import Period
from secretariat_app.extensions import db

TERM_STATE_LABELS = {
    rules.TermState.NO_CANDIDATE: _l("no candidate"),
    rules.TermState.CANDIDATES: _l("candidates"),
    rules.TermState.RECOMMENDED: _l("recommended by the SOC"),
    rules.TermState.DECIDED: _l("decided"),
}


def term_label(term: Period, language: str) -> str:
    return f"{local_date(term.starts_on)} – {local_date(term.ends_on)}"


class CandidatureForm(FlaskForm):
    state = SelectField(_l("State"), coerce=optional_id, validators=[DataRequired()])
    term = SelectField(_l("Term sought"), coerce=optional_day, validators=[DataRequired()])
    letter_on = DateField(_l("Date of the letter to the Chair"), validators=[DataRequired()])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional()])
    submit = SubmitField(_l("Record the candidature"))

    def fill_choices(self, language: str, terms: list[Period]) -> None:
        states = db.session.scalars(select(State).where(State.kind == StateKind.STATE).order_by(State.code))
        self.state.choices = [SelectChoice("", _l("— choose —")),
                              *(SelectChoice(str(s.id), f"{s.code} · {s.name(language)}") for s in states)]
        self.term.choices = [SelectChoice("", _l("— choose —")),
                             *(SelectChoice(t.starts_on.isoformat(), term_label(t, language)) for t in terms)]


class WithdrawForm(FlaskForm):
    withdrawn_on = DateField(_l("Date of the withdrawal"), validators=[DataRequired()])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional()])
    submit = SubmitField(_l("Withdraw the candidature"))


class StepForm(FlaskForm):
    """The SOC's recommendation, or the MFA's or Summit's decision: a candidate and a decision of the register."""

    candidature = SelectField(_l("Candidate"), coerce=optional_id, validators=[DataRequired()])
    decision = SelectField(_l("Decision"), coerce=optional_id, validators=[DataRequired()])
    submit = SubmitField(_l("Save"))

    def fill_choices(self, language: str, succession: ChairSuccession, bodies: frozenset[str],
                     procedure: Procedure | None) -> None:
        self.candidature.choices = [
            SelectChoice("", _l("— choose —")),
            *(SelectChoice(str(c.id), c.state.name(language)) for c in succession.candidatures if c.active)]
        query = (select(Decision).join(Body, Decision.body_id == Body.id)
                 .where(Body.code.in_(sorted(bodies)), Decision.status != DecisionStatus.STOPPED)
                 .order_by(Decision.reference))
        if procedure is not None:
            query = query.where(Decision.procedure == procedure)
        self.decision.choices = [
            SelectChoice("", _l("— choose —")),
            *(SelectChoice(str(d.id), f"{d.reference} · {d.title(language)}") for d in db.session.scalars(query))]
