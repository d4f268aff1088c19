"""Meetings, partners, outcomes and the schedule refuse forged or stale presses at the route,
and refuse someone else's action in core (not only in the chat), with nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.meetings.outcomes import Outcome
from core.partners.interests import InterestKind
from core.reference.errors import NotAllowed
from tests.support.journeys import request_from_jiwoo, setup

NOT_YOURS = "This button is not for you — nothing was changed."
EXPIRED = "This button no longer works. Please use /profile again."


async def test_malformed_presses_are_refused_by_their_route(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [9000]})
    users = await setup(bot)
    await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:20",))
    lukas, organiser = users[4], bot.client(9000, "Org")
    for data in (
        "mr:a:abc:morning@20250410T1020",  # not an id
        "mr:a:1",  # no slot
        "mr:a:1234567890123:morning@20250410T1020",  # an id longer than the route allows
        "mr:d:1:2",  # one argument too many
        "mt:c:x",
        "mv:1",
        "av:" + "x" * 41,  # a slot key longer than any slot key
        "cn:" + "x" * 41,
        "rm:l:one",
        "oc:1:toolong",
        "ocm:x",
        "pt:s:2",  # no viewer
        "pt:fd:EUROPE:4",
    ):
        await lukas.press_data(data)
        assert lukas.last_answer()["text"] == EXPIRED, data
    await organiser.press_data("sc:a:" + "r" * 41)
    assert organiser.last_answer()["text"] == EXPIRED
    async with bot.uow() as uow:
        assert await uow.meetings.meetings_of(1) == []
        assert [str(r.status) for r in await uow.meetings.requests_of(1)] == ["pending"]
        assert await uow.interests.by_actor(4) == []


async def test_only_the_people_concerned_may_act_on_a_meeting_in_core(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:20",))
    meetings, now = bot.services.meetings, bot.clock.now()
    async with bot.uow() as uow:
        request = (await uow.meetings.requests_of(2))[0]
    assert request.id is not None
    slot = request.slot_keys[0]
    with pytest.raises(NotAllowed):  # only the person asked may accept
        await meetings.requests.accept(request.id, 4, slot, now=now)
    with pytest.raises(NotAllowed):  # the requester may not accept their own request
        await meetings.requests.accept(request.id, 1, slot, now=now)
    with pytest.raises(NotAllowed):  # nor decline it
        await meetings.requests.decline(request.id, 1, now=now)
    with pytest.raises(NotAllowed):  # only the requester may withdraw
        await meetings.requests.withdraw(request.id, 2, now=now)
    with pytest.raises(NotAllowed):  # only the person asked may propose other times
        await meetings.requests.other_time(request.id, 4, now=now)
    async with bot.uow() as uow:
        assert await uow.meetings.meetings_of(2) == []
        assert str((await uow.meetings.get_request(request.id)).status) == "pending"

    booked = await meetings.requests.accept(request.id, 2, slot, now=now)
    meeting_id = booked.meeting.id
    assert meeting_id is not None
    with pytest.raises(NotAllowed):  # only a participant may cancel, move or be late
        await meetings.bookings.cancel(meeting_id, 4, now=now)
    with pytest.raises(NotAllowed):
        await meetings.bookings.move_options(meeting_id, 4, now=now)
    with pytest.raises(NotAllowed):
        await meetings.bookings.move(meeting_id, 4, "morning@20250410T0900", now=now)
    with pytest.raises(NotAllowed):
        await meetings.bookings.running_late(meeting_id, 4, now=now)
    bot.clock.set(datetime(2025, 4, 10, 9, 0, tzinfo=UTC))
    with pytest.raises(NotAllowed):  # only a participant may say how it went
        await meetings.outcomes.record(meeting_id, 4, Outcome.COOPERATION, now=bot.clock.now())
    with pytest.raises(NotAllowed):  # a comment needs one's own answer first
        await meetings.outcomes.may_comment(meeting_id, 1)
    async with bot.uow() as uow:
        live = await uow.meetings.meetings_of(2, live_only=True)
        assert [(m.id, m.slot_key, str(m.status)) for m in live] == [(meeting_id, slot, "booked")]
        assert await uow.outcomes.all() == []
        assert await uow.outbox.get_by_key(f"late:{meeting_id}:4:1") is None


async def test_a_pressed_outcome_comment_without_an_answer_is_refused(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:20",))
    await users[2].press("✅ Thu 10 Apr 10:20")
    lukas = users[4]
    await lukas.press_data("ocm:1")
    assert lukas.press_reply() == NOT_YOURS
    await lukas.send("A comment on someone else's meeting")
    async with bot.uow() as uow:
        assert await uow.outcomes.all() == []


async def test_a_card_acts_only_for_its_viewer(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    jiwoo, lukas = users[1], users[4]
    await jiwoo.command("partners")
    card = jiwoo.last()
    save = next(
        b["callback_data"] for row in card.reply_markup for b in row if b["text"].endswith("Save")
    )
    for data in (save, save.replace("pt:s:", "pt:r:"), save.replace("pt:s:", "pt:k:")):
        await lukas.press_data(data)  # a card made for Ji-woo
        assert lukas.press_reply() == NOT_YOURS
    await lukas.press_data(f"pt:f:{jiwoo.user_id}")
    assert lukas.press_reply() == NOT_YOURS
    async with bot.uow() as uow:
        assert await uow.interests.by_actor(4) == []
        assert await uow.interests.by_actor(1) == []
    with pytest.raises(NotAllowed):
        bot.services.partners.own_card(1, 4)


async def test_only_organisers_build_the_schedule_in_core(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [9000]})
    await setup(bot)
    now = bot.clock.now()
    for a, b in ((1, 2), (2, 1)):
        await bot.services.partners.decide(a, b, InterestKind.SAVED, now=now)
    with pytest.raises(NotAllowed):  # past the chat's organiser check, core still refuses
        await bot.services.schedule.build(1, "morning", now=now, apply=True)
    async with bot.uow() as uow:
        assert await uow.meetings.meetings_of(2) == []
    result = await bot.services.schedule.build(9000, "morning", now=now, apply=True)
    assert len(result.booked) == 1
