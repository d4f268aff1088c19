"""/deleteme leaves no gap: the invite is retired (the link says it was used), a held place goes
to the first person waiting (who is told), and other people's undelivered messages and
follow-up answers no longer hold the erased person's name, note or id."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from bot.event_file import parse_event_toml
from core.event.loading import load_event
from core.feedback.followup import summary
from core.meetings.messages import calendar_for
from core.partners.interests import InterestKind
from storage.base import Base
from tests.support.journeys import onboard, request_from_jiwoo, setup

TOUR = """
[event]
name = "Small forum"
timezone = "Europe/Brussels"
days = [2025-04-10]

[[sessions]]
key = "tour"
title = "Lab tour"
track = "Visits"
room = "Lobby"
start = 2025-04-10T14:00:00
end = 2025-04-10T16:00:00
speakers = []
capacity = 1
registration = true
"""


async def erase(user) -> str:
    await user.command("deleteme")
    await user.press("🗑 Yes, delete everything")
    return user.last().text


async def test_an_erased_persons_invite_is_retired_not_reopened(make_bot):
    bot = await make_bot(access={"mode": "invite"})
    (code,) = await bot.services.people.create_invites(1, now=bot.clock.now())
    invited = bot.client(3002)
    await invited.command("start", code)
    await invited.press("I accept")
    assert "your data is deleted" in await erase(invited)
    async with bot.uow() as uow:
        invite = await uow.invites.get(code)
    assert invite is not None and invite.used_by is None and invite.used_at is not None

    for account in (bot.client(3005), invited):  # whoever holds the link, even its first owner
        await account.command("start", code)
        assert "invite link has already been used" in account.last().text
        assert account.last().buttons == []
        async with bot.uow() as uow:
            assert await uow.people.get(account.user_id) is None
    async with bot.uow() as uow:
        assert (await uow.invites.get(code)).used_by is None


async def test_an_erased_persons_place_goes_to_the_first_waiting_person(make_bot):
    bot = await make_bot()
    event = parse_event_toml(TOUR)
    await load_event(bot.uow, event, force=False, now=bot.clock.now(), ics=calendar_for(event.name))
    first, second, third = bot.client(11), bot.client(12), bot.client(13)
    for user in (first, second, third):
        await onboard(user, full_name=f"Person {user.user_id}")
        await bot.services.programme.follow(user.user_id, "tour", now=bot.clock.now())
    assert "your data is deleted" in await erase(first)
    await bot.dispatch()
    assert "A place opened up: you are now registered for <b>Lab tour</b>" in second.last().text
    assert "A place opened up" not in third.last().text
    async with bot.uow() as uow:
        followers = {p: s.value for p, s, _ in await uow.agenda.followers("tour")}
    assert followers == {12: "registered", 13: "waitlisted"}


async def rows(bot, table: str) -> list[dict]:
    async with bot.uow() as uow:
        model = Base.metadata.tables[table]
        return [dict(r) for r in (await uow.session.execute(select(model))).mappings().all()]


async def test_others_messages_and_follow_up_answers_forget_the_erased_person(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    jiwoo, anna, lukas = users[1], users[2], users[4]
    now = bot.clock.now()
    await bot.services.partners.decide(4, 1, InterestKind.SAVED, now=now)
    bot.fake.fail_next("sendMessage", chat_id=4, description="Bad Request: injected")
    await bot.services.partners.decide(1, 4, InterestKind.SAVED, now=now)  # mutual: both told
    await bot.dispatch()  # Lukas's "you and Ji-woo Kim" fails for good
    await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:20",))
    await anna.press("✅ Thu 10 Apr 10:20")
    await bot.dispatch()
    bot.fake.block(2)  # Anna blocks the bot; her reminder's moment passes unsent
    bot.clock.set(datetime(2025, 4, 10, 9, 0, tzinfo=UTC))
    await bot.dispatch()  # the reminder is dropped, "how did it go?" finds Anna unreachable
    await bot.services.meetings.requests.request(
        1, 4, [], "Lukas, QKD proofs?", now=bot.clock.now()
    )
    async with bot.uow() as uow:
        await uow.followups.save(2, 30, [1], "planned", bot.clock.now())
        await uow.followups.save(4, 30, [1, 2], "submitted", bot.clock.now())
        await uow.commit()
        before = await summary(uow)
    dead = {
        (r["recipient_id"], r["status"])
        for r in await rows(bot, "outbox")
        if "Ji-woo Kim" in json.dumps(r["payload"])
    }
    assert {(4, "failed"), (2, "dropped"), (2, "unreachable"), (4, "pending")} <= dead

    assert "your data is deleted and 0 meetings were cancelled" in await erase(jiwoo)
    told = len(bot.fake.sent(4))
    await bot.dispatch()
    assert bot.fake.sent(4)[told:] == []  # the request Ji-woo left behind is not delivered
    outbox = [r for r in await rows(bot, "outbox") if r["recipient_id"] in (2, 4)]
    for needle in ("Ji-woo", "Cryo-CMOS &", "QKD proofs", "Korea Institute"):
        assert not [r for r in outbox if needle in json.dumps(r["payload"], ensure_ascii=False)]
    kept = {(r["recipient_id"], r["status"]) for r in outbox}  # delivery reports stay
    assert {(4, "failed"), (2, "dropped"), (2, "unreachable")} <= kept
    answers = {r["telegram_id"]: r["partners"] for r in await rows(bot, "followups")}
    assert 1 not in answers and all(1 not in partners for partners in answers.values())
    assert answers[4][1] == 2 and answers[2][0] < 0 and answers[4][0] < 0  # anonymised
    async with bot.uow() as uow:
        assert await summary(uow) == before  # the collaborations still count
    del lukas


async def test_a_past_meetings_question_to_the_partner_goes_with_the_erased_person(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    jiwoo, anna = users[1], users[2]
    await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:20",))
    await anna.press("✅ Thu 10 Apr 10:20")
    await bot.dispatch()
    bot.clock.set(datetime(2025, 4, 10, 8, 45, tzinfo=UTC))  # the meeting is over; not asked yet
    await bot.dispatch()
    pending = [
        r["dedupe_key"]
        for r in await rows(bot, "outbox")
        if r["recipient_id"] == 2 and r["status"] == "pending"
    ]
    assert [k for k in pending if k.startswith("outcome:")]  # "how did it go?" is waiting

    assert "your data is deleted and 0 meetings were cancelled" in await erase(jiwoo)
    seen = len(bot.fake.sent(2))
    bot.clock.set(datetime(2025, 4, 11, 9, 0, tzinfo=UTC))
    await bot.dispatch()
    assert bot.fake.sent(2)[seen:] == []  # no question about a meeting that no longer exists
    left = [r for r in await rows(bot, "outbox") if r["recipient_id"] == 2]
    assert not [r for r in left if r["status"] == "pending"]
    assert not [r for r in left if "Ji-woo" in json.dumps(r["payload"], ensure_ascii=False)]
