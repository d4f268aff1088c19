"""Reminders and the morning digest: outbox rows keyed so that a change can find and drop them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.event.model import Session
from core.meetings.model import Meeting, MeetingStatus, Slot, SlotKind
from core.outbox.delivery import enqueue
from core.outbox.model import OutgoingMessage
from core.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    """Lead times per kind and the digest's local time (from config)."""

    meeting_lead: timedelta = timedelta(minutes=15)
    session_lead: timedelta = timedelta(minutes=10)
    digest_at: time = time(8, 0)
    timezone: str = "Europe/Brussels"


def dt(moment: datetime) -> dict[str, str]:
    """A time parameter the outbox renderer formats in the reader's language and zone."""
    return {"dt": moment.isoformat()}


def meeting_prefix(meeting_id: int) -> str:
    """Dedupe-key prefix of every reminder of one meeting."""
    return f"remind:m:{meeting_id}:"


def session_prefix(key: str, person: int | None = None) -> str:
    """Dedupe-key prefix of a session's reminders (one person's, or everyone's)."""
    return f"remind:s:{key}:" + ("" if person is None else f"{person}:")


async def remind_meeting(
    uow: UnitOfWork,
    meeting: Meeting,
    slot: Slot,
    names: dict[int, str],
    settings: ReminderSettings,
    now: datetime,
) -> None:
    """One reminder per person, lead time before the start; pointless (dropped) once it began."""
    if slot.starts_at <= now or meeting.id is None:
        return
    due = max(slot.starts_at - settings.meeting_lead, now)
    for person in meeting.people:
        others = ", ".join(names.get(p, "?") for p in meeting.people if p != person)
        if meeting.kind is SlotKind.MEETING:
            message = OutgoingMessage(
                key="reminders.meeting",
                params={
                    "name": others,
                    "when": dt(slot.starts_at),
                    "table": meeting.table,
                    "location": slot.location,
                },
                buttons=[
                    [
                        {"key": "reminders.button.late", "data": f"rm:l:{meeting.id}"},
                        {"key": "reminders.button.cant", "data": f"rm:x:{meeting.id}"},
                    ]
                ],
            )
        else:
            message = OutgoingMessage(
                key="reminders.consult",
                params={"when": dt(slot.starts_at), "location": slot.location},
            )
        await enqueue(
            uow,
            recipient_id=person,
            message=message,
            due_at=due,
            dedupe_key=f"{meeting_prefix(meeting.id)}s{meeting.sequence}:{person}",
            expires_at=slot.starts_at,
            now=now,
        )


async def forget_meeting(uow: UnitOfWork, meeting_id: int) -> int:
    """Drop the pending reminders of a cancelled or moved meeting (same transaction)."""
    return await uow.outbox.drop_pending(meeting_prefix(meeting_id), "meeting changed")


async def remind_session(
    uow: UnitOfWork, session: Session, person: int, settings: ReminderSettings, now: datetime
) -> None:
    """A reminder before a session the person follows."""
    if session.starts_at <= now:
        return
    await enqueue(
        uow,
        recipient_id=person,
        message=OutgoingMessage(
            key="reminders.session",
            params={"title": session.title, "when": dt(session.starts_at), "room": session.room},
        ),
        due_at=max(session.starts_at - settings.session_lead, now),
        # The start is in the key, so a moved session gets a fresh reminder, never a duplicate.
        dedupe_key=(
            f"{session_prefix(session.key, person)}"
            f"{session.starts_at:%Y%m%dT%H%M}:{int(now.timestamp() * 1000)}"
        ),
        expires_at=session.starts_at,
        now=now,
    )


async def forget_session(uow: UnitOfWork, key: str, person: int | None = None) -> int:
    """Drop pending session reminders (one person's or everyone's)."""
    return await uow.outbox.drop_pending(session_prefix(key, person), "session changed")


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
            profile = await uow.profiles.get(p)
            names[p] = (profile.full_name if profile else None) or "?"
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


async def run_digests(
    uow_factory: Callable[[], UnitOfWork], settings: ReminderSettings, now: datetime
) -> int:
    """The digest job: event days are the local days that have sessions or slots."""
    zone = ZoneInfo(settings.timezone)
    async with uow_factory() as uow:
        days = {s.starts_at.astimezone(zone).date() for s in await uow.agenda.sessions()}
        days |= {s.starts_at.astimezone(zone).date() for s in await uow.meetings.slots()}
        added = await queue_digests(uow, settings, days, now)
        await uow.commit()
        return added
