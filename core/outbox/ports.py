"""What the outbox needs from storage: the outbox table, and people to mark unreachable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from core.outbox.model import OutboxRow, Status
from core.people.ports import HasPeople
from core.ports import Transaction


class OutboxRepository(Protocol):
    """The durable outbox table."""

    async def enqueue(self, row: OutboxRow) -> bool: ...

    async def enqueue_many(self, rows: list[OutboxRow]) -> int: ...

    async def mark_sent(self, ids: list[int], at: datetime, *, token: str | None) -> int: ...

    async def claim_due(
        self, now: datetime, limit: int, lease_until: datetime, token: str | None = None
    ) -> list[OutboxRow]: ...

    async def save(self, row: OutboxRow) -> bool: ...

    async def cancel_pending_for(self, recipient_id: int, status: str, reason: str) -> int: ...

    async def get_by_key(self, dedupe_key: str) -> OutboxRow | None: ...

    async def drop_pending(self, prefix: str, reason: str) -> int: ...

    async def pending_keys(self, prefix: str) -> list[str]: ...

    async def statuses(self, prefix: str) -> list[tuple[Status, str | None]]: ...


class HasOutbox(Protocol):
    """A unit of work that reaches the outbox repository."""

    @property
    def outbox(self) -> OutboxRepository: ...


class UnitOfWork(HasOutbox, HasPeople, Transaction, Protocol):
    """One transaction over what this feature reads and writes; use cases own it."""


#: Opens a fresh unit of work; use cases take one and own the transaction.
UowFactory = Callable[[], UnitOfWork]
