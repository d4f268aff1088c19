"""A programme session: a plenary, track session or study visit people attend together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.reference.rules import RuleBroken, after, positive
from core.reference.utc import as_utc


@dataclass(frozen=True, slots=True)
class Session:
    """An item of the programme people attend together (plenary, track session, study visit)."""

    key: str
    title: str
    track: str
    room: str
    starts_at: datetime
    ends_at: datetime
    speakers: tuple[str, ...] = ()
    #: Places for sign-up (None: no limit); only enforced when registration is needed.
    capacity: int | None = None
    registration: bool = False
    description: str = ""

    def __post_init__(self) -> None:
        """Keep times in UTC and refuse sessions that end before they start or hold nobody."""
        starts_at = as_utc(self.starts_at, "starts_at")
        ends_at = as_utc(self.ends_at, "ends_at")
        problem = after(starts_at, ends_at)
        if problem:
            raise RuleBroken(f"session {self.key!r}", ("ends_at",), problem)
        problem = positive(self.capacity) if self.capacity is not None else None
        if problem:
            raise RuleBroken(f"session {self.key!r}", ("capacity",), problem)
        object.__setattr__(self, "starts_at", starts_at)
        object.__setattr__(self, "ends_at", ends_at)
