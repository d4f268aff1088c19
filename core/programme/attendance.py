"""The programme: sessions, subscriptions, and capacity-limited sign-up with a waitlist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.programme.sessions import Session


class Attendance(StrEnum):
    """How someone follows a session."""

    SUBSCRIBED = "subscribed"  # reminders only, no place to reserve
    REGISTERED = "registered"  # holds one of the places
    WAITLISTED = "waitlisted"  # waits for a place, first come first served


#: Statuses that get reminders.
ATTENDING = frozenset({Attendance.SUBSCRIBED, Attendance.REGISTERED})


@dataclass(frozen=True, slots=True)
class SessionView:
    """A session as one person sees it: with places left and their own status."""

    session: Session
    mine: Attendance | None
    taken: int
    waitlist_position: int | None = None

    @property
    def places_left(self) -> int | None:
        """None when the session has no limit."""
        cap = self.session.capacity
        if not self.session.registration or cap is None:
            return None
        return max(cap - self.taken, 0)


def first_status(session: Session, taken: int) -> Attendance:
    """What a new sign-up gets: a place while places last, then the waitlist."""
    if not session.registration or session.capacity is None:
        return Attendance.SUBSCRIBED if not session.registration else Attendance.REGISTERED
    return Attendance.REGISTERED if taken < session.capacity else Attendance.WAITLISTED


def now_and_next(sessions: list[Session], now: datetime, limit: int = 6) -> list[Session]:
    """Sessions running now, then the next ones, in time order."""
    running = [s for s in sessions if s.starts_at <= now < s.ends_at]
    upcoming = [s for s in sessions if s.starts_at > now]
    return (running + upcoming)[: max(limit, len(running))]
