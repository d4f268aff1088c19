"""Tables of consortium building: declared call topics, consortia and their members."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class TopicRow(Base):
    """A call topic from the event file's [[topics]] (not about any person)."""

    __tablename__ = "consortium_topics"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    action: Mapped[str | None] = mapped_column(String(16))
    pillar: Mapped[str | None] = mapped_column(String(8))
    allowed: Mapped[list[Any]] = mapped_column(default=list)
    excluded: Mapped[list[Any]] = mapped_column(default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ConsortiumRow(Base):
    """A proposal team in the making; its coordinator is one of its members."""

    __tablename__ = "consortia"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    topic_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    coordinator_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("people.telegram_id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    #: Bumped by every change, so each change's notices are told once per member.
    version: Mapped[int] = mapped_column(Integer, default=1)


class ConsortiumMemberRow(Base):
    """One person invited to or in a consortium, and the legal entity they would sign for."""

    __tablename__ = "consortium_members"

    consortium_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("consortia.id", ondelete="CASCADE"), primary_key=True
    )
    telegram_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("people.telegram_id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
        index=True,
    )
    status: Mapped[str] = mapped_column(String(16))
    #: Who invited them (named, never identified, in the access copy).
    from_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("people.telegram_id", ondelete="SET NULL")
    )
    at: Mapped[datetime]
    entity_name: Mapped[str | None] = mapped_column(String(200))
    entity_country: Mapped[str | None] = mapped_column(String(2))
    entity_kind: Mapped[str | None] = mapped_column(String(16))
    entity_pic: Mapped[str | None] = mapped_column(String(9))
    entity_affiliated: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The member whose entity theirs is affiliated with (named, never identified, in the
    #: access copy; cleared when that member leaves).
    affiliated_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("people.telegram_id", ondelete="SET NULL")
    )


class CardMessageRow(Base):
    """The chat message that last showed a person a consortium's card, so every change edits
    it in place; `fingerprint` is what it shows, so an edit that would change nothing is not
    sent."""

    __tablename__ = "consortium_cards"

    consortium_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("consortia.id", ondelete="CASCADE"), primary_key=True
    )
    telegram_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("people.telegram_id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
        index=True,
    )
    message_id: Mapped[int] = mapped_column(BigInteger)
    fingerprint: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]
