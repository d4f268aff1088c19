"""Tables of 1:1 meetings and consultations: slots, desks, meetings, requests, busy, outcomes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class SlotRow(Base):
    """A bookable time, loaded from the event file; inactive once removed from it."""

    __tablename__ = "slots"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    owner_key: Mapped[str] = mapped_column(String(64), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)


class DeskRow(Base):
    """A consultation desk and its expert."""

    __tablename__ = "desks"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    expert: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(300))
    location: Mapped[str] = mapped_column(String(200), default="")
    expert_telegram_id: Mapped[int | None] = mapped_column(BigInteger)


class MeetingRow(Base):
    """A booking; the partial unique index keeps one live meeting per table per slot."""

    __tablename__ = "meetings"
    __table_args__ = (
        Index(
            "uq_meetings_slot_table_live",
            "slot_key",
            "table_no",
            unique=True,
            sqlite_where=text("status = 'booked'"),
            postgresql_where=text("status = 'booked'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    slot_key: Mapped[str] = mapped_column(String(64), ForeignKey("slots.key"), index=True)
    table_no: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    request_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class MeetingPersonRow(Base):
    """Who is in a meeting; the partial unique index keeps a person in one live meeting a slot."""

    __tablename__ = "meeting_people"
    __table_args__ = (
        Index(
            "uq_meeting_people_person_slot_live",
            "telegram_id",
            "slot_key",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    meeting_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    telegram_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("people.telegram_id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    slot_key: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)


class MeetingRequestRow(Base):
    """A request between two attendees, with the proposed slot keys (empty = any time)."""

    __tablename__ = "meeting_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    from_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("people.telegram_id", ondelete="CASCADE"), index=True
    )
    to_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("people.telegram_id", ondelete="CASCADE"), index=True
    )
    slot_keys: Mapped[list[Any]] = mapped_column(default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    responded_at: Mapped[datetime | None]


class BusyRow(Base):
    """A slot a person marked as unavailable."""

    __tablename__ = "busy"

    telegram_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("people.telegram_id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    slot_key: Mapped[str] = mapped_column(String(64), ForeignKey("slots.key"), primary_key=True)


class OutcomeRow(Base):
    """One person's answer on how a meeting went (comment seen only by organisers)."""

    __tablename__ = "meeting_outcomes"

    meeting_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    telegram_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("people.telegram_id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    outcome: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]
