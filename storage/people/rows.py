"""Tables about people: who they are, their consent, profile, invite and registration."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
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
    timezone: Mapped[str | None] = mapped_column(String(64))
    #: The Telegram @username last seen (lower case), for invitations by @username.
    username: Mapped[str | None] = mapped_column(String(32), index=True)


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
    #: ORCID iD the person gave (0000-0000-0000-000X), not verified as theirs.
    orcid: Mapped[str | None] = mapped_column(String(19))


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


class InviteRow(Base):
    """A single-use code; `used_by` is unique so one account holds at most one code."""

    __tablename__ = "invites"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime]
    used_by: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    used_at: Mapped[datetime | None]


class OrganiserRow(Base):
    """Organisers added with `forumbot organisers add` (on top of those in the config)."""

    __tablename__ = "organisers"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    added_at: Mapped[datetime]
    #: Set by `forumbot organisers remove`; the row goes once the running bot reset their menu.
    removed_at: Mapped[datetime | None]


class RegistrationRow(Base):
    """An imported registration, keyed by email; claimed when its invite is used."""

    __tablename__ = "registrations"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    sector: Mapped[str | None] = mapped_column(String(16))
    expertise: Mapped[list[Any]] = mapped_column(default=list)
    offers: Mapped[str] = mapped_column(Text, default="")
    seeks: Mapped[str] = mapped_column(Text, default="")
    publications: Mapped[list[Any]] = mapped_column(default=list)
    invite_code: Mapped[str | None] = mapped_column(String(64), unique=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime]
