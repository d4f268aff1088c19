"""Booked meetings: what /meetings shows, cancel, move, running late, and my busy times."""

from __future__ import annotations

from datetime import datetime

from core.meetings.messages import (
    follow_up,
    forget_follow_ups,
    ics_attachment,
    name_of,
    tell_late,
    tell_others,
)
from core.meetings.model import (
    BookingError,
    Meeting,
    MeetingStatus,
    RequestStatus,
    Schedule,
    Slot,
    SlotKind,
    first_free_table,
)
from core.meetings.ports import UnitOfWork
from core.meetings.setup import UseCases
from core.meetings.slots import Booked, common_free_slots, live_meeting_of
from core.outbox.delivery import enqueue
from core.outbox.model import OutgoingMessage, dt
from core.people.access import require_person
from core.reference.errors import NotFound


async def _free(uow: UnitOfWork, meeting: Meeting, slot: Slot, now: datetime) -> None:
    """Cancel a meeting that has not started (in the chat or at the desk): the table is free
    again and its reminders and "how did it go?" questions go with it."""
    if slot.starts_at <= now:
        raise BookingError(reason="past")
    await uow.meetings.cancel_meeting(meeting, now)
    assert meeting.id is not None
    await forget_follow_ups(uow, meeting.id)


class Bookings(UseCases):
    """Meetings already booked; only the people in a meeting may change it."""

    async def overview(
        self, person: int, *, now: datetime
    ) -> tuple[Schedule, dict[str, Slot], dict[int, str]]:
        """Upcoming and past meetings, incoming and outgoing requests, with slots and names."""
        async with self.uow() as uow:
            await require_person(uow, person)
            out = Schedule()
            slots = {s.key: s for s in await uow.meetings.slots()}
            names: dict[int, str] = {}
            for meeting in await uow.meetings.meetings_of(person):
                slot = slots.get(meeting.slot_key) or await uow.meetings.get_slot(meeting.slot_key)
                if slot is None:
                    continue
                slots[slot.key] = slot
                for p in meeting.people:
                    names.setdefault(p, await name_of(uow, p))
                if meeting.status is MeetingStatus.BOOKED and slot.ends_at > now:
                    out.upcoming.append(meeting)
                elif slot.ends_at <= now and meeting.status is MeetingStatus.BOOKED:
                    out.past.append(meeting)
            for request in await uow.meetings.requests_of(person):
                if request.status is not RequestStatus.PENDING or request.expires_at <= now:
                    continue
                other = request.to_id if request.from_id == person else request.from_id
                names.setdefault(other, await name_of(uow, other))
                (out.outgoing if request.from_id == person else out.incoming).append(request)
            return out, slots, names

    async def cancel(self, meeting_id: int, by_id: int, *, now: datetime) -> Booked:
        """Cancel a booking of mine: the slot is freed and everyone else gets a cancelled .ics."""
        async with self.uow() as uow:
            await require_person(uow, by_id)
            meeting = await live_meeting_of(uow, meeting_id, by_id)
            slot = await uow.meetings.get_slot(meeting.slot_key)
            assert slot is not None
            await _free(uow, meeting, slot, now)
            my_name = await name_of(uow, by_id)
            ics = self.ics(meeting, slot, "CANCEL", my_name, now)
            message = OutgoingMessage(
                key="meetings.cancelled",
                params={"name": my_name, "when": dt(slot.starts_at)},
                attachment=ics_attachment(ics, f"meeting-{meeting.id}-cancelled.ics"),
            )
            await tell_others(uow, meeting, by_id, message, now)
            others = ", ".join([await name_of(uow, p) for p in meeting.people if p != by_id])
            await uow.commit()
            return Booked(meeting, slot, self.ics(meeting, slot, "CANCEL", others, now), others)

    async def cancel_at_desk(self, meeting_id: int, *, now: datetime) -> Booked:
        """The organisers cancel a meeting at the desk (core/desk checked who asks): the slot is
        freed like a cancel in the chat, and everyone in it gets the cancelled .ics."""
        async with self.uow() as uow:
            meeting = await uow.meetings.get_meeting(meeting_id)
            if meeting is None:
                raise NotFound(what="meeting")
            if meeting.status is not MeetingStatus.BOOKED:
                raise BookingError(reason="closed", status=str(meeting.status))
            slot = await uow.meetings.get_slot(meeting.slot_key)
            assert slot is not None
            await _free(uow, meeting, slot, now)
            assert meeting.id is not None
            names = {p: await name_of(uow, p) for p in meeting.people}
            for person in meeting.people:
                other = ", ".join(names[p] for p in meeting.people if p != person)
                ics = self.ics(meeting, slot, "CANCEL", other, now)
                await enqueue(
                    uow,
                    recipient_id=person,
                    message=OutgoingMessage(
                        key="desk.told.cancelled",
                        params={"name": other, "when": dt(slot.starts_at)},
                        attachment=ics_attachment(ics, f"meeting-{meeting.id}-cancelled.ics"),
                    ),
                    due_at=now,
                    dedupe_key=f"meeting:{meeting.id}:s{meeting.sequence}:{person}",
                    now=now,
                )
            everyone = " · ".join(names.values())
            await uow.commit()
            return Booked(meeting, slot, self.ics(meeting, slot, "CANCEL", everyone, now), everyone)

    async def running_late(self, meeting_id: int, by_id: int, *, now: datetime) -> bool:
        """Tell the others that I am running late (once per meeting); False if already told."""
        async with self.uow() as uow:
            await require_person(uow, by_id)
            meeting = await live_meeting_of(uow, meeting_id, by_id)
            name = await name_of(uow, by_id)
            told = False
            for other in meeting.people:
                if other != by_id:
                    told |= await tell_late(uow, meeting_id, by_id, other, name, now)
            await uow.commit()
            return told

    async def move_options(self, meeting_id: int, by_id: int, *, now: datetime) -> list[Slot]:
        """Slots a meeting of mine could move to (everyone free, a table left)."""
        async with self.uow() as uow:
            await require_person(uow, by_id)
            meeting = await live_meeting_of(uow, meeting_id, by_id, SlotKind.MEETING)
            return await common_free_slots(uow, meeting.people, now)

    async def move(self, meeting_id: int, by_id: int, slot_key: str, *, now: datetime) -> Booked:
        """Reschedule a meeting of mine to another slot where everyone is free; the others get
        the updated .ics (same UID, higher SEQUENCE)."""
        async with self.uow() as uow:
            await require_person(uow, by_id)
            meeting = await live_meeting_of(uow, meeting_id, by_id, SlotKind.MEETING)
            old = await uow.meetings.get_slot(meeting.slot_key)
            assert old is not None
            if old.starts_at <= now:
                raise BookingError(reason="past")
            free = {s.key: s for s in await common_free_slots(uow, meeting.people, now)}
            if slot_key not in free:
                raise BookingError(reason="slot_unavailable")
            slot = free[slot_key]
            table = first_free_table(slot.capacity, await uow.meetings.used_tables(slot.key))
            if table is None:
                raise BookingError(reason="full")
            await uow.meetings.move_meeting(meeting, slot.key, table, now)
            assert meeting.id is not None
            await forget_follow_ups(uow, meeting.id)
            await follow_up(uow, meeting, slot, self.reminders, now)
            my_name = await name_of(uow, by_id)
            ics = self.ics(meeting, slot, "REQUEST", my_name, now)
            message = OutgoingMessage(
                key="meetings.moved",
                params={
                    "name": my_name,
                    "old": dt(old.starts_at),
                    "when": dt(slot.starts_at),
                    "table": table,
                    "location": slot.location,
                },
                attachment=ics_attachment(ics, f"meeting-{meeting.id}.ics"),
            )
            await tell_others(uow, meeting, by_id, message, now)
            others = ", ".join([await name_of(uow, p) for p in meeting.people if p != by_id])
            await uow.commit()
            return Booked(meeting, slot, self.ics(meeting, slot, "REQUEST", others, now), others)

    async def availability(self, person: int, *, now: datetime) -> list[tuple[Slot, str]]:
        """Every future matchmaking slot with its state for me: free, busy or booked."""
        async with self.uow() as uow:
            await require_person(uow, person)
            busy = await uow.meetings.busy_slots(person)
            taken = await uow.meetings.taken_slots(person)
            return [
                (s, "booked" if s.key in taken else "busy" if s.key in busy else "free")
                for s in await uow.meetings.slots(SlotKind.MEETING)
                if s.starts_at > now
            ]

    async def toggle_busy(self, person: int, slot_key: str, *, now: datetime) -> str:
        """Mark a free slot busy, or a busy one free; booked slots must be cancelled instead."""
        async with self.uow() as uow:
            await require_person(uow, person)
            slot = await uow.meetings.get_slot(slot_key)
            if slot is None or slot.kind is not SlotKind.MEETING or not slot.active:
                raise NotFound(what="slot")
            if slot.starts_at <= now:
                raise BookingError(reason="past")
            if slot_key in await uow.meetings.taken_slots(person):
                raise BookingError(reason="booked_there")
            busy = slot_key in await uow.meetings.busy_slots(person)
            await uow.meetings.set_busy(person, slot_key, not busy)
            await uow.commit()
            return "free" if busy else "busy"
