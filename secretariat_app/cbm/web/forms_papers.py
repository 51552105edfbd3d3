"""Forms of the papers pipeline; the rules live in domain.cbm_papers and services.cbm_papers."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from secretariat_app.accounts.models.people import Delegation
from secretariat_app.cbm.models import CbmPaper, PaperKind
from secretariat_app.cbm.services.papers import PaperData
from secretariat_app.cbm.web.choices import (
    decision_choices,
    enum_choices,
    enum_or_none,
    optional_id,
)
from secretariat_app.core.labels import PAPER_KIND_LABELS
from secretariat_app.documents.web.forms import UploadForm
from secretariat_app.domain import cbm_papers as rules


class PaperForm(FlaskForm):
    """A new paper; officers also choose the coordinating delegation it comes from."""

    kind = RadioField(_l("Paper"), coerce=enum_or_none(PaperKind), validate_choice=False,
                      choices=enum_choices(PAPER_KIND_LABELS))
    delegation_id = SelectField(_l("Submitted on behalf of"), coerce=optional_id, validate_choice=False)
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=400)])
    title_ru = StringField(_l("Title in Russian"), validators=[Optional(), Length(max=400)])
    period_start = DateField(_l("Action plan: period from"), validators=[Optional()])
    period_end = DateField(_l("Action plan: period until"), validators=[Optional()])
    submit = SubmitField(_l("Open the draft"))

    def fill_choices(self, delegations: list[Delegation], language: str) -> None:
        self.delegation_id.choices = [SelectChoice(str(d.id), d.name(language)) for d in delegations]

    def to_data(self) -> PaperData:
        return PaperData(kind=self.kind.data, title_en=self.title_en.data or "", title_ru=self.title_ru.data or "",
                         period_start=self.period_start.data, period_end=self.period_end.data,
                         delegation_id=self.delegation_id.data)


class PaperEditForm(FlaskForm):
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=400)])
    title_ru = StringField(_l("Title in Russian"), validators=[Optional(), Length(max=400)])
    period_start = DateField(_l("Action plan: period from"), validators=[Optional()])
    period_end = DateField(_l("Action plan: period until"), validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def to_data(self, paper: CbmPaper) -> PaperData:
        return PaperData(kind=paper.kind, title_en=self.title_en.data or "", title_ru=self.title_ru.data or "",
                         period_start=self.period_start.data, period_end=self.period_end.data)


def paper_initial(paper: CbmPaper) -> dict:
    return {"title_en": paper.document.title_en, "title_ru": paper.document.title_ru,
            "period_start": paper.period_start, "period_end": paper.period_end}


class PaperUploadForm(UploadForm):
    """The clearing house's upload form, for the paper's document."""


class ReturnForm(FlaskForm):
    reason = TextAreaField(_l("What the coordinator should revise"),
                           validators=[Optional(), Length(max=rules.REASON_MAX)])
    submit = SubmitField(_l("Return for revision"))


class ApproveForm(FlaskForm):
    decision_id = SelectField(_l("Approved by the SOC decision"), coerce=optional_id, validate_choice=False)
    submit = SubmitField(_l("Record the approval"))

    def fill_choices(self, language: str) -> None:
        self.decision_id.choices = decision_choices(language)


class CommentForm(FlaskForm):
    text = TextAreaField(_l("Comment of your delegation"), validators=[Optional(), Length(max=rules.COMMENT_MAX)])
    submit = SubmitField(_l("Send the comment"))
