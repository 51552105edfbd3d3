"""One's own profile: the language of the pages and mail, and the time zone times
are shown in. Any signed-in person changes their own; audited."""
from __future__ import annotations

from flask import current_app

from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.services.users import check_language_and_zone
from secretariat_app.audit import services as audit
from secretariat_app.core.localisation import is_known_timezone
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db

PROFILE_FIELDS = ("language", "timezone")


def shown_timezone(user: User) -> str:
    """The zone the person's times are shown in: their own, or the forum's when they have none."""
    zone = user.timezone
    return zone if is_known_timezone(zone) else current_app.config["FORUM_TIMEZONE"]


def update_profile(user: User, language: str | None, timezone: str | None) -> bool:
    """Set the person's language and time zone and commit; the change is audited
    ("user.profile", before and after). RuleViolations (nothing written) for a
    language that is not English or Russian or a zone the server does not know.
    Returns whether anything changed."""
    timezone = (timezone or "").strip()
    violations = check_language_and_zone(language, timezone)
    if violations:
        db.session.rollback()
        raise RuleViolations(violations)
    assert language is not None  # check_language_and_zone refuses None
    before = audit.snapshot(user, PROFILE_FIELDS)
    user.language, user.timezone = language, timezone
    after = audit.snapshot(user, PROFILE_FIELDS)
    if before != after:
        audit.record(user, "user.profile", "user", user.id, before, after)
    db.session.commit()
    return before != after
