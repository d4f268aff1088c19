"""What the privacy tools need from storage: everything about one person, and their meetings."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from core.consortia.ports import HasConsortia
from core.meetings.ports import HasMeetings, HasOutcomes
from core.outbox.ports import HasOutbox
from core.people.ports import HasPeople, HasProfiles
from core.ports import HasChanges, Transaction
from core.programme.ports import HasAgenda


@dataclass(frozen=True, slots=True)
class Someone:
    """Another person named in one's own rows; the access copy names them, never shows the id."""

    telegram_id: int
    #: They acted on the person (saved, skipped, looked at their card): their choice stays theirs.
    anonymous: bool = False


class PrivacyRepository(Protocol):
    """Everything about one person, for access and erasure requests (`dump` gives plain values,
    with anyone else in the rows as `Someone`)."""

    async def dump(self, person: int) -> dict[str, list[dict[str, Any]]]: ...

    async def scrub_undelivered(self, person: int, mentions: Collection[str]) -> int: ...

    async def erase(self, person: int) -> None: ...

    async def inactive_since(self, cutoff: datetime) -> list[int]: ...


class HasPrivacy(Protocol):
    """A unit of work that reaches the privacy repository."""

    @property
    def privacy(self) -> PrivacyRepository: ...


class CancelsMeetings(Protocol):
    """The meetings feature's cancel: frees the slot and tells the partner."""

    async def cancel(self, meeting_id: int, by_id: int, *, now: datetime) -> object: ...


class LeavesSessions(Protocol):
    """The programme feature's leave: a place given back goes to the first person waiting,
    who is told."""

    async def leave(self, person: int, key: str, *, now: datetime) -> int | None: ...


class LeavesConsortia(Protocol):
    """The consortia feature's erasure: the person leaves every consortium, coordination passes
    on, the others are told."""

    async def forget(self, person: int, *, now: datetime) -> None: ...


class UnitOfWork(
    HasConsortia,
    HasPrivacy,
    HasMeetings,
    HasOutcomes,
    HasAgenda,
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
