"""What the programme needs from storage: sessions and who follows them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from core.outbox.ports import HasOutbox
from core.people.ports import HasPeople, HasProfiles
from core.ports import Transaction
from core.programme.attendance import Attendance
from core.programme.sessions import Session


class AgendaRepository(Protocol):
    """Sessions and attendance."""

    async def upsert_session(self, item: Session, *, active: bool = True) -> None: ...

    async def sessions(self) -> list[Session]: ...

    async def get_session(self, key: str) -> Session | None: ...

    async def attendance(self, key: str, person: int) -> Attendance | None: ...

    async def set_attendance(
        self, key: str, person: int, status: Attendance, at: datetime
    ) -> None: ...

    async def remove_attendance(self, key: str, person: int) -> None: ...

    async def followers(self, key: str) -> list[tuple[int, Attendance, datetime]]: ...

    async def mine(self, person: int) -> dict[str, Attendance]: ...

    async def registered_counts(self) -> dict[str, int]: ...


class HasAgenda(Protocol):
    """A unit of work that reaches the agenda repository."""

    @property
    def agenda(self) -> AgendaRepository: ...


class UnitOfWork(HasAgenda, HasPeople, HasProfiles, HasOutbox, Transaction, Protocol):
    """One transaction over what this feature reads and writes; use cases own it."""


#: Opens a fresh unit of work; use cases take one and own the transaction.
UowFactory = Callable[[], UnitOfWork]
