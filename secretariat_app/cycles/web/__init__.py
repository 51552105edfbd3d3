"""The cycle rules: next due meetings, findings and the timeline."""
from flask import Blueprint

from secretariat_app.cycles.services.texts import finding_text, justification_text

bp = Blueprint("cycles", __name__, url_prefix="/cycles")
# A finding in the reader's language, on pages and in mails.
bp.add_app_template_global(finding_text, "finding_text")
bp.add_app_template_global(justification_text, "justification_text")

from secretariat_app.cycles.web import routes  # noqa: E402,F401
