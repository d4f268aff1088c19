"""Consultation desks: free desk slots, booking one, and an expert's day."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.meetings.messages import follow_up, name_of
from core.meetings.model import ConsultDesk, Slot, SlotKind
from core.meetings.setup import UseCases
from core.meetings.slots import Booked, place
from core.outbox.delivery import enqueue
from core.outbox.model import OutgoingMessage, dt
from core.people.access import require_person


@dataclass(slots=True)
class DeskDay:
    """What /desk shows an expert: whether they run a desk, and its bookings in the period."""

    is_expert: bool
    bookings: list[tuple[ConsultDesk, Slot, str]] = field(default_factory=list)


class Consultations(UseCases):
    """Desk slots booked one person at a time; the expert, if on Telegram, is told."""

    async def desks(self, *, now: datetime) -> list[tuple[ConsultDesk, list[Slot]]]:
        """Consultation desks with their free future slots."""
        async with self.uow() as uow:
            out = []
            for desk in await uow.meetings.desks():
                free = [
                    s
                    for s in await uow.meetings.slots(SlotKind.CONSULT, desk.key)
                    if s.starts_at > now and not await uow.meetings.used_tables(s.key)
                ]
                out.append((desk, free))
            return out

    async def consult(self, person: int, slot_key: str, *, now: datetime) -> Booked:
        """Book a consultation slot for myself; the expert, if on Telegram, is told."""
        async with self.uow() as uow:
            await require_person(uow, person)
            meeting, slot = await place(
                uow, self.rules, (person,), slot_key, now, None, SlotKind.CONSULT
            )
            await follow_up(uow, meeting, slot, self.reminders, now)
            desk = next((d for d in await uow.meetings.desks() if d.key == slot.owner_key), None)
            if desk is not None and desk.expert_telegram_id:
                await enqueue(
                    uow,
                    recipient_id=desk.expert_telegram_id,
                    message=OutgoingMessage(
                        key="consult.expert_booked",
                        params={
                            "name": await name_of(uow, person),
                            "when": dt(slot.starts_at),
                            "topic": desk.topic,
                        },
                    ),
                    due_at=now,
                    dedupe_key=f"meeting:{meeting.id}:expert",
                    now=now,
                )
            await uow.commit()
            topic = desk.topic if desk else slot.owner_key
            return Booked(meeting, slot, self.ics(meeting, slot, "REQUEST", topic, now), topic)

    async def desk_day(self, expert_id: int, *, start: datetime, end: datetime) -> DeskDay:
        """An expert's bookings between `start` and `end` (the caller's "today" in event time)."""
        async with self.uow() as uow:
            day = DeskDay(is_expert=False)
            for desk in await uow.meetings.desks():
                if desk.expert_telegram_id != expert_id:
                    continue
                day.is_expert = True
                slots = await uow.meetings.slots(SlotKind.CONSULT, desk.key)
                for meeting in await uow.meetings.live_in_slots([s.key for s in slots]):
                    slot = next(s for s in slots if s.key == meeting.slot_key)
                    if start <= slot.starts_at < end:
                        day.bookings.append((desk, slot, await name_of(uow, meeting.people[0])))
            day.bookings.sort(key=lambda x: x[1].starts_at)
            return day
