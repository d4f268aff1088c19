"""The desk's one door: login, the pages' reads, and the two actions organisers may take.

Every method but the login itself takes the organiser on the desk and checks again, from the
database, that they still are one (a removed organiser is refused at their next request)."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.desk import boards
from core.desk.login import Login
from core.desk.ports import UowFactory
from core.meetings.door import Meetings
from core.meetings.model import Slot
from core.people.access import AccessPolicy
from core.reference.errors import NotAllowed, NotFound


class Desk:
    """The organisers' web desk."""

    def __init__(
        self,
        uow: UowFactory,
        policy: AccessPolicy,
        meetings: Meetings,
        *,
        secret: str | None,
        idle: timedelta = timedelta(minutes=30),
    ) -> None:
        self.uow = uow
        self.meetings = meetings
        #: Links, sessions, and the organiser check.
        self.login = Login(uow, policy, secret, idle=idle)

    async def _require(self, organiser: int) -> None:
        async with self.uow() as uow:
            if not await self.login.is_organiser(uow, organiser):
                raise NotAllowed(what="organiser")

    async def grid(self, organiser: int, round_key: str | None, *, now: datetime) -> boards.Grid:
        """The meeting grid of a round."""
        async with self.uow() as uow:
            if not await self.login.is_organiser(uow, organiser):
                raise NotAllowed(what="organiser")
            return await boards.grid(uow, round_key, now=now)

    async def day(
        self, organiser: int, person: int, *, now: datetime
    ) -> tuple[boards.Who, list[boards.DayItem]]:
        """One person's day (meetings, consultations, sessions)."""
        async with self.uow() as uow:
            if not await self.login.is_organiser(uow, organiser):
                raise NotAllowed(what="organiser")
            if await uow.people.get(person) is None:
                raise NotFound(what="person")
            return await boards.day_of(uow, person, now=now)

    async def attendees(
        self,
        organiser: int,
        *,
        query: str = "",
        delegation: str = "",
        sector: str = "",
        complete: str = "",
    ) -> list[boards.Attendee]:
        """The attendee list, filtered and searched."""
        async with self.uow() as uow:
            if not await self.login.is_organiser(uow, organiser):
                raise NotAllowed(what="organiser")
            return await boards.attendees(
                uow, query=query, delegation_is=delegation, sector_is=sector, complete=complete
            )

    async def requests(self, organiser: int, *, now: datetime) -> list[boards.RequestRow]:
        """Every meeting request."""
        async with self.uow() as uow:
            if not await self.login.is_organiser(uow, organiser):
                raise NotAllowed(what="organiser")
            return await boards.requests(uow, now=now)

    async def meeting(
        self, organiser: int, meeting_id: int, *, now: datetime
    ) -> tuple[boards.Cell, Slot]:
        """One meeting and its slot."""
        async with self.uow() as uow:
            if not await self.login.is_organiser(uow, organiser):
                raise NotAllowed(what="organiser")
            return await boards.meeting(uow, meeting_id, now=now)

    def reference(self, person: int) -> str:
        """An opaque, signed name for a person in the desk's addresses (no ids in URLs)."""
        return self.login.sign("person", person)[:20]

    async def person_by_reference(self, organiser: int, ref: str) -> int:
        """The person behind a reference, or NotFound."""
        async with self.uow() as uow:
            if not await self.login.is_organiser(uow, organiser):
                raise NotAllowed(what="organiser")
            for person in await uow.people.everyone():
                if self.reference(person.telegram_id) == ref:
                    return person.telegram_id
        raise NotFound(what="person")

    async def mark_no_show(self, organiser: int, meeting_id: int, *, now: datetime) -> bool:
        """Record that a meeting did not take place; both people are told."""
        await self._require(organiser)
        return await self.meetings.outcomes.mark_no_show(meeting_id, now=now)

    async def cancel(self, organiser: int, meeting_id: int, *, now: datetime) -> None:
        """Cancel a meeting; both people are told, with the cancelled .ics."""
        await self._require(organiser)
        await self.meetings.bookings.cancel_at_desk(meeting_id, now=now)
