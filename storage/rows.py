"""The tables of the foundation: people, consents, profiles, invites and the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
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


class OrganiserRow(Base):
    """Organisers added with `forumbot organisers add` (on top of those in the config)."""

    __tablename__ = "organisers"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    added_at: Mapped[datetime]


class BroadcastRow(Base):
    """An announcement: its message, audience, author and where its progress is shown."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    author_id: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]]
    audience: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[str] = mapped_column(String(16))
    total: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)


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


class SurveyRow(Base):
    """The event survey's definition (one row), as loaded from the event file."""

    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition: Mapped[dict[str, Any]]


class SurveyResponseRow(Base):
    """Where one person is with the survey: answering, finished, or opted out."""

    __tablename__ = "survey_responses"

    telegram_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("people.telegram_id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    status: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime]


class SurveyAnswerRow(Base):
    """One answer; kept (without a person) when someone erases their data."""

    __tablename__ = "survey_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    telegram_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("people.telegram_id", ondelete="SET NULL"), index=True
    )
    question_key: Mapped[str] = mapped_column(String(32))
    value: Mapped[dict[str, Any]]
    at: Mapped[datetime]


class FollowUpRow(Base):
    """Answer to the follow-up N days after the event."""

    __tablename__ = "followups"

    telegram_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("people.telegram_id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    days: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    partners: Mapped[list[Any]] = mapped_column(default=list)
    proposal: Mapped[str | None] = mapped_column(String(16))
    at: Mapped[datetime]
