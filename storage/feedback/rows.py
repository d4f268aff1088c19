"""Tables of feedback: the survey, its responses and answers, and the follow-up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


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
