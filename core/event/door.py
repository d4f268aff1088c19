"""The event feature's door: set the event up from its file, refusing to drop bookings silently."""

from __future__ import annotations

from datetime import datetime

from core.event.loading import LoadReport, load_event
from core.event.model import Event
from core.event.ports import UowFactory
from core.event.preview import LoadPreview, preview_load
from core.meetings.messages import calendar_for


class EventSetup:
    """Loads the programme (rounds, desks, sessions, survey) into the other features' tables."""

    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def load(self, event: Event, *, force: bool, now: datetime) -> LoadReport:
        """Create or update; removing booked slots needs `force`, which cancels and tells people."""
        ics = calendar_for(event.name)  # cancellations name the event as its file does
        return await load_event(self.uow, event, force=force, now=now, ics=ics)

    async def preview(self, event: Event) -> LoadPreview:
        """What `load` would change, and which followed sessions it would move or drop."""
        return await preview_load(self.uow, event)
