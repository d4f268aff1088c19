"""What the desk needs from storage: login links, sessions, and everything its pages read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from core.desk.model import DeskSession, LoginLink
from core.meetings.ports import HasMeetings, HasOutcomes
from core.people.ports import HasOrganisers, HasPeople, HasProfiles
from core.ports import Transaction
from core.programme.ports import HasAgenda


class DeskRepository(Protocol):
    """Login links and sessions."""

    async def add_link(self, link: LoginLink) -> None: ...

    async def get_link(self, id_hash: str) -> LoginLink | None: ...

    async def use_link(self, id_hash: str, at: datetime) -> bool: ...

    async def add_session(self, session: DeskSession) -> None: ...

    async def get_session(self, id_hash: str) -> DeskSession | None: ...

    async def touch_session(self, id_hash: str, at: datetime) -> None: ...

    async def drop_session(self, id_hash: str) -> None: ...

    async def drop_old(self, links_before: datetime, sessions_before: datetime) -> None: ...


class HasDesk(Protocol):
    """A unit of work that reaches the desk repository."""

    @property
    def desk(self) -> DeskRepository: ...


class UnitOfWork(
    HasDesk,
    HasOrganisers,
    HasPeople,
    HasProfiles,
    HasMeetings,
    HasOutcomes,
    HasAgenda,
    Transaction,
    Protocol,
):
    """One transaction over what the desk reads and writes."""


#: Opens a fresh unit of work.
UowFactory = Callable[[], UnitOfWork]
