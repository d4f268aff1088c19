"""GDPR by the bot itself: a copy of everything stored (/mydata), erasure (/deleteme), retention."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core.meetings.booking import Booking
from core.meetings.model import BookingError, MeetingStatus
from core.people.access import require_person
from core.privacy.ports import UowFactory

log = logging.getLogger(__name__)


async def my_data(uow_factory: UowFactory, person: int) -> bytes:
    """Everything stored about the person as pretty JSON (only their own rows)."""
    async with uow_factory() as uow:
        await require_person(uow, person)
        tables = await uow.privacy.dump(person)
    document: dict[str, Any] = {"telegram_id": person, "tables": tables}
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")


@dataclass(frozen=True, slots=True)
class Erasure:
    """What an erasure did (without any personal data, for the log and the reply)."""

    meetings_cancelled: int


async def erase(
    uow_factory: UowFactory, booking: Booking, person: int, *, now: datetime
) -> Erasure:
    """Cancel future meetings (partners are told), then delete every personal row; survey
    answers stay, anonymised, for the statistics."""
    cancelled = 0
    async with uow_factory() as uow:
        meetings = await uow.meetings.meetings_of(person, live_only=True)
    for meeting in meetings:
        if meeting.status is MeetingStatus.BOOKED and meeting.id is not None:
            try:
                await booking.cancel(meeting.id, person, now=now)
                cancelled += 1
            except BookingError:
                pass  # already past: nothing to tell anyone
    async with uow_factory() as uow:
        await uow.privacy.erase(person)
        await uow.commit()
    log.info("erasure done: %d future meetings cancelled", cancelled)
    return Erasure(cancelled)


async def purge(
    uow_factory: UowFactory,
    booking: Booking,
    *,
    older_than: timedelta,
    now: datetime,
    dry_run: bool,
) -> int:
    """Retention: erase everyone who consented longer ago than `older_than`."""
    async with uow_factory() as uow:
        people = await uow.privacy.inactive_since(now - older_than)
    if not dry_run:
        for person in people:
            await erase(uow_factory, booking, person, now=now)
    return len(people)
