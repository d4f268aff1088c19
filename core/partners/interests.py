"""What one attendee did with a suggested person: saved, skipped, or asked to meet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class InterestKind(StrEnum):
    """A viewer's decision about a suggested person."""

    SAVED = "saved"
    SKIPPED = "skipped"
    REQUESTED = "requested"


#: Either of these, from both sides, is mutual interest.
POSITIVE = frozenset({InterestKind.SAVED, InterestKind.REQUESTED})


@dataclass(frozen=True, slots=True)
class Interest:
    """One decision, with its time (a skip only lasts for a configured while)."""

    actor_id: int
    target_id: int
    kind: InterestKind
    at: datetime
