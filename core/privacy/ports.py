"""What the privacy tools need from storage: everything about one person, and their meetings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from core.meetings.ports import HasMeetings, HasOutcomes
from core.outbox.ports import HasOutbox
from core.people.ports import HasPeople, HasProfiles
from core.ports import HasChanges, Transaction


class PrivacyRepository(Protocol):
    """Everything about one person, for access and erasure requests."""

    async def dump(self, person: int) -> dict[str, list[dict[str, Any]]]: ...

    async def erase(self, person: int) -> None: ...

    async def inactive_since(self, cutoff: datetime) -> list[int]: ...


class HasPrivacy(Protocol):
    """A unit of work that reaches the privacy repository."""

    @property
    def privacy(self) -> PrivacyRepository: ...


class CancelsMeetings(Protocol):
    """The meetings feature's cancel: frees the slot and tells the partner."""

    async def cancel(self, meeting_id: int, by_id: int, *, now: datetime) -> object: ...


class UnitOfWork(
    HasPrivacy,
    HasMeetings,
    HasOutcomes,
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
