"""The ports every feature shares: the clock, the transaction a unit of work opens, and the
counter of changes made by other processes.

Each feature declares the repositories it needs in its own `ports.py`
(`core/<feature>/ports.py`: repository protocols, `HasX` pieces and its `UnitOfWork`), so a
feature depends only on what it uses; storage's unit of work satisfies them all.
"""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Protocol, Self


class Clock(Protocol):
    """Where `now` comes from; tests inject a clock they move by hand."""

    def now(self) -> datetime: ...


class Transaction(Protocol):
    """One transaction over some repositories; use cases own it, repositories never commit."""

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class ChangeCounter(Protocol):
    """Counts changes other processes must notice (an erasure, a purge, an import): bump it in
    the changing transaction; compare it before trusting anything kept in memory."""

    async def bump(self) -> None: ...

    async def current(self) -> int: ...


class HasChanges(Protocol):
    """A unit of work that reaches the change counter."""

    @property
    def changes(self) -> ChangeCounter: ...
