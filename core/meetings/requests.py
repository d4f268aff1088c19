"""Meeting requests: ask someone for a meeting, accept, decline, withdraw, and expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.meetings.messages import (
    follow_up,
    name_of,
    tell_booked,
    tell_closed,
    tell_request,
)
from core.meetings.model import (
    BookingError,
    MeetingRequest,
    RequestStatus,
    Slot,
    SlotKind,
    request_expiry,
)
from core.meetings.ports import UnitOfWork
from core.meetings.setup import UseCases
from core.meetings.slots import Booked, common_free_slots, place
from core.people.access import require_person
from core.people.profile import clean_text
from core.reference.errors import NotAllowed, NotFound


@dataclass(frozen=True, slots=True)
class Picker:
    """What the slot picker for a request to one person shows."""

    #: Times both could meet.
    slots: list[Slot]
    #: False when the event has no meeting slots at all (nothing to pick from yet).
    event_has_slots: bool
    #: The person asked (their name for the "sent" confirmation).
    target: int
    name: str


class Requests(UseCases):
    """Meeting requests with the organisers' rules; the other person is told through the outbox."""

    async def free_slots(self, a: int, b: int, *, now: datetime) -> list[Slot]:
        """Slots both people could meet in (for the request picker)."""
        async with self.uow() as uow:
            await require_person(uow, a)
            return await common_free_slots(uow, (a, b), now)

    async def picker(self, from_id: int, to_id: int, *, now: datetime) -> Picker:
        """Open a request to someone: the times both are free, and who they are."""
        async with self.uow() as uow:
            await require_person(uow, from_id)
            slots = await common_free_slots(uow, (from_id, to_id), now)
            has_slots = bool(slots) or bool(await uow.meetings.slots())
            return Picker(slots, has_slots, to_id, await name_of(uow, to_id))

    async def other_time(self, request_id: int, by_id: int, *, now: datetime) -> Picker:
        """The addressee of a request proposes other times: a picker back to its sender."""
        async with self.uow() as uow:
            request = await uow.meetings.get_request(request_id)
            if request is None or request.to_id != by_id:
                raise NotAllowed()
            await require_person(uow, by_id)
            slots = await common_free_slots(uow, (by_id, request.from_id), now)
            return Picker(slots, True, request.from_id, await name_of(uow, request.from_id))

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
            await tell_request(uow, request, offered, await name_of(uow, from_id), now)
            await uow.commit()
            return request

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

    async def accept(self, request_id: int, by_id: int, slot_key: str, *, now: datetime) -> Booked:
        """Book the meeting in the chosen slot; the requester gets the confirmation and .ics.
        Only the person asked may accept."""
        async with self.uow() as uow:
            await require_person(uow, by_id)
            request = await self._load_open(uow, request_id, now)
            if request.to_id != by_id:
                raise NotAllowed()
            if request.slot_keys and slot_key not in request.slot_keys:
                raise BookingError(reason="slot_unavailable")
            meeting, slot = await place(
                uow, self.rules, (request.from_id, request.to_id), slot_key, now, request.id
            )
            request.status, request.responded_at = RequestStatus.ACCEPTED, now
            await uow.meetings.save_request(request)
            other_name = await name_of(uow, request.from_id)
            my_name = await name_of(uow, by_id)
            ics = self.ics(meeting, slot, "REQUEST", my_name, now)
            await tell_booked(uow, meeting, slot, request.from_id, ics, my_name, now)
            await follow_up(uow, meeting, slot, self.reminders, now)
            await uow.commit()
            return Booked(
                meeting, slot, self.ics(meeting, slot, "REQUEST", other_name, now), other_name
            )

    async def decline(self, request_id: int, by_id: int, *, now: datetime) -> MeetingRequest:
        """Say no (only the person asked may); the requester is told politely."""
        return await self._close(
            request_id, by_id, RequestStatus.DECLINED, "meetings.declined", by_target=True, now=now
        )

    async def withdraw(self, request_id: int, by_id: int, *, now: datetime) -> MeetingRequest:
        """The requester (only they) takes a pending request back; the other person is told."""
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
            recipient = request.from_id if by_target else request.to_id
            await tell_closed(uow, request, recipient, tell, await name_of(uow, by_id), now)
            await uow.commit()
            return request

    async def _expire(self, uow: UnitOfWork, request: MeetingRequest, now: datetime) -> None:
        request.status, request.responded_at = RequestStatus.EXPIRED, now
        await uow.meetings.save_request(request)
        name = await name_of(uow, request.to_id)
        await tell_closed(uow, request, request.from_id, "meetings.expired", name, now)

    async def expire_due(self, *, now: datetime) -> int:
        """Expire every pending request past its time (a repeating job calls this)."""
        async with self.uow() as uow:
            due = await uow.meetings.due_to_expire(now)
            for request in due:
                await self._expire(uow, request, now)
            await uow.commit()
            return len(due)
