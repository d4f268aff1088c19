"""What consortium building needs from storage: topics, consortia and their members."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from core.consortia.model import Consortium, Member, Topic
from core.meetings.ports import HasMeetings
from core.outbox.ports import HasOutbox
from core.partners.ports import HasInterests
from core.people.ports import HasPeople, HasProfiles
from core.ports import HasChanges, Transaction


class ConsortiumRepository(Protocol):
    """Declared call topics; consortia with their members (names are filled by the door)."""

    async def set_topics(self, topics: Sequence[Topic]) -> None: ...

    async def topics(self) -> list[Topic]: ...

    async def topic(self, topic_id: str) -> Topic | None: ...

    async def add(self, consortium: Consortium) -> int: ...

    async def get(self, consortium_id: int, *, lock: bool = False) -> Consortium | None: ...

    async def of_person(self, person: int) -> list[Consortium]: ...

    async def all(self) -> list[Consortium]: ...

    async def save_member(self, consortium_id: int, member: Member) -> None: ...

    async def remove_member(self, consortium_id: int, person: int) -> bool: ...

    async def set_coordinator(self, consortium_id: int, person: int) -> None: ...

    async def close(self, consortium_id: int, at: datetime) -> None: ...

    async def touch(self, consortium_id: int) -> int: ...

    async def card_message(self, consortium_id: int, person: int) -> tuple[int, str] | None: ...

    async def remember_card(
        self, consortium_id: int, person: int, message_id: int, fingerprint: str, at: datetime
    ) -> None: ...

    async def forget_card(self, consortium_id: int, person: int) -> None: ...


class HasConsortia(Protocol):
    """A unit of work that reaches the consortia repository."""

    @property
    def consortia(self) -> ConsortiumRepository: ...


class UnitOfWork(
    HasConsortia,
    HasInterests,
    HasMeetings,
    HasPeople,
    HasProfiles,
    HasOutbox,
    HasChanges,
    Transaction,
    Protocol,
):
    """One transaction over what this feature reads and writes; use cases own it."""


#: Opens a fresh unit of work; use cases take one and own the transaction.
UowFactory = Callable[[], UnitOfWork]
