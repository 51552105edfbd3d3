"""The chairmanship ledger: who chairs CICA on a given day."""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from secretariat_app.extensions import db
from secretariat_app.models.chair import Chairmanship


def chair_on(day: date) -> Chairmanship | None:
    """The chairmanship in force on `day`, if the ledger has one."""
    return db.session.scalar(
        select(Chairmanship)
        .where(Chairmanship.starts_on <= day, or_(Chairmanship.ends_on.is_(None), Chairmanship.ends_on >= day))
        .order_by(Chairmanship.starts_on.desc())
        .limit(1)
    )
