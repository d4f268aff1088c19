"""The privacy door: a copy of everything stored (/mydata), erasure (/deleteme), retention."""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.meetings.model import BookingError, MeetingStatus
from core.people.access import require_person
from core.privacy.erasure import forget_in_others_rows
from core.privacy.mydata import access_copy
from core.privacy.ports import CancelsMeetings, LeavesConsortia, LeavesSessions, UowFactory
from core.reference.errors import NotAllowed, NotConsented, NotFound

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Erasure:
    """What an erasure did (without any personal data, for the log and the reply)."""

    meetings_cancelled: int


class Privacy:
    """The privacy feature's one door: each person's rights over their own data, and retention."""

    def __init__(
        self,
        uow: UowFactory,
        meetings: CancelsMeetings,
        programme: LeavesSessions,
        consortia: LeavesConsortia | None = None,
    ) -> None:
        self.uow = uow
        #: Cancels a booked meeting and tells the partner (the meetings feature's booking).
        self.meetings = meetings
        #: Gives a held place back, promoting and telling the first person waiting.
        self.programme = programme
        #: Takes the person out of consortia: coordination passes on, the others are told.
        self.consortia = consortia

    async def my_data(self, person: int) -> bytes:
        """Everything stored about the person as pretty JSON: their own rows, anyone else in
        them by name and never by id (core/privacy/mydata.py)."""
        async with self.uow() as uow:
            await require_person(uow, person)
            document = await access_copy(uow, person)
        return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")

    async def erase_mine(self, presser: int, person: int, *, now: datetime) -> Erasure:
        """/deleteme confirmed: only one's own data, whatever id the pressed button carries."""
        self.keep_mine(presser, person)
        return await self.erase(person, now=now)

    @staticmethod
    def keep_mine(presser: int, person: int) -> None:
        """/deleteme declined: nothing changes, and only the asker's own button may say so."""
        if presser != person:
            raise NotAllowed(what="erasure")

    async def erase(self, person: int, *, now: datetime) -> Erasure:
        """Cancel future meetings (partners are told), give held places back (the first person
        waiting is promoted and told), then delete every personal row and what names the person
        in others' rows; survey and follow-up answers stay, anonymised, for the statistics."""
        cancelled = 0
        async with self.uow() as uow:
            meetings = await uow.meetings.meetings_of(person, live_only=True)
        for meeting in meetings:
            if meeting.status is MeetingStatus.BOOKED and meeting.id is not None:
                try:
                    await self.meetings.cancel(meeting.id, person, now=now)
                    cancelled += 1
                except BookingError:
                    pass  # already past: nothing to tell anyone
        async with self.uow() as uow:
            sessions = await uow.agenda.mine(person)
        for key in sessions:
            # A session gone, or an old consent: then the rows simply go below.
            with contextlib.suppress(NotFound, NotConsented):
                await self.programme.leave(person, key, now=now)
        if self.consortia is not None:
            await self.consortia.forget(person, now=now)
        async with self.uow() as uow:
            await forget_in_others_rows(uow, person)
            await uow.privacy.erase(person)
            await uow.changes.bump()  # running bots drop the person from what they hold
            await uow.commit()
        log.info("erasure done: %d future meetings cancelled", cancelled)
        return Erasure(cancelled)

    async def purge(self, *, older_than: timedelta, now: datetime, dry_run: bool) -> int:
        """Retention: erase everyone who consented longer ago than `older_than`."""
        async with self.uow() as uow:
            people = await uow.privacy.inactive_since(now - older_than)
        if not dry_run:
            for person in people:
                await self.erase(person, now=now)
        return len(people)
