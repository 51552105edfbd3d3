"""The one table of core: the generation of the rows that web processes cache
(core/cache_generation.py says how it is read and changed)."""
from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint
from sqlalchemy.orm import Mapped, mapped_column

from secretariat_app.extensions import Model


class CacheGeneration(Model):
    """One row (id 1): a number drawn afresh in every transaction that changes a
    row some process keeps in memory. Absent until the first such change."""

    __tablename__ = "cache_generation"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(BigInteger)
