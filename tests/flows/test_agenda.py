"""The programme and automatic messages: /agenda in both languages, waitlists, reminders on the
right minute across a DST change, the digest, cancel/reschedule, and restarts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.event_file import load_event_file, parse_event_toml
from core.event.loading import load_event
from core.meetings.messages import calendar_for
from core.meetings.reminders import meeting_prefix
from tests.support.journeys import onboard, request_from_jiwoo, setup

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "korea-eu-quantum-forum.toml"

DST_EVENT = """
[event]
name = "Spring forum"
timezone = "Europe/Brussels"
days = [2025-03-29, 2025-03-30]

[[sessions]]
key = "before"
title = "Saturday talk"
track = "Plenary"
room = "Hall A"
start = 2025-03-29T10:00:00
end = 2025-03-29T11:00:00
speakers = []

[[sessions]]
key = "after"
title = "Sunday talk"
track = "Plenary"
room = "Hall B"
start = 2025-03-30T10:00:00
end = 2025-03-30T11:00:00
speakers = []

[[sessions]]
key = "tour"
title = "Lab tour"
track = "Visits"
room = "Lobby"
start = 2025-03-30T14:00:00
end = 2025-03-30T16:00:00
speakers = []
capacity = 2
registration = true
"""


async def load(bot, text: str | None = None):
    event = parse_event_toml(text) if text else load_event_file(EXAMPLE)
    await load_event(bot.uow, event, force=False, now=bot.clock.now(), ics=calendar_for(event.name))


def sent_to(bot, uid: int, needle: str) -> list[str]:
    return [m.text for m in bot.fake.sent(uid) if needle in m.text]


async def test_agenda_renders_every_day_in_both_languages_within_limits(make_bot):
    bot = await make_bot()
    await load(bot)
    for uid, lang, today, tracks in (
        (1, "en", "📅 Today", "🏷 Tracks"),
        (2, "ko", "📅 오늘", "🏷 트랙"),
    ):
        user = bot.client(uid, language_code=lang)
        if lang == "en":
            await onboard(user)  # a consented attendee and a not-yet-consented visitor
        await user.command("agenda")
        menu = user.last().buttons
        days = [b for b in menu if "Apr" in b or "월" in b]
        assert len(days) == 3, menu
        for day in days:
            await user.press(day)
            pages = 0
            while True:
                pages += 1
                text = user.last().text
                assert len(text) < 4096
                if "▶" not in user.last().buttons:
                    break
                await user.press("▶")
            assert pages >= 1
        await user.press(tracks)
        assert "Quantum Communication" in " ".join(user.last().buttons)
        await user.press("Quantum Communication")
        assert "Quantum Communication" in user.last().text
        await user.press(today)
    bot.clock.set(datetime(2025, 4, 9, 7, 40, tzinfo=UTC))  # 09:40 in Brussels on day 1
    en = bot.client(1)
    await en.command("agenda")
    assert "Now and next" in en.last().text and "Opening plenary" in en.last().text


async def test_waitlist_promotes_the_next_person_and_tells_them(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [9000]})
    bot.clock.set(datetime(2025, 3, 28, 12, 0, tzinfo=UTC))
    await load(bot, DST_EVENT)
    users = []
    for uid in (11, 12, 13, 14):
        user = bot.client(uid, f"P{uid}")
        await onboard(user, full_name=f"Person {uid}", organisation=f"Org {uid}")
        users.append(user)
    views = []
    for user in users:
        await user.command("agenda")
        await user.press("Sun 30 Mar")
        views.append(user.last().message_id)
        await user.press("🎟 Sign up: Lab tour")
    # The view pressed on is updated, headed by what the press did (no extra message).
    answers = [u.message(v).plain.split("\n")[0] for u, v in zip(users, views, strict=True)]
    assert answers[:2] == ["You have a place. I'll remind you before it starts."] * 2
    assert (
        answers[2:]
        == ["It's full, so you are on the waitlist. I'll tell you if a place opens up."] * 2
    )
    assert "You are number 2 on the waitlist" in users[3].texts()[-1]

    organiser = bot.client(9000, "Org")
    await organiser.command("waitlist", "tour")
    listing = organiser.texts()[-2]
    assert "1. Person 11 — place" in listing and "3. Person 13 — waitlist" in listing
    assert organiser.last_document().name == "tour.csv"
    await users[0].command("waitlist", "tour")
    assert users[0].last().text == "This command is for the event's organisers."

    await users[0].press("✖ Leave: Lab tour")
    await bot.dispatch()
    assert sent_to(bot, 13, "A place opened up: you are now registered for <b>Lab tour</b>")
    assert not sent_to(bot, 14, "A place opened up")
    async with bot.uow() as uow:
        followers = {p: s.value for p, s, _ in await uow.agenda.followers("tour")}
    assert followers == {12: "registered", 13: "registered", 14: "waitlisted"}


async def test_reminders_on_the_right_minute_across_dst_and_the_digest(make_bot):
    bot = await make_bot()
    bot.clock.set(datetime(2025, 3, 28, 12, 0, tzinfo=UTC))
    await load(bot, DST_EVENT)
    user = bot.client(21, "Ana")
    await onboard(user)
    await bot.services.programme.follow(21, "before", now=bot.clock.now())
    await bot.services.programme.follow(21, "after", now=bot.clock.now())

    async def at(hour: int, minute: int, day: int) -> list[str]:
        bot.clock.set(datetime(2025, 3, day, hour, minute, tzinfo=UTC))
        await bot.services.outreach.digests.run(now=bot.clock.now())
        before = len(bot.fake.sent(21))
        await bot.dispatch()
        return [m.text for m in bot.fake.sent(21)[before:]]

    # Saturday is CET (UTC+1): digest 08:00 = 07:00 UTC, reminder 09:50 = 08:50 UTC.
    assert await at(6, 59, 29) == []
    digest = await at(7, 0, 29)
    assert len(digest) == 1 and "Your day" in digest[0]
    assert "Sat 29 Mar 10:00 — Saturday talk, Hall A" in digest[0]
    assert "Sunday talk" not in digest[0]
    assert await at(8, 49, 29) == []
    assert await at(8, 50, 29) == [
        "⏰ Starting soon: <b>Saturday talk</b> at Sat 29 Mar 10:00, Hall A."
    ]
    assert await at(8, 55, 29) == []  # never twice
    # Sunday is CEST (UTC+2) after the change: digest 06:00 UTC, reminder 07:50 UTC.
    assert await at(5, 59, 30) == []
    assert "Sun 30 Mar 10:00 — Sunday talk, Hall B" in (await at(6, 0, 30))[0]
    assert await at(7, 49, 30) == []
    assert await at(7, 50, 30) == [
        "⏰ Starting soon: <b>Sunday talk</b> at Sun 30 Mar 10:00, Hall B."
    ]


async def test_cancel_and_reschedule_update_pending_reminders(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:20",))
    await users[2].press("✅ Thu 10 Apr 10:20")
    async with bot.uow() as uow:
        meeting = (await uow.meetings.meetings_of(1, live_only=True))[0]
        keys = sorted(await uow.outbox.pending_keys(meeting_prefix(meeting.id)))
    assert keys == [f"remind:m:{meeting.id}:s0:1", f"remind:m:{meeting.id}:s0:2"]
    await users[1].command("meetings")
    await users[1].press("🔁 Move: Anna de Vries, Thu 10 Apr 10:20")
    await users[1].press("Thu 10 Apr 11:00")
    async with bot.uow() as uow:
        keys = sorted(await uow.outbox.pending_keys(meeting_prefix(meeting.id)))
        row = await uow.outbox.get_by_key(f"remind:m:{meeting.id}:s1:2")
    assert keys == [f"remind:m:{meeting.id}:s1:1", f"remind:m:{meeting.id}:s1:2"]
    assert row.due_at == datetime(2025, 4, 10, 8, 45, tzinfo=UTC)  # 15 min before 11:00 CEST
    await users[1].command("meetings")
    await users[1].press("❌ Cancel: Anna de Vries, Thu 10 Apr 11:00")
    async with bot.uow() as uow:
        assert await uow.outbox.pending_keys(meeting_prefix(meeting.id)) == []


async def test_meeting_reminder_buttons(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:20",))
    await users[2].press("✅ Thu 10 Apr 10:20")
    bot.clock.set(datetime(2025, 4, 10, 8, 5, tzinfo=UTC))  # 10:05 in Brussels
    await bot.dispatch()
    reminder = users[1].last()
    assert reminder.text.startswith("⏰ In a few minutes: your meeting with <b>Anna de Vries</b>")
    assert "table 1" in reminder.text
    await users[1].press("🏃 Running late")
    assert users[1].press_reply() == "Told: they know you are running late."
    await users[1].press("🏃 Running late")
    assert users[1].press_reply() == "They already know you are running late."
    await bot.dispatch()
    assert sent_to(bot, 2, "Ji-woo Kim is running a few minutes late")
    await users[2].press("❌ Can't make it")
    await bot.dispatch()
    assert sent_to(bot, 1, "Anna de Vries cancelled your meeting on Thu 10 Apr 10:20")
    async with bot.uow() as uow:
        assert await uow.meetings.meetings_of(1, live_only=True) == []


async def test_restart_sends_due_reminders_once_and_drops_stale_ones(make_bot):
    bot = await make_bot()
    bot.clock.set(datetime(2025, 3, 28, 12, 0, tzinfo=UTC))
    await load(bot, DST_EVENT)
    user = bot.client(31)
    await onboard(user)
    await bot.services.programme.follow(31, "before", now=bot.clock.now())  # Sat 10:00 CET
    await bot.services.programme.follow(31, "after", now=bot.clock.now())  # Sun 10:00 CEST
    await bot.stop()  # the bot is down...
    bot.clock.set(datetime(2025, 3, 30, 7, 55, tzinfo=UTC))  # ...until Sunday 09:55
    await bot.start()
    await bot.dispatch()
    await bot.dispatch()
    texts = [m.text for m in bot.fake.sent(31) if "Starting soon" in m.text]
    assert texts == ["⏰ Starting soon: <b>Sunday talk</b> at Sun 30 Mar 10:00, Hall B."]
    async with bot.uow() as uow:
        keys = await uow.outbox.pending_keys("remind:s:")
        saturday = await uow.outbox.drop_pending("remind:s:before:", "test")
    assert keys == [] and saturday == 0  # the stale Saturday reminder was dropped, not sent


async def test_moved_or_dropped_sessions_notify_followers_and_move_reminders(make_bot):
    bot = await make_bot()
    bot.clock.set(datetime(2025, 3, 28, 12, 0, tzinfo=UTC))
    await load(bot, DST_EVENT)
    user = bot.client(41)
    await onboard(user)
    await bot.services.programme.follow(41, "after", now=bot.clock.now())
    await bot.services.programme.follow(41, "before", now=bot.clock.now())
    moved = DST_EVENT.replace("start = 2025-03-30T10:00:00", "start = 2025-03-30T10:30:00")
    without_saturday = moved.replace('key = "before"', 'key = "gone-now"')
    await load(bot, without_saturday)
    await bot.dispatch()
    assert sent_to(bot, 41, "Programme change: <b>Sunday talk</b> is now Sun 30 Mar 10:30, Hall B.")
    assert sent_to(bot, 41, "Programme change: <b>Saturday talk</b> is cancelled.")
    async with bot.uow() as uow:
        pending = await uow.outbox.pending_keys("remind:s:")
        rows = [await uow.outbox.get_by_key(k) for k in pending]
    assert [(r.dedupe_key.split(":")[2], r.due_at) for r in rows] == [
        ("after", datetime(2025, 3, 30, 8, 20, tzinfo=UTC))
    ]
