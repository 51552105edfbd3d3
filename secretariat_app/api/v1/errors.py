"""A rule a service refused (RuleViolations) answers 422 with each broken rule under
the field it names, in the page's words and the request's language."""
from __future__ import annotations

from flask import Response
from flask_babel import gettext as _

from secretariat_app.api.v1 import bp
from secretariat_app.core.problems import problem
from secretariat_app.domain.violations import RuleViolations


@bp.errorhandler(RuleViolations)
def broken_rule(error: RuleViolations) -> Response:
    return problem(422, _("Some of the values given are not valid."),
                   errors=[{"field": v.field, "message": v.render(_)} for v in error.violations])
