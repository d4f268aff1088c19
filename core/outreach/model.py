"""Broadcasts: an announcement, its audience, its status and its delivery report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from core.outbox.model import OutgoingMessage

AUDIENCES = ("all", "eu", "kr", "no_meeting", "unfinished")


class BroadcastStatus(StrEnum):
    """Draft until sent; sending while rows are pending; done when none are."""

    DRAFT = "draft"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(slots=True)
class Broadcast:
    """One announcement."""

    id: int | None
    author_id: int
    message: OutgoingMessage
    status: BroadcastStatus
    created_at: datetime
    audience: str = ""
    total: int = 0
    sent_at: datetime | None = None
    progress_message_id: int | None = None


@dataclass(slots=True)
class Report:
    """Delivery so far: sent, blocked the bot, failed (with reasons), still pending."""

    total: int
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    pending: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        """Nothing left to try."""
        return self.pending == 0


def valid_audience(audience: str) -> bool:
    """Fixed segments, a sector (sector.<name>) or a session's followers (session.<key>)."""
    if audience in AUDIENCES:
        return True
    kind, _, value = audience.partition(".")
    return kind in ("sector", "session") and 0 < len(value) <= 64


def prefix(broadcast_id: int) -> str:
    """Dedupe-key prefix of one broadcast's outbox rows."""
    return f"broadcast:{broadcast_id}:"
