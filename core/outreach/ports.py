"""What broadcasts and the digest need from storage: audiences, meetings and sessions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from core.meetings.ports import HasMeetings
from core.outbox.ports import HasOutbox
from core.outreach.model import Broadcast, BroadcastStatus
from core.people.ports import HasPeople, HasProfiles
from core.ports import Transaction
from core.programme.ports import HasAgenda


class BroadcastRepository(Protocol):
    """Announcements."""

    async def add(self, item: Broadcast) -> None: ...

    async def get(self, broadcast_id: int) -> Broadcast | None: ...

    async def save(self, item: Broadcast) -> None: ...

    async def with_status(self, status: BroadcastStatus) -> list[Broadcast]: ...

    async def recent(self, limit: int) -> list[Broadcast]: ...


class HasBroadcasts(Protocol):
    """A unit of work that reaches the broadcasts repository."""

    @property
    def broadcasts(self) -> BroadcastRepository: ...


class UnitOfWork(
    HasBroadcasts, HasAgenda, HasMeetings, HasPeople, HasProfiles, HasOutbox, Transaction, Protocol
):
    """One transaction over what this feature reads and writes; use cases own it."""


#: Opens a fresh unit of work; use cases take one and own the transaction.
UowFactory = Callable[[], UnitOfWork]
