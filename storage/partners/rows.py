"""Tables of partner suggestions: decisions on a suggested person and which cards were shown."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class InterestRow(Base):
    """A viewer's decision about a suggested person; one row per (viewer, person, kind)."""

    __tablename__ = "interests"

    actor_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("people.telegram_id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    target_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("people.telegram_id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
        index=True,
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    at: Mapped[datetime]


class ImpressionRow(Base):
    """Which suggestion was shown to whom (for the popularity cap and statistics)."""

    __tablename__ = "impressions"

    viewer_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("people.telegram_id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    target_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("people.telegram_id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
        index=True,
    )
    first_at: Mapped[datetime]
    last_at: Mapped[datetime]
    times: Mapped[int] = mapped_column(Integer, default=1)
