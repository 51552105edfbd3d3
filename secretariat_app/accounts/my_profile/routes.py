"""The profile page: the person's language and time zone (saved here, audited),
their mail preferences (the form of notices.my_notices, which saves them and comes
back here), their calendar feed (made, replaced or revoked on the calendar's page)
and links to the password change, the second factor and the sessions."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _

from secretariat_app.accounts.my_profile import bp
from secretariat_app.accounts.my_profile.forms import ProfileForm
from secretariat_app.accounts.reader import current_user_row
from secretariat_app.accounts.services import profile as profile_service
from secretariat_app.core.forms import show_violations
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.meetings.calendar.routes import RegenerateForm, RevokeForm
from secretariat_app.meetings.services import feeds
from secretariat_app.notices.my_notices.forms import PreferencesForm
from secretariat_app.permissions import Audience, access


@bp.route("/", methods=["GET", "POST"])
@access(Audience.AUTHENTICATED)
def index() -> ResponseReturnValue:
    user = current_user_row()
    form = ProfileForm() if request.method == "POST" else ProfileForm(
        data={"language": user.language, "timezone": profile_service.shown_timezone(user)})
    form.fill_choices()
    if form.validate_on_submit():
        try:
            profile_service.update_profile(user, form.language.data, form.timezone.data)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            with force_locale(user.language):  # the message in the language just chosen
                flash(_("Your profile has been saved."), "success")
            return redirect(url_for("my_profile.index"))
    return render_template(
        "my_profile/index.html", form=form, preferences=PreferencesForm.for_user(user),
        has_feed=feeds.has_feed(user), regenerate_form=RegenerateForm(), revoke_form=RevokeForm(),
    )
