"""What meetings need from storage: slots, desks, meetings, requests, outcomes, people."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from core.meetings.model import ConsultDesk, Meeting, MeetingRequest, Slot, SlotKind
from core.outbox.ports import HasOutbox
from core.people.ports import HasPeople, HasProfiles
from core.ports import Transaction


class MeetingRepository(Protocol):
    """Slots, desks, meetings, requests and busy marks."""

    async def upsert_slot(self, slot: Slot) -> None: ...

    async def get_slot(self, key: str) -> Slot | None: ...

    async def slots(
        self, kind: SlotKind | None = None, owner_key: str | None = None
    ) -> list[Slot]: ...

    async def upsert_desk(self, desk: ConsultDesk) -> None: ...

    async def desks(self) -> list[ConsultDesk]: ...

    async def add_meeting(self, meeting: Meeting, now: datetime) -> None: ...

    async def get_meeting(self, meeting_id: int) -> Meeting | None: ...

    async def cancel_meeting(self, meeting: Meeting, now: datetime) -> None: ...

    async def move_meeting(
        self, meeting: Meeting, slot_key: str, table: int, now: datetime
    ) -> None: ...

    async def meetings_of(self, person: int, *, live_only: bool = False) -> list[Meeting]: ...

    async def live_count(self, person: int, kind: SlotKind) -> int: ...

    async def taken_slots(self, person: int) -> set[str]: ...

    async def people_with_live_meetings(self) -> set[int]: ...

    async def used_tables(self, slot_key: str) -> set[int]: ...

    async def live_in_slots(self, slot_keys: list[str]) -> list[Meeting]: ...

    async def busy_slots(self, person: int) -> set[str]: ...

    async def set_busy(self, person: int, slot_key: str, busy: bool) -> None: ...

    async def add_request(self, request: MeetingRequest) -> None: ...

    async def get_request(
        self, request_id: int, *, lock: bool = False
    ) -> MeetingRequest | None: ...

    async def save_request(self, request: MeetingRequest) -> None: ...

    async def requests_of(self, person: int) -> list[MeetingRequest]: ...

    async def all_requests(self) -> list[MeetingRequest]: ...

    async def all_meetings(self) -> list[Meeting]: ...

    async def in_slots(self, slot_keys: list[str]) -> list[Meeting]: ...

    async def between(self, a: int, b: int) -> list[MeetingRequest]: ...

    async def due_to_expire(self, now: datetime) -> list[MeetingRequest]: ...


class HasMeetings(Protocol):
    """A unit of work that reaches the meetings repository."""

    @property
    def meetings(self) -> MeetingRepository: ...


class OutcomeRepository(Protocol):
    """How meetings went."""

    async def save(
        self, meeting_id: int, person: int, outcome: str, comment: str | None, at: datetime
    ) -> None: ...

    async def get(self, meeting_id: int, person: int) -> tuple[str, str | None] | None: ...

    async def all(self) -> list[tuple[int, int, str, str | None]]: ...


class HasOutcomes(Protocol):
    """A unit of work that reaches the outcomes repository."""

    @property
    def outcomes(self) -> OutcomeRepository: ...


class UnitOfWork(
    HasMeetings, HasOutcomes, HasPeople, HasProfiles, HasOutbox, Transaction, Protocol
):
    """One transaction over what this feature reads and writes; use cases own it."""


#: Opens a fresh unit of work; use cases take one and own the transaction.
UowFactory = Callable[[], UnitOfWork]
