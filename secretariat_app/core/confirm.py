"""A second step before an act that cannot simply be undone (submitting a CBM
report, deleting a draft): the button on the page opens a confirmation page
(GET), whose own button posts the act with `confirmed=yes`. A POST without it
does nothing and answers that page again. No JavaScript needed."""
from __future__ import annotations

from collections.abc import Sequence

from flask import render_template, request
from flask.typing import ResponseReturnValue

CONFIRMED = "yes"


def confirmed() -> bool:
    """Whether this POST came from the confirmation page's button."""
    return request.method == "POST" and request.form.get("confirmed") == CONFIRMED


def confirmation_page(heading: str, explanation: Sequence[str], action: str, confirm_label: str,
                      cancel_url: str) -> ResponseReturnValue:
    """The page asking to confirm `heading`: what will happen, the button that does it, and a way back."""
    return render_template("confirm.html", heading=heading, explanation=explanation, action=action,
                           confirm_label=confirm_label, cancel_url=cancel_url, confirmed_value=CONFIRMED)
