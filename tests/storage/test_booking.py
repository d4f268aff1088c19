"""Meeting rules on both databases: booking, races for the last table, declines, expiry."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime, timedelta

import pytest

from core.meetings.door import Meetings
from core.meetings.messages import calendar_for
from core.meetings.model import BookingError, MeetingRules, RequestStatus, Slot, SlotKind
from core.outbox.model import Action
from core.people.person import Person
from core.people.profile import Profile
from core.reference.errors import NotAllowed
from handlers.routes import ROUTES
from storage.engine import create_engine, session_factory
from storage.uow import SqlUnitOfWorkFactory

NOW = datetime(2025, 4, 10, 6, 0, tzinfo=UTC)
S1 = Slot(
    "r1@20250410T0800",
    SlotKind.MEETING,
    "r1",
    NOW + timedelta(hours=2),
    NOW + timedelta(hours=2, minutes=20),
    1,
    "Hall A",
)
S2 = Slot(
    "r1@20250410T0820",
    SlotKind.MEETING,
    "r1",
    NOW + timedelta(hours=2, minutes=20),
    NOW + timedelta(hours=2, minutes=40),
    2,
    "Hall A",
)


@pytest.fixture
async def booking(db_url):
    engine = create_engine(db_url)
    uow = SqlUnitOfWorkFactory(session_factory(engine))
    async with uow() as u:
        for pid in range(1, 7):
            await u.people.add(Person(pid, "en", 1, NOW))
            await u.profiles.save(
                Profile(pid, full_name=f"Person {pid}", organisation=f"Org {pid}")
            )
        await u.meetings.upsert_slot(S1)
        await u.meetings.upsert_slot(S2)
        await u.commit()
    yield Meetings(uow, MeetingRules(), calendar_for("Forum"))
    await engine.dispose()


async def outbox(booking, key):
    async with booking.requests.uow() as u:
        return await u.outbox.get_by_key(key)


async def test_request_accept_books_and_sends_ics(booking):
    req = await booking.requests.request(1, 2, [S1.key, S2.key], "Let's talk <cryo>", now=NOW)
    note = await outbox(booking, f"request:{req.id}:in")
    assert note is not None and note.recipient_id == 2
    # What reaches Telegram: each stored action packed through the route table.
    datas = [
        ROUTES.pack(Action(b["action"], tuple(b["args"])))
        for row in note.message.buttons
        for b in row
    ]
    assert datas == [
        f"mr:a:{req.id}:{S1.key}",
        f"mr:a:{req.id}:{S2.key}",
        f"mr:d:{req.id}",
        f"mr:o:{req.id}",
    ]
    booked = await booking.requests.accept(req.id, 2, S2.key, now=NOW)
    meeting, slot, ics = booked.meeting, booked.slot, booked.ics
    assert slot.key == S2.key and meeting.table == 1 and meeting.people == (1, 2)
    assert "METHOD:REQUEST" in ics and f"UID:meeting-{meeting.id}@forumbot" in ics
    confirmation = await outbox(booking, f"meeting:{meeting.id}:s0:1")
    attached = base64.b64decode(confirmation.message.attachment["b64"]).decode()
    assert "SEQUENCE:0" in attached and "DTSTART:20250410T082000Z" in attached
    async with booking.requests.uow() as u:
        assert (await u.meetings.get_request(req.id)).status is RequestStatus.ACCEPTED


async def test_two_pairs_race_for_the_last_table(booking):
    r1 = await booking.requests.request(1, 2, [S1.key], "", now=NOW)
    r2 = await booking.requests.request(3, 4, [S1.key], "", now=NOW)
    results = await asyncio.gather(
        booking.requests.accept(r1.id, 2, S1.key, now=NOW),
        booking.requests.accept(r2.id, 4, S1.key, now=NOW),
        return_exceptions=True,
    )
    ok = [r for r in results if not isinstance(r, Exception)]
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(ok) == 1 and len(errors) == 1
    assert isinstance(errors[0], BookingError) and errors[0].params["reason"] in ("full", "taken")
    async with booking.requests.uow() as u:
        assert len(await u.meetings.live_in_slots([S1.key])) == 1


async def test_one_person_accepts_two_requests_for_one_slot_from_two_phones(booking):
    r1 = await booking.requests.request(1, 5, [S2.key], "", now=NOW)
    r2 = await booking.requests.request(3, 5, [S2.key], "", now=NOW)
    results = await asyncio.gather(
        booking.requests.accept(r1.id, 5, S2.key, now=NOW),
        booking.requests.accept(r2.id, 5, S2.key, now=NOW),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    error = next(r for r in results if isinstance(r, Exception))
    assert isinstance(error, BookingError)
    assert error.params["reason"] in ("slot_unavailable", "taken")
    async with booking.requests.uow() as u:
        live = await u.meetings.live_in_slots([S2.key])
    assert len(live) == 1 and 5 in live[0].people


async def test_forged_accept_and_unknown_slot_change_nothing(booking):
    req = await booking.requests.request(1, 2, [], "", now=NOW)
    with pytest.raises(NotAllowed):
        await booking.requests.accept(req.id, 3, S1.key, now=NOW)
    with pytest.raises(NotAllowed):
        await booking.requests.accept(req.id, 1, S1.key, now=NOW)  # the requester cannot accept
    with pytest.raises(Exception) as info:
        await booking.requests.accept(req.id, 2, "nope@20250410T0800", now=NOW)
    assert "slot" in str(info.value.params)
    async with booking.requests.uow() as u:
        assert (await u.meetings.get_request(req.id)).status is RequestStatus.PENDING
        assert await u.meetings.live_in_slots([S1.key, S2.key]) == []


async def test_two_declines_stop_further_requests(booking):
    for _ in range(2):
        req = await booking.requests.request(1, 2, [], "", now=NOW)
        await booking.requests.decline(req.id, 2, now=NOW)
    with pytest.raises(BookingError) as info:
        await booking.requests.request(1, 2, [], "", now=NOW)
    assert info.value.params["reason"] == "declined_twice"


async def test_no_requests_to_oneself_or_duplicates(booking):
    with pytest.raises(BookingError):
        await booking.requests.request(1, 1, [], "", now=NOW)
    await booking.requests.request(1, 2, [], "", now=NOW)
    with pytest.raises(BookingError) as info:
        await booking.requests.request(2, 1, [], "", now=NOW)
    assert info.value.params["reason"] == "already_pending"


async def test_cancel_frees_the_slot_and_sends_a_cancel_ics(booking):
    req = await booking.requests.request(1, 2, [S1.key], "", now=NOW)
    meeting = (await booking.requests.accept(req.id, 2, S1.key, now=NOW)).meeting
    with pytest.raises(NotAllowed):
        await booking.bookings.cancel(meeting.id, 3, now=NOW)
    done = await booking.bookings.cancel(meeting.id, 1, now=NOW)
    cancelled, ics = done.meeting, done.ics
    assert cancelled.sequence == 1 and "METHOD:CANCEL" in ics
    notice = await outbox(booking, f"meeting:{meeting.id}:s1:2")
    attached = base64.b64decode(notice.message.attachment["b64"]).decode()
    assert "METHOD:CANCEL" in attached and "SEQUENCE:1" in attached
    assert "STATUS:CANCELLED" in attached
    req2 = await booking.requests.request(3, 4, [S1.key], "", now=NOW)  # the table is free again
    await booking.requests.accept(req2.id, 4, S1.key, now=NOW)


async def test_requests_expire_and_never_outlive_their_slot(booking):
    req = await booking.requests.request(1, 2, [S1.key], "", now=NOW)
    assert req.expires_at == S1.starts_at  # sooner than the 24 h default
    assert await booking.requests.expire_due(now=S1.starts_at) == 1
    with pytest.raises(BookingError) as info:
        await booking.requests.accept(req.id, 2, S1.key, now=S1.starts_at)
    assert info.value.params["reason"] in ("closed", "past", "expired")
    assert await outbox(booking, f"request:{req.id}:expired") is not None


async def test_busy_slots_are_not_offered(booking):
    assert await booking.bookings.toggle_busy(2, S1.key, now=NOW) == "busy"
    with pytest.raises(BookingError) as info:
        await booking.requests.request(1, 2, [S1.key], "", now=NOW)
    assert info.value.params["reason"] == "slot_unavailable"
    states = {s.key: st for s, st in await booking.bookings.availability(2, now=NOW)}
    assert states == {S1.key: "busy", S2.key: "free"}
