"""The meetings door: requests, bookings, consultations and outcomes behind one object."""

from __future__ import annotations

from datetime import datetime

from core.meetings.bookings import Bookings
from core.meetings.consultations import Consultations
from core.meetings.messages import IcsBuilder
from core.meetings.model import MeetingRules
from core.meetings.outcomes import Outcomes
from core.meetings.ports import UowFactory
from core.meetings.requests import Requests
from core.meetings.slots import Booked
from core.outbox.reminders import ReminderSettings


class Meetings:
    """What handlers, jobs and other features call for 1:1 meetings and consultations.

    The use cases live in smaller classes by what they do; each owns its transaction and checks
    that the person acting may do it (the target accepts, a participant cancels)."""

    def __init__(
        self,
        uow: UowFactory,
        rules: MeetingRules,
        ics: IcsBuilder,
        reminders: ReminderSettings | None = None,
    ) -> None:
        self.rules = rules
        self.ics = ics
        self.reminders = reminders or ReminderSettings()
        self.requests = Requests(uow, rules, ics, self.reminders)
        self.bookings = Bookings(uow, rules, ics, self.reminders)
        self.consultations = Consultations(uow, rules, ics, self.reminders)
        self.outcomes = Outcomes(uow)

    async def cancel(self, meeting_id: int, by_id: int, *, now: datetime) -> Booked:
        """Cancel a meeting of mine (privacy erasure cancels every one this way)."""
        return await self.bookings.cancel(meeting_id, by_id, now=now)

    async def expire_due(self, *, now: datetime) -> int:
        """Expire pending requests past their time (the expiry job)."""
        return await self.requests.expire_due(now=now)
