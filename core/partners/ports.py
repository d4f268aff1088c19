"""What partner suggestions need from storage: saved, skipped and requested people, and meetings."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Protocol

from core.meetings.ports import HasMeetings
from core.outbox.ports import HasOutbox
from core.partners.interests import Interest, InterestKind
from core.people.ports import HasPeople, HasProfiles
from core.ports import HasChanges, Transaction


class InterestRepository(Protocol):
    """Saved / skipped / requested decisions, and which suggestions were shown to whom."""

    async def add(self, interest: Interest) -> bool: ...

    async def remove(self, actor_id: int, target_id: int, kind: InterestKind) -> bool: ...

    async def by_actor(self, actor_id: int) -> list[Interest]: ...

    async def between(self, actor_id: int, target_id: int) -> list[Interest]: ...

    async def record_impression(self, viewer_id: int, target_id: int, at: datetime) -> bool: ...

    async def exposure_counts(self) -> dict[int, int]: ...

    async def of_kinds(self, kinds: Collection[InterestKind]) -> list[Interest]: ...


class HasInterests(Protocol):
    """A unit of work that reaches the interests repository."""

    @property
    def interests(self) -> InterestRepository: ...


class UnitOfWork(
    HasInterests, HasMeetings, HasPeople, HasProfiles, HasOutbox, HasChanges, Transaction, Protocol
):
    """One transaction over what this feature reads and writes; use cases own it."""


#: Opens a fresh unit of work; use cases take one and own the transaction.
UowFactory = Callable[[], UnitOfWork]
