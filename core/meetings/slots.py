"""Which slots are free for whom, and placing a meeting at a free table in one of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.meetings.model import (
    BookingError,
    Meeting,
    MeetingRules,
    MeetingStatus,
    Slot,
    SlotKind,
    first_free_table,
)
from core.meetings.ports import UnitOfWork
from core.reference.errors import NotAllowed, NotFound

#: Consultations one person may hold at once.
CONSULT_LIMIT = 2


@dataclass(frozen=True, slots=True)
class Booked:
    """A meeting just booked, moved or cancelled, as the person who did it sees it."""

    meeting: Meeting
    slot: Slot
    #: The .ics for the presser (REQUEST, or CANCEL for a cancellation).
    ics: str
    #: Who the meeting is with, for the presser (names, or the desk's topic).
    other: str


async def blocked(uow: UnitOfWork, person: int) -> set[str]:
    """Slots where the person already meets someone or marked themselves busy."""
    return await uow.meetings.taken_slots(person) | await uow.meetings.busy_slots(person)


async def common_free_slots(uow: UnitOfWork, people: tuple[int, ...], now: datetime) -> list[Slot]:
    """Future matchmaking slots where everyone is free and a table is left."""
    taken: set[str] = set()
    for person in people:
        taken |= await blocked(uow, person)
    out = []
    for slot in await uow.meetings.slots(SlotKind.MEETING):
        if slot.starts_at <= now or slot.key in taken:
            continue
        if len(await uow.meetings.used_tables(slot.key)) < slot.capacity:
            out.append(slot)
    return out


async def place(
    uow: UnitOfWork,
    rules: MeetingRules,
    people: tuple[int, ...],
    slot_key: str,
    now: datetime,
    request_id: int | None,
    kind: SlotKind = SlotKind.MEETING,
) -> tuple[Meeting, Slot]:
    """Book the lowest free table of a future slot for people who are all free then."""
    slot = await uow.meetings.get_slot(slot_key)
    if slot is None or not slot.active or slot.kind is not kind:
        raise NotFound(what="slot")
    if slot.starts_at <= now:
        raise BookingError(reason="past")
    for person in people:
        if slot.key in await blocked(uow, person):
            raise BookingError(reason="slot_unavailable")
        limit = rules.max_per_person if kind is SlotKind.MEETING else CONSULT_LIMIT
        if await uow.meetings.live_count(person, kind) >= limit:
            raise BookingError(reason="cap_self", limit=limit)
    table = first_free_table(slot.capacity, await uow.meetings.used_tables(slot.key))
    if table is None:
        raise BookingError(reason="full")
    meeting = Meeting(None, kind, slot.key, table, people, request_id=request_id)
    await uow.meetings.add_meeting(meeting, now)
    return meeting, slot


async def live_meeting_of(
    uow: UnitOfWork, meeting_id: int, by_id: int, kind: SlotKind | None = None
) -> Meeting:
    """A booked meeting the caller takes part in; forged or stale ids are refused here."""
    meeting = await uow.meetings.get_meeting(meeting_id)
    if meeting is None or (kind is not None and meeting.kind is not kind):
        raise NotFound(what="meeting")
    if by_id not in meeting.people:
        raise NotAllowed()
    if meeting.status is not MeetingStatus.BOOKED:
        raise BookingError(reason="closed", status=str(meeting.status))
    return meeting
