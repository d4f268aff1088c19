"""One calendar for the whole event: a person's meetings, consultations and the sessions they
follow or signed up for, or the whole programme for organisers; UIDs are those of the
per-meeting files, so calendar apps update entries instead of duplicating them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from core.meetings.messages import meeting_entry, name_of
from core.meetings.model import MeetingStatus, SlotKind
from core.meetings.ports import HasMeetings
from core.people.access import require_person
from core.people.ports import HasPeople, HasProfiles
from core.ports import Transaction
from core.programme.attendance import ATTENDING
from core.programme.ports import HasAgenda
from core.programme.sessions import Session
from core.reference.calendar import CalendarEntry, ics_calendar


class UnitOfWork(HasAgenda, HasMeetings, HasPeople, HasProfiles, Transaction, Protocol):
    """What the calendar reads: sessions and attendance, meetings and slots, names."""


UowFactory = Callable[[], UnitOfWork]


def session_entry(session: Session) -> CalendarEntry:
    """A programme session as a calendar entry (stable UID from its key)."""
    who = ", ".join(session.speakers)
    description = "\n\n".join(p for p in (who, session.description) if p)
    return CalendarEntry(
        uid=f"session-{session.key}@forumbot",
        sequence=0,
        start=session.starts_at,
        end=session.ends_at,
        summary=session.title,
        description=description,
        location=session.room,
    )


class Calendars:
    """The .ics for one person (/calendar) and for the whole programme (the CLI)."""

    def __init__(self, uow: UowFactory, *, event_name: str, timezone: str) -> None:
        self.uow = uow
        self.event_name = event_name
        self.timezone = timezone

    async def entries_of(self, person: int) -> list[CalendarEntry]:
        """Booked meetings and consultations, and sessions followed or holding a place."""
        async with self.uow() as uow:
            await require_person(uow, person)
            entries: list[CalendarEntry] = []
            desks = {d.key: d for d in await uow.meetings.desks()}
            for meeting in await uow.meetings.meetings_of(person, live_only=True):
                if meeting.status is not MeetingStatus.BOOKED:
                    continue
                slot = await uow.meetings.get_slot(meeting.slot_key)
                if slot is None:
                    continue
                if meeting.kind is SlotKind.CONSULT:
                    desk = desks.get(slot.owner_key)
                    other = desk.topic if desk else slot.owner_key
                else:
                    others = [p for p in meeting.people if p != person]
                    other = ", ".join([await name_of(uow, p) for p in others]) or "?"
                entries.append(meeting_entry(meeting, slot, other, self.event_name))
            mine = await uow.agenda.mine(person)
            for session in await uow.agenda.sessions():
                if mine.get(session.key) in ATTENDING:
                    entries.append(session_entry(session))
            return entries

    async def for_person(self, person: int, *, now: datetime) -> tuple[str, int]:
        """The person's calendar text and how many entries it holds."""
        entries = await self.entries_of(person)
        name = f"{self.event_name}"
        return ics_calendar(entries, name=name, timezone=self.timezone, now=now), len(entries)

    async def programme(self, *, now: datetime) -> tuple[str, int]:
        """Every active session of the programme, for organisers to publish."""
        async with self.uow() as uow:
            entries = [session_entry(s) for s in await uow.agenda.sessions()]
        return ics_calendar(entries, name=self.event_name, timezone=self.timezone, now=now), len(
            entries
        )
