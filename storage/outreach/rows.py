"""The broadcasts table: organisers' announcements and their counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


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
