"""Tables of the programme: sessions and who follows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class SessionRow(Base):
    """A programme item from the event file; inactive once removed from it."""

    __tablename__ = "sessions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    track: Mapped[str] = mapped_column(String(200), default="")
    room: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    speakers: Mapped[list[Any]] = mapped_column(default=list)
    capacity: Mapped[int | None] = mapped_column(Integer)
    registration: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)


class AttendanceRow(Base):
    """Someone following a session: subscribed, registered for a place, or on the waitlist."""

    __tablename__ = "attendance"

    session_key: Mapped[str] = mapped_column(
        String(64), ForeignKey("sessions.key", ondelete="CASCADE"), primary_key=True
    )
    telegram_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("people.telegram_id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
        index=True,
    )
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
