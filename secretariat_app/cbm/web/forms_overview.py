"""The GET forms of the CBM overview: the years of the matrix and the filters of
the exports. Unknown values are ignored rather than refused; the range of years
is checked by domain.cbm_visibility.year_range."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import Form, SelectChoice, SelectField

from secretariat_app.accounts.models.states import State, StateKind
from secretariat_app.cbm.models import ReportStatus
from secretariat_app.cbm.services.exports import ExportFilter
from secretariat_app.cbm.services.overview import Catalogue
from secretariat_app.cbm.web.choices import enum_choices, enum_or_none, optional_id
from secretariat_app.core.labels import ACTIVITY_STATE_LABELS, REPORT_STATUS_LABELS
from secretariat_app.core.localisation import by_name
from secretariat_app.domain.cbm_status import ActivityState
from secretariat_app.domain.cbm_visibility import EARLIEST_YEAR, YEARS_AHEAD, YearRange
from secretariat_app.extensions import db


def year_choices(today: date) -> list[SelectChoice]:
    return [SelectChoice(str(y), str(y)) for y in range(today.year + YEARS_AHEAD, EARLIEST_YEAR - 1, -1)]


class YearsForm(Form):
    """The years shown in the matrix (default: the last five up to this one)."""

    from_year = SelectField(_l("From year"), coerce=optional_id, validate_choice=False)
    to_year = SelectField(_l("To year"), coerce=optional_id, validate_choice=False)

    def fill_choices(self, today: date, years: YearRange) -> None:
        self.from_year.choices = self.to_year.choices = year_choices(today)
        # A year left blank shows the one in force; a year given is kept, even when refused.
        if self.from_year.data is None:
            self.from_year.data = years.first
        if self.to_year.data is None:
            self.to_year.data = years.last


class ExportForm(YearsForm):
    """Filters of the CSV exports; each export ignores the status filter of the other."""

    dimension = SelectField(_l("Dimension"), coerce=optional_id, validate_choice=False)
    area = SelectField(_l("Priority area"), coerce=optional_id, validate_choice=False)
    activity_state = SelectField(_l("Activity status"), coerce=enum_or_none(ActivityState), validate_choice=False)
    report_status = SelectField(_l("Annual report status"), coerce=enum_or_none(ReportStatus), validate_choice=False)
    state = SelectField(_l("Responsible or coordinating state"), coerce=optional_id, validate_choice=False)

    def fill_filter_choices(self, language: str, catalogue: Catalogue) -> None:
        self.dimension.choices = [SelectChoice("", _l("all dimensions")),
                                  *(SelectChoice(str(d.id), d.name(language)) for d in catalogue.dimensions)]
        names = {d.id: d.name(language) for d in catalogue.dimensions}
        order = {d.id: n for n, d in enumerate(catalogue.dimensions)}
        self.area.choices = [SelectChoice("", _l("all priority areas")),
                             *(SelectChoice(str(a.id), a.name(language), optgroup=names.get(a.dimension_id))
                               for a in sorted(catalogue.areas, key=lambda a: order[a.dimension_id]))]
        self.activity_state.choices = enum_choices(ACTIVITY_STATE_LABELS, _l("any status"))
        self.report_status.choices = enum_choices(REPORT_STATUS_LABELS, _l("any status"))
        states = db.session.scalars(select(State).where(State.kind == StateKind.STATE))
        self.state.choices = [SelectChoice("", _l("any state")),
                              *(SelectChoice(str(s.id), s.name(language)) for s in by_name(states, language))]

    def to_filter(self, years: YearRange) -> ExportFilter:
        return ExportFilter(years=years, dimension_id=self.dimension.data, area_id=self.area.data,
                            activity_state=self.activity_state.data, report_status=self.report_status.data,
                            state_id=self.state.data)
