"""Use cases for meetings and consultations: request, accept, decline, cancel, expire, book."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.meetings import outcomes
from core.meetings.model import (
    BookingError,
    ConsultDesk,
    Meeting,
    MeetingRequest,
    MeetingRules,
    MeetingStatus,
    RequestStatus,
    Schedule,
    Slot,
    SlotKind,
    first_free_table,
    request_expiry,
)
from core.meetings.ports import UnitOfWork, UowFactory
from core.meetings.reminders import forget_meeting, remind_meeting
from core.outbox.delivery import enqueue
from core.outbox.model import OutgoingMessage, dt
from core.outbox.reminders import ReminderSettings
from core.people.access import require_person
from core.people.profile import clean_text
from core.reference.calendar import ics_event
from core.reference.errors import NotAllowed, NotFound

#: Builds the .ics text for a meeting: (meeting, slot, method, summary, now) -> text.
IcsBuilder = Callable[[Meeting, Slot, str, str, datetime], str]


@dataclass(frozen=True, slots=True)
class MeetingView:
    """A meeting with what /meetings needs to show it."""

    meeting: Meeting
    slot: Slot
    others: tuple[str, ...]
    desk: ConsultDesk | None = None


def calendar_for(event_name: str) -> IcsBuilder:
    """The .ics builder: one stable UID per meeting, SEQUENCE from the meeting, CANCEL on cancel."""

    def build(meeting: Meeting, slot: Slot, method: str, other: str, now: datetime) -> str:
        what = "Consultation" if meeting.kind is SlotKind.CONSULT else "1:1 meeting"
        where = slot.location + (
            f", table {meeting.table}" if meeting.kind is SlotKind.MEETING else ""
        )
        return ics_event(
            uid=f"{meeting.kind}-{meeting.id}@forumbot",
            sequence=meeting.sequence,
            start=slot.starts_at,
            end=slot.ends_at,
            summary=f"{what}: {other}",
            description=f"{event_name}: {what} with {other}.",
            location=where,
            method="CANCEL" if method == "CANCEL" else "REQUEST",
            organizer_name=event_name,
            attendees=[other],
            now=now,
        )

    return build


async def _name(uow: UnitOfWork, person: int) -> str:
    profile = await uow.profiles.get(person)
    return (profile.full_name if profile else None) or "?"


async def _blocked(uow: UnitOfWork, person: int) -> set[str]:
    return await uow.meetings.taken_slots(person) | await uow.meetings.busy_slots(person)


async def common_free_slots(uow: UnitOfWork, people: tuple[int, ...], now: datetime) -> list[Slot]:
    """Future matchmaking slots where everyone is free and a table is left."""
    blocked: set[str] = set()
    for person in people:
        blocked |= await _blocked(uow, person)
    out = []
    for slot in await uow.meetings.slots(SlotKind.MEETING):
        if slot.starts_at <= now or slot.key in blocked:
            continue
        if len(await uow.meetings.used_tables(slot.key)) < slot.capacity:
            out.append(slot)
    return out


async def free_slots_for(uow_factory: UowFactory, a: int, b: int, now: datetime) -> list[Slot]:
    """Slots both people could meet in (for the request picker)."""
    async with uow_factory() as uow:
        await require_person(uow, a)
        return await common_free_slots(uow, (a, b), now)


async def forget_follow_ups(uow: UnitOfWork, meeting_id: int) -> None:
    """A cancelled or moved meeting's pending reminders and outcome questions go with it."""
    await forget_meeting(uow, meeting_id)
    await outcomes.forget(uow, meeting_id)


async def _live_meeting_of(
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


def ics_attachment(text: str, name: str) -> dict[str, str]:
    return {
        "kind": "document",
        "filename": name,
        "mime": "text/calendar",
        "b64": base64.b64encode(text.encode()).decode(),
    }


class Booking:
    """Meeting use cases with their rules and the calendar builder."""

    def __init__(
        self,
        uow: UowFactory,
        rules: MeetingRules,
        ics: IcsBuilder,
        reminders: ReminderSettings | None = None,
    ) -> None:
        self.uow = uow
        self.rules = rules
        self.ics = ics
        self.reminders = reminders or ReminderSettings()

    async def _remind(self, uow: UnitOfWork, meeting: Meeting, slot: Slot, now: datetime) -> None:
        names = {p: await _name(uow, p) for p in meeting.people}
        await remind_meeting(uow, meeting, slot, names, self.reminders, now)
        await outcomes.ask_later(uow, meeting, slot.ends_at, names, now)

    async def request(
        self,
        from_id: int,
        to_id: int,
        slot_keys: list[str],
        note: str,
        *,
        now: datetime,
        replaces: int | None = None,
    ) -> MeetingRequest:
        """Ask someone for a meeting in up to three slots (none = any time); they are told."""
        rules = self.rules
        async with self.uow() as uow:
            await require_person(uow, from_id)
            if from_id == to_id:
                raise BookingError(reason="self")
            target = await uow.people.get(to_id)
            target_profile = await uow.profiles.get(to_id)
            if target is None or not target.has_current_consent() or target_profile is None:
                raise NotFound(what="person")
            if target_profile.visibility == "hidden" or target.unreachable_at is not None:
                raise BookingError(reason="opted_out")
            old: MeetingRequest | None = None
            if replaces is not None:
                old = await uow.meetings.get_request(replaces, lock=True)
                if old is None or old.to_id != from_id or old.from_id != to_id:
                    raise NotAllowed()
                if old.status is not RequestStatus.PENDING:
                    raise BookingError(reason="closed")
            history = await uow.meetings.between(from_id, to_id)
            declined = sum(1 for r in history if r.status is RequestStatus.DECLINED)
            if declined >= rules.max_declines:
                raise BookingError(reason="declined_twice")
            back = await uow.meetings.between(to_id, from_id)
            pending = [
                r
                for r in history + back
                if r.status is RequestStatus.PENDING
                and r.expires_at > now
                and (old is None or r.id != old.id)
            ]
            if pending:
                raise BookingError(reason="already_pending")
            met = set(await uow.meetings.taken_slots(from_id)) & set(
                await uow.meetings.taken_slots(to_id)
            )
            if met:
                raise BookingError(reason="already_booked")
            if await uow.meetings.live_count(from_id, SlotKind.MEETING) >= rules.max_per_person:
                raise BookingError(reason="cap_self", limit=rules.max_per_person)
            if await uow.meetings.live_count(to_id, SlotKind.MEETING) >= rules.max_per_person:
                raise BookingError(reason="cap_other")
            if len(slot_keys) > rules.max_proposed or len(set(slot_keys)) != len(slot_keys):
                raise BookingError(reason="too_many_slots", limit=rules.max_proposed)
            free = {s.key: s for s in await common_free_slots(uow, (from_id, to_id), now)}
            chosen = [free[k] for k in slot_keys if k in free]
            if len(chosen) != len(slot_keys):
                raise BookingError(reason="slot_unavailable")
            if not free:
                raise BookingError(reason="no_common_slot")
            text = clean_text(note)[: rules.note_length]
            request = MeetingRequest(
                None,
                from_id,
                to_id,
                [s.key for s in chosen],
                text,
                RequestStatus.PENDING,
                now,
                request_expiry(now, chosen, rules),
            )
            await uow.meetings.add_request(request)
            if old is not None:
                old.status, old.responded_at = RequestStatus.COUNTERED, now
                await uow.meetings.save_request(old)
            offered = chosen or sorted(free.values(), key=lambda s: s.starts_at)[:6]
            await self._tell_target(uow, request, offered, await _name(uow, from_id), now)
            await uow.commit()
            return request

    async def _tell_target(
        self,
        uow: UnitOfWork,
        request: MeetingRequest,
        offered: list[Slot],
        name: str,
        now: datetime,
    ) -> None:
        assert request.id is not None
        profile = await uow.profiles.get(request.from_id)
        buttons: list[list[dict[str, Any]]] = [
            [
                {
                    "key": "meetings.button.accept_at",
                    "p_when": dt(s.starts_at),
                    "data": f"mr:a:{request.id}:{s.key}",
                }
            ]
            for s in offered
        ]
        buttons.append(
            [
                {"key": "meetings.button.decline", "data": f"mr:d:{request.id}"},
                {"key": "meetings.button.other_time", "data": f"mr:o:{request.id}"},
            ]
        )
        key = "meetings.request_in_any" if not request.slot_keys else "meetings.request_in"
        await enqueue(
            uow,
            recipient_id=request.to_id,
            message=OutgoingMessage(
                key=key,
                params={
                    "name": name,
                    "organisation": (profile.organisation if profile else "") or "",
                    "note": request.note or "—",
                    "expires": dt(request.expires_at),
                },
                buttons=buttons,
            ),
            due_at=now,
            dedupe_key=f"request:{request.id}:in",
            now=now,
        )

    async def _load_open(self, uow: UnitOfWork, request_id: int, now: datetime) -> MeetingRequest:
        request = await uow.meetings.get_request(request_id, lock=True)
        if request is None:
            raise NotFound(what="request")
        if request.status is RequestStatus.PENDING and request.expires_at <= now:
            await self._expire(uow, request, now)
            await uow.commit()
            raise BookingError(reason="expired")
        if request.status is not RequestStatus.PENDING:
            raise BookingError(reason="closed", status=str(request.status))
        return request

    async def accept(
        self, request_id: int, by_id: int, slot_key: str, *, now: datetime
    ) -> tuple[Meeting, Slot, str]:
        """Book the meeting in the chosen slot; the requester gets the confirmation and .ics."""
        async with self.uow() as uow:
            await require_person(uow, by_id)
            request = await self._load_open(uow, request_id, now)
            if request.to_id != by_id:
                raise NotAllowed()
            if request.slot_keys and slot_key not in request.slot_keys:
                raise BookingError(reason="slot_unavailable")
            meeting, slot = await self._book(
                uow, (request.from_id, request.to_id), slot_key, now, request.id
            )
            request.status, request.responded_at = RequestStatus.ACCEPTED, now
            await uow.meetings.save_request(request)
            other_name = await _name(uow, request.from_id)
            my_name = await _name(uow, by_id)
            await self._notify_booked(uow, meeting, slot, request.from_id, my_name, now)
            await self._remind(uow, meeting, slot, now)
            await uow.commit()
            return meeting, slot, self.ics(meeting, slot, "REQUEST", other_name, now)

    async def _book(
        self,
        uow: UnitOfWork,
        people: tuple[int, ...],
        slot_key: str,
        now: datetime,
        request_id: int | None,
        kind: SlotKind = SlotKind.MEETING,
    ) -> tuple[Meeting, Slot]:
        slot = await uow.meetings.get_slot(slot_key)
        if slot is None or not slot.active or slot.kind is not kind:
            raise NotFound(what="slot")
        if slot.starts_at <= now:
            raise BookingError(reason="past")
        for person in people:
            if slot.key in await _blocked(uow, person):
                raise BookingError(reason="slot_unavailable")
            limit = self.rules.max_per_person if kind is SlotKind.MEETING else 2
            if await uow.meetings.live_count(person, kind) >= limit:
                raise BookingError(reason="cap_self", limit=limit)
        table = first_free_table(slot.capacity, await uow.meetings.used_tables(slot.key))
        if table is None:
            raise BookingError(reason="full")
        meeting = Meeting(None, kind, slot.key, table, people, request_id=request_id)
        await uow.meetings.add_meeting(meeting, now)
        return meeting, slot

    async def _notify_booked(
        self,
        uow: UnitOfWork,
        meeting: Meeting,
        slot: Slot,
        recipient: int,
        other: str,
        now: datetime,
    ) -> None:
        ics = self.ics(meeting, slot, "REQUEST", other, now)
        await enqueue(
            uow,
            recipient_id=recipient,
            message=OutgoingMessage(
                key="meetings.booked",
                params={
                    "name": other,
                    "when": dt(slot.starts_at),
                    "table": meeting.table,
                    "location": slot.location,
                },
                attachment=ics_attachment(ics, f"meeting-{meeting.id}.ics"),
            ),
            due_at=now,
            dedupe_key=f"meeting:{meeting.id}:s{meeting.sequence}:{recipient}",
            now=now,
        )

    async def decline(self, request_id: int, by_id: int, *, now: datetime) -> MeetingRequest:
        """Say no; the requester is told politely."""
        return await self._close(
            request_id, by_id, RequestStatus.DECLINED, "meetings.declined", by_target=True, now=now
        )

    async def withdraw(self, request_id: int, by_id: int, *, now: datetime) -> MeetingRequest:
        """The requester takes a pending request back; the other person is told."""
        return await self._close(
            request_id,
            by_id,
            RequestStatus.CANCELLED,
            "meetings.withdrawn",
            by_target=False,
            now=now,
        )

    async def _close(
        self,
        request_id: int,
        by_id: int,
        status: RequestStatus,
        tell: str,
        *,
        by_target: bool,
        now: datetime,
    ) -> MeetingRequest:
        """Close an open request as its addressee (decline) or its sender (withdraw)."""
        async with self.uow() as uow:
            await require_person(uow, by_id)
            request = await self._load_open(uow, request_id, now)
            if (request.to_id if by_target else request.from_id) != by_id:
                raise NotAllowed()
            request.status, request.responded_at = status, now
            await uow.meetings.save_request(request)
            await enqueue(
                uow,
                recipient_id=request.from_id if by_target else request.to_id,
                message=OutgoingMessage(key=tell, params={"name": await _name(uow, by_id)}),
                due_at=now,
                dedupe_key=f"request:{request.id}:{status}",
                now=now,
            )
            await uow.commit()
            return request

    async def _expire(self, uow: UnitOfWork, request: MeetingRequest, now: datetime) -> None:
        request.status, request.responded_at = RequestStatus.EXPIRED, now
        await uow.meetings.save_request(request)
        await enqueue(
            uow,
            recipient_id=request.from_id,
            message=OutgoingMessage(
                key="meetings.expired", params={"name": await _name(uow, request.to_id)}
            ),
            due_at=now,
            dedupe_key=f"request:{request.id}:expired",
            now=now,
        )

    async def expire_due(self, *, now: datetime) -> int:
        """Expire every pending request past its time (a repeating job calls this)."""
        async with self.uow() as uow:
            due = await uow.meetings.due_to_expire(now)
            for request in due:
                await self._expire(uow, request, now)
            await uow.commit()
            return len(due)

    async def cancel(
        self, meeting_id: int, by_id: int, *, now: datetime
    ) -> tuple[Meeting, Slot, str]:
        """Cancel a booking: the slot is freed and everyone else gets a cancelled .ics."""
        async with self.uow() as uow:
            await require_person(uow, by_id)
            meeting = await _live_meeting_of(uow, meeting_id, by_id)
            slot = await uow.meetings.get_slot(meeting.slot_key)
            assert slot is not None
            if slot.starts_at <= now:
                raise BookingError(reason="past")
            await uow.meetings.cancel_meeting(meeting, now)
            assert meeting.id is not None
            await forget_follow_ups(uow, meeting.id)
            my_name = await _name(uow, by_id)
            for other in meeting.people:
                if other == by_id:
                    continue
                ics = self.ics(meeting, slot, "CANCEL", my_name, now)
                await enqueue(
                    uow,
                    recipient_id=other,
                    message=OutgoingMessage(
                        key="meetings.cancelled",
                        params={"name": my_name, "when": dt(slot.starts_at)},
                        attachment=ics_attachment(ics, f"meeting-{meeting.id}-cancelled.ics"),
                    ),
                    due_at=now,
                    dedupe_key=f"meeting:{meeting.id}:s{meeting.sequence}:{other}",
                    now=now,
                )
            others = [await _name(uow, p) for p in meeting.people if p != by_id]
            await uow.commit()
            return meeting, slot, self.ics(meeting, slot, "CANCEL", ", ".join(others), now)

    async def running_late(self, meeting_id: int, by_id: int, *, now: datetime) -> bool:
        """Tell the others that I am running late (once per meeting); False if already told."""
        async with self.uow() as uow:
            await require_person(uow, by_id)
            meeting = await _live_meeting_of(uow, meeting_id, by_id)
            name = await _name(uow, by_id)
            told = False
            for other in meeting.people:
                if other != by_id:
                    told |= await enqueue(
                        uow,
                        recipient_id=other,
                        message=OutgoingMessage(key="reminders.late", params={"name": name}),
                        due_at=now,
                        dedupe_key=f"late:{meeting_id}:{by_id}:{other}",
                        now=now,
                    )
            await uow.commit()
            return told

    async def move_options(self, meeting_id: int, by_id: int, *, now: datetime) -> list[Slot]:
        """Slots a meeting of mine could move to (everyone free, a table left)."""
        async with self.uow() as uow:
            await require_person(uow, by_id)
            meeting = await _live_meeting_of(uow, meeting_id, by_id, SlotKind.MEETING)
            return await common_free_slots(uow, meeting.people, now)

    async def move(
        self, meeting_id: int, by_id: int, slot_key: str, *, now: datetime
    ) -> tuple[Meeting, Slot, str]:
        """Reschedule a meeting to another slot where everyone is free; the others get the
        updated .ics (same UID, higher SEQUENCE)."""
        async with self.uow() as uow:
            await require_person(uow, by_id)
            meeting = await _live_meeting_of(uow, meeting_id, by_id, SlotKind.MEETING)
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
            await self._remind(uow, meeting, slot, now)
            my_name = await _name(uow, by_id)
            for other in meeting.people:
                if other == by_id:
                    continue
                ics = self.ics(meeting, slot, "REQUEST", my_name, now)
                await enqueue(
                    uow,
                    recipient_id=other,
                    message=OutgoingMessage(
                        key="meetings.moved",
                        params={
                            "name": my_name,
                            "old": dt(old.starts_at),
                            "when": dt(slot.starts_at),
                            "table": table,
                            "location": slot.location,
                        },
                        attachment=ics_attachment(ics, f"meeting-{meeting.id}.ics"),
                    ),
                    due_at=now,
                    dedupe_key=f"meeting:{meeting.id}:s{meeting.sequence}:{other}",
                    now=now,
                )
            others = [await _name(uow, p) for p in meeting.people if p != by_id]
            await uow.commit()
            return meeting, slot, self.ics(meeting, slot, "REQUEST", ", ".join(others), now)

    async def schedule(
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
                    names.setdefault(p, await _name(uow, p))
                if meeting.status is MeetingStatus.BOOKED and slot.ends_at > now:
                    out.upcoming.append(meeting)
                elif slot.ends_at <= now and meeting.status is MeetingStatus.BOOKED:
                    out.past.append(meeting)
            for request in await uow.meetings.requests_of(person):
                if request.status is not RequestStatus.PENDING or request.expires_at <= now:
                    continue
                other = request.to_id if request.from_id == person else request.from_id
                names.setdefault(other, await _name(uow, other))
                (out.outgoing if request.from_id == person else out.incoming).append(request)
            return out, slots, names

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

    async def consult(
        self, person: int, slot_key: str, *, now: datetime
    ) -> tuple[Meeting, Slot, str]:
        """Book a consultation slot; the expert, if on Telegram, is told."""
        async with self.uow() as uow:
            await require_person(uow, person)
            meeting, slot = await self._book(uow, (person,), slot_key, now, None, SlotKind.CONSULT)
            await self._remind(uow, meeting, slot, now)
            desk = next((d for d in await uow.meetings.desks() if d.key == slot.owner_key), None)
            if desk is not None and desk.expert_telegram_id:
                await enqueue(
                    uow,
                    recipient_id=desk.expert_telegram_id,
                    message=OutgoingMessage(
                        key="consult.expert_booked",
                        params={
                            "name": await _name(uow, person),
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
            return meeting, slot, self.ics(meeting, slot, "REQUEST", topic, now)

    async def desk_day(
        self, expert_id: int, *, start: datetime, end: datetime
    ) -> list[tuple[ConsultDesk, Slot, str]]:
        """An expert's bookings between `start` and `end` (the caller's "today" in event time)."""
        async with self.uow() as uow:
            out = []
            for desk in await uow.meetings.desks():
                if desk.expert_telegram_id != expert_id:
                    continue
                slots = await uow.meetings.slots(SlotKind.CONSULT, desk.key)
                for meeting in await uow.meetings.live_in_slots([s.key for s in slots]):
                    slot = next(s for s in slots if s.key == meeting.slot_key)
                    if start <= slot.starts_at < end:
                        out.append((desk, slot, await _name(uow, meeting.people[0])))
            out.sort(key=lambda x: x[1].starts_at)
            return out
