"""When reminders go out: lead times per kind and the digest's local time, shared by every feature
that reminds people of something."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    """Lead times per kind and the digest's local time (from config)."""

    meeting_lead: timedelta = timedelta(minutes=15)
    session_lead: timedelta = timedelta(minutes=10)
    digest_at: time = time(8, 0)
    timezone: str = "Europe/Brussels"
