"""The outbox table: every message that is not a direct reply."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


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
    #: Set by each claim: a result is recorded only while the row still carries its claim's token.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
