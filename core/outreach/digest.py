"""The morning digest: on an event day, one message per person with their meetings and sessions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.meetings.model import MeetingStatus, SlotKind
from core.outbox.delivery import enqueue
from core.outbox.model import OutgoingMessage, dt
from core.outbox.reminders import ReminderSettings
from core.outreach.ports import UnitOfWork, UowFactory
from core.people.visibility import Viewer, name_seen


def digest_moment(day_start_local: datetime, settings: ReminderSettings) -> datetime:
    """When the digest of a local day goes out."""
    return day_start_local.replace(hour=settings.digest_at.hour, minute=settings.digest_at.minute)


async def queue_digests(
    uow: UnitOfWork, settings: ReminderSettings, event_days: set[Any], now: datetime
) -> int:
    """On an event day, once the digest time has come, one digest per person who has meetings
    or followed sessions that day; the dedupe key makes a second run add nothing."""
    zone = ZoneInfo(settings.timezone)
    local = now.astimezone(zone)
    if local.date() not in event_days or local.time() < settings.digest_at:
        return 0
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    day_end = day_start + timedelta(days=1)
    items: dict[int, list[tuple[datetime, dict[str, Any]]]] = {}
    slots = {s.key: s for s in await uow.meetings.slots()}
    todays = [s.key for s in slots.values() if day_start <= s.starts_at < day_end]
    for meeting in await uow.meetings.live_in_slots(todays) if todays else []:
        if meeting.status is not MeetingStatus.BOOKED:
            continue
        slot = slots[meeting.slot_key]
        names: dict[int, str] = {}
        for p in meeting.people:
            names[p] = name_seen(await uow.profiles.get(p), Viewer.PARTNER)
        for person in meeting.people:
            other = ", ".join(names[p] for p in meeting.people if p != person)
            key = (
                "reminders.item_meeting"
                if meeting.kind is SlotKind.MEETING
                else ("reminders.item_consult")
            )
            items.setdefault(person, []).append(
                (
                    slot.starts_at,
                    {
                        "key": key,
                        "params": {
                            "when": dt(slot.starts_at),
                            "name": other,
                            "table": meeting.table,
                            "location": slot.location,
                        },
                    },
                )
            )
    for session in await uow.agenda.sessions():
        if not day_start <= session.starts_at < day_end:
            continue
        for person, status, _at in await uow.agenda.followers(session.key):
            if status.value in ("subscribed", "registered"):
                items.setdefault(person, []).append(
                    (
                        session.starts_at,
                        {
                            "key": "reminders.item_session",
                            "params": {
                                "when": dt(session.starts_at),
                                "title": session.title,
                                "room": session.room,
                            },
                        },
                    )
                )
    added = 0
    for person, entries in items.items():
        entries.sort(key=lambda e: e[0])
        added += await enqueue(
            uow,
            recipient_id=person,
            message=OutgoingMessage(
                key="reminders.digest", params={"items": [e[1] for e in entries]}
            ),
            due_at=now,
            dedupe_key=f"digest:{local.date().isoformat()}:{person}",
            expires_at=day_end,
            now=now,
        )
    return added


class Digests:
    """The digest job's use case: event days are the local days that have sessions or slots."""

    def __init__(self, uow: UowFactory, settings: ReminderSettings) -> None:
        self.uow = uow
        self.settings = settings

    async def run(self, *, now: datetime) -> int:
        """Queue today's digests once their time has come; returns how many were added."""
        zone = ZoneInfo(self.settings.timezone)
        async with self.uow() as uow:
            days = {s.starts_at.astimezone(zone).date() for s in await uow.agenda.sessions()}
            days |= {s.starts_at.astimezone(zone).date() for s in await uow.meetings.slots()}
            added = await queue_digests(uow, self.settings, days, now)
            await uow.commit()
            return added
