"""1:1 meetings and consultations: slots, requests, bookings, and the rules that guard them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from core.reference.errors import DomainError


class SlotKind(StrEnum):
    """A matchmaking table slot, or a consultation desk slot."""

    MEETING = "meeting"
    CONSULT = "consult"


class MeetingStatus(StrEnum):
    """A booking is live until cancelled."""

    BOOKED = "booked"
    CANCELLED = "cancelled"


class RequestStatus(StrEnum):
    """Where a meeting request stands."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    COUNTERED = "countered"


@dataclass(slots=True)
class Slot:
    """A bookable time: a matchmaking slot with `capacity` tables, or a desk slot (capacity 1)."""

    key: str
    kind: SlotKind
    owner_key: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    location: str = ""
    active: bool = True


@dataclass(slots=True)
class ConsultDesk:
    """A consultation desk (e.g. Horizon Europe proposal development) and its expert."""

    key: str
    expert: str
    topic: str
    location: str = ""
    expert_telegram_id: int | None = None


@dataclass(slots=True)
class Meeting:
    """A booked (or cancelled) meeting or consultation; `sequence` grows with every change."""

    id: int | None
    kind: SlotKind
    slot_key: str
    table: int
    people: tuple[int, ...]
    status: MeetingStatus = MeetingStatus.BOOKED
    sequence: int = 0
    request_id: int | None = None
    created_at: datetime | None = None


@dataclass(slots=True)
class MeetingRequest:
    """A request from one attendee to another, with up to three proposed slots (none = any)."""

    id: int | None
    from_id: int
    to_id: int
    slot_keys: list[str]
    note: str
    status: RequestStatus
    created_at: datetime
    expires_at: datetime
    responded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MeetingRules:
    """Organiser limits (from config)."""

    max_per_person: int = 12
    request_ttl: timedelta = timedelta(hours=24)
    max_declines: int = 2
    max_proposed: int = 3
    note_length: int = 300


@dataclass(slots=True)
class Schedule:
    """What /meetings shows one person."""

    upcoming: list[Meeting] = field(default_factory=list)
    past: list[Meeting] = field(default_factory=list)
    incoming: list[MeetingRequest] = field(default_factory=list)
    outgoing: list[MeetingRequest] = field(default_factory=list)


class BookingError(DomainError):
    """A booking rule stopped the action; `reason` tells which."""

    code = "booking"


def request_expiry(now: datetime, slots: list[Slot], rules: MeetingRules) -> datetime:
    """Requests expire after the configured time, and never after their first proposed slot."""
    expiry = now + rules.request_ttl
    if slots:
        expiry = min(expiry, *(s.starts_at for s in slots))
    return expiry


def first_free_table(capacity: int, used: set[int]) -> int | None:
    """Lowest table number not in use, or None when the slot is full."""
    for table in range(1, capacity + 1):
        if table not in used:
            return table
    return None
