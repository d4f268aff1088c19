"""The tables of the foundation: people, consents, profiles, invites and the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class PersonRow(Base):
    """Created at consent; before that we hold nothing but (maybe) an invite binding."""

    __tablename__ = "people"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str] = mapped_column(String(8))
    consent_version: Mapped[int] = mapped_column(Integer)
    consented_at: Mapped[datetime]
    awaiting_field: Mapped[str | None] = mapped_column(String(32))
    awaiting_mode: Mapped[str | None] = mapped_column(String(16))
    unreachable_at: Mapped[datetime | None]


class ConsentRow(Base):
    """Append-only evidence of each decision on a notice version."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    telegram_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("people.telegram_id", ondelete="CASCADE"), index=True
    )
    notice_version: Mapped[int] = mapped_column(Integer)
    accepted: Mapped[bool]
    at: Mapped[datetime]


class ProfileRow(Base):
    """One profile per person; expertise is a JSON list of {label, term_id}."""

    __tablename__ = "profiles"

    telegram_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("people.telegram_id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    full_name: Mapped[str | None] = mapped_column(String(100))
    organisation: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    sector: Mapped[str | None] = mapped_column(String(16))
    career_stage: Mapped[str | None] = mapped_column(String(16))
    expertise: Mapped[list[Any]] = mapped_column(default=list)
    offers: Mapped[str | None] = mapped_column(Text)
    seeks: Mapped[str | None] = mapped_column(Text)
    he_interests: Mapped[str | None] = mapped_column(Text)
    bio: Mapped[str | None] = mapped_column(Text)
    skipped: Mapped[list[Any]] = mapped_column(default=list)
    visibility: Mapped[str] = mapped_column(String(16), default="all", server_default="all")
    hidden_fields: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")


class PublicationRow(Base):
    """Papers pasted by the person or imported by organisers, in the order given."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    telegram_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("profiles.telegram_id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    abstract: Mapped[str] = mapped_column(Text, default="")


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


class InviteRow(Base):
    """A single-use code; `used_by` is unique so one account holds at most one code."""

    __tablename__ = "invites"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime]
    used_by: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    used_at: Mapped[datetime | None]


class OutboxRowModel(Base):
    """Every message that is not a direct reply, until it is sent, given up, or dropped."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("dedupe_key"),
        Index("ix_outbox_status_due_at", "status", "due_at"),
        Index("ix_outbox_recipient_id", "recipient_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recipient_id: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]]
    due_at: Mapped[datetime]
    dedupe_key: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
