"""A person's secret calendar feed: the token in the feed's URL and what the feed holds.

The token is 32 random bytes (URL-safe base64); only its SHA-256 is stored
(User.feed_token_hash), so the URL is shown once, when it is made. Making a
new one replaces the old (the old URL stops working); revoking removes it.
A wrong, revoked or altered token finds nobody."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from secretariat_app.accounts.models.people import User
from secretariat_app.audit import services as audit
from secretariat_app.core.columns import utcnow
from secretariat_app.extensions import db
from secretariat_app.meetings.models import DatePrecision, Meeting
from secretariat_app.permissions.meetings import readable_meetings

TOKEN_BYTES = 32
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")
PAST = timedelta(days=365)
AHEAD = timedelta(days=2 * 365)
MAX_EVENTS = 1000


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def has_feed(user: User) -> bool:
    return user.feed_token_hash is not None


def regenerate(user: User) -> str:
    """Give the person a new feed token (the old one stops working) and commit. Returns the raw token."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    before = {"feed": "issued"} if user.feed_token_hash else None
    user.feed_token_hash = token_hash(raw)
    audit.record(user, "user.feed_token", "user", user.id, before, {"feed": "issued"})
    db.session.commit()
    return raw


def revoke(user: User) -> bool:
    """Remove the person's feed token and commit. False when there was none."""
    if user.feed_token_hash is None:
        return False
    user.feed_token_hash = None
    audit.record(user, "user.feed_token", "user", user.id, {"feed": "issued"}, {"feed": "revoked"})
    db.session.commit()
    return True


def user_for_token(raw: str | None) -> User | None:
    """The active person whose feed token this is, or None."""
    if not raw or not TOKEN_RE.fullmatch(raw):
        return None
    user = db.session.scalar(select(User).where(User.feed_token_hash == token_hash(raw)))
    if user is None or not user.active:
        return None
    return user


def feed_urls(raw: str) -> tuple[str, str]:
    """The feed's https:// (or http://) address and its webcal:// twin."""
    path = current_app.url_map.bind("").build("calendar.feed", {"token": raw})
    https = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path
    return https, "webcal://" + https.split("://", 1)[1]


def window(now: datetime) -> tuple[datetime, datetime]:
    """The feed covers meetings starting from a year ago to two years ahead."""
    return now - PAST, now + AHEAD


def visible_meetings(user: User, now: datetime | None = None) -> list[Meeting]:
    """The meetings the person may see (permissions.meetings), in the feed's
    window, soonest first. Historical records known only to the month have no
    date to put in a calendar and are left out."""
    low, high = window(now or utcnow())
    query = (
        select(Meeting)
        .options(selectinload(Meeting.body), selectinload(Meeting.host_state))
        .where(Meeting.starts_at >= low, Meeting.starts_at <= high,
               Meeting.date_precision == DatePrecision.DAY)
    )
    readable = readable_meetings(user, query)
    if readable is None:
        return []
    return list(db.session.scalars(readable.order_by(Meeting.starts_at, Meeting.id).limit(MAX_EVENTS)))
