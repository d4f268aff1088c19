"""Meetings in the chat: request with slots and a note, accept with .ics, decline, another time,
cancel, /availability, /consult, forged buttons."""

from __future__ import annotations

import pytest

from bot.event_file import parse_event_toml
from core.event.loading import load_event
from core.meetings.messages import calendar_for
from core.meetings.model import BookingError
from tests.support.journeys import EXAMPLE, onboard, request_from_jiwoo, setup
from tests.support.personas import JIWOO


async def test_request_accept_books_with_calendar_files_for_both(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    incoming = await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:00", "Thu 10 Apr 10:20"))
    assert "Ji-woo Kim</b> (Korea Institute of Science and Technology) would like" in incoming.text
    assert "Cryo-CMOS &amp; QKD?" in incoming.text
    assert incoming.buttons == [
        "✅ Thu 10 Apr 10:00",
        "✅ Thu 10 Apr 10:20",
        "Decline",
        "🕒 Suggest another time",
    ]
    anna = users[2]
    await anna.press("✅ Thu 10 Apr 10:20")
    assert "Meeting with <b>Ji-woo Kim</b> booked: Thu 10 Apr 10:20, table 1" in anna.texts()[-2]
    ics = anna.last_document().data.decode()
    assert "BEGIN:VCALENDAR" in ics and "DTSTART:20250410T082000Z" in ics
    await bot.dispatch()
    confirmation = users[1].last()
    assert "Meeting with <b>Anna de Vries</b> confirmed: Thu 10 Apr 10:20" in confirmation.text
    theirs = confirmation.document.data.decode()
    uid = next(line for line in ics.splitlines() if line.startswith("UID:"))
    assert uid in theirs  # one meeting, one UID

    await users[1].command("meetings")
    assert "Thu 10 Apr 10:20 — Anna de Vries, table 1" in users[1].last().text
    await users[1].press("❌ Cancel: Anna de Vries, Thu 10 Apr 10:20")
    assert "cancelled" in users[1].texts()[-2]
    assert "METHOD:CANCEL" in users[1].last_document().data.decode()
    await bot.dispatch()
    note = users[2].last()
    assert "Ji-woo Kim cancelled your meeting on Thu 10 Apr 10:20" in note.text
    cancel_ics = note.document.data.decode()
    assert "METHOD:CANCEL" in cancel_ics and "SEQUENCE:1" in cancel_ics and uid in cancel_ics
    await users[2].command("meetings")
    assert "Nothing yet" in users[2].last().text


async def test_decline_and_suggest_another_time(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    await request_from_jiwoo(bot, users, note="")
    anna = users[2]
    await anna.press("🕒 Suggest another time")
    assert "Pick up to 3 times" in anna.last().text
    await anna.press("Thu 10 Apr 14:00")
    await anna.press("📨 Send request")
    await bot.dispatch()
    counter = users[1].last()
    assert "Anna de Vries</b> (Delft University of Technology) would like" in counter.text
    await users[1].press("Decline")
    assert "Declined" in users[1].last().text
    await bot.dispatch()
    assert "can't meet this time" in anna.last().text
    async with bot.uow() as uow:
        statuses = sorted(str(r.status) for r in await uow.meetings.requests_of(1))
    assert statuses == ["countered", "declined"]


async def test_forged_request_buttons_change_nothing(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    incoming = await request_from_jiwoo(bot, users)
    accept = incoming.reply_markup[0][0]["callback_data"]
    lukas = users[4]
    await lukas.press_data(accept)  # accepting a request addressed to someone else
    assert lukas.press_reply() == "This button is not for you — nothing was changed."
    await lukas.press_data(accept.rsplit(":", 1)[0] + ":nope@20250410T0800")
    await lukas.press_data("mr:a:999:morning@20250410T0800")
    assert lukas.press_reply() == "This no longer exists."
    await users[2].press_data(accept.rsplit(":", 1)[0] + ":morning@20250410T0840")  # not proposed
    assert "no longer free" in users[2].press_reply()
    await lukas.press_data("mt:c:1")
    async with bot.uow() as uow:
        assert await uow.meetings.meetings_of(2) == []
        request = (await uow.meetings.requests_of(2))[0]
    assert str(request.status) == "pending"


async def test_availability_and_consultations(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    anna = users[2]
    await anna.command("availability")
    assert "🟢 Thu 10 Apr 10:00" in anna.last().buttons
    await anna.press("🟢 Thu 10 Apr 10:00")
    assert "⛔ Thu 10 Apr 10:00" in anna.last().buttons
    await request_from_jiwoo(bot, users, times=())
    offered = anna.last().buttons
    assert "✅ Thu 10 Apr 10:00" not in offered and "✅ Thu 10 Apr 10:20" in offered

    await anna.command("consult")
    assert "Proposal development" in anna.last().text
    await anna.press("Proposal developm… · Thu 10 Apr 10:00")
    assert "Consultation booked: Thu 10 Apr 10:00" in anna.texts()[-2]
    assert "BEGIN:VEVENT" in anna.last_document().data.decode()
    await users[1].command("consult")
    assert "Proposal developm… · Thu 10 Apr 10:00" not in users[1].last().buttons


async def test_unanswered_requests_expire_and_the_requester_is_told(make_bot):
    bot = await make_bot(meetings={"request_ttl_hours": 2})
    users = await setup(bot)
    await request_from_jiwoo(bot, users, times=())
    bot.clock.advance(hours=2)
    assert await bot.services.meetings.expire_due(now=bot.clock.now()) == 1
    await bot.dispatch()
    assert "Your meeting request to Anna de Vries expired" in users[1].last().text
    await users[2].press("✅ Thu 10 Apr 10:20")
    assert users[2].press_reply() == (
        "This request or meeting has already been answered or cancelled."
    )


async def test_meeting_cap_per_person(make_bot):
    bot = await make_bot(meetings={"max_per_person": 1})
    users = await setup(bot)
    await request_from_jiwoo(bot, users)
    await users[2].press("✅ Thu 10 Apr 10:00")
    with pytest.raises(BookingError) as info:
        await bot.services.meetings.requests.request(4, 1, [], "", now=bot.clock.now())
    assert info.value.params["reason"] == "cap_other"
    with pytest.raises(BookingError) as info:
        await bot.services.meetings.requests.request(1, 4, [], "", now=bot.clock.now())
    assert info.value.params["reason"] == "cap_self"


async def test_experts_see_their_desk(make_bot, tmp_path):
    bot = await make_bot()
    text = EXAMPLE.read_text().replace(
        'expert = "NCP Horizon Europe (EU)"',
        'expert = "NCP Horizon Europe (EU)"\nexpert_telegram_id = 900',
    )
    event = parse_event_toml(text)
    await load_event(bot.uow, event, force=False, now=bot.clock.now(), ics=calendar_for(event.name))
    user = bot.client(1)
    await onboard(user, **JIWOO)
    await user.command("consult")
    await user.press("Proposal developm… · Thu 10 Apr 10:30")
    await bot.dispatch()
    assert "New consultation booking: Ji-woo Kim, Thu 10 Apr 10:30" in bot.fake.sent(900)[-1].text
    expert = bot.client(900, "Expert")
    bot.clock.set(bot.clock.now().replace(day=10, hour=6))
    await expert.command("desk")
    assert "• Thu 10 Apr 10:30 — Ji-woo Kim (Proposal development)" in expert.last().text
    await user.command("desk")
    assert "for the experts" in user.last().text


async def test_remote_participants_see_their_own_time_too(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    anna = users[2]
    await anna.command("timezone")
    assert "Europe/Brussels" in anna.last().text
    await anna.press("Asia/Seoul")
    assert "Asia/Seoul" in anna.last().text
    await anna.command("timezone", "Mars/Olympus")
    assert "don't know the time zone" in anna.last().text
    incoming = await request_from_jiwoo(bot, users)
    assert "(17:00 your time)" in incoming.buttons[0]  # 10:00 in Brussels is 17:00 in Seoul
    await anna.command("availability")
    assert "🟢 Thu 10 Apr 10:00 (17:00 your time)" in anna.last().buttons
    await users[1].command("meetings")  # Ji-woo stays on event time
    assert "your time" not in users[1].last().text


async def test_organiser_builds_and_applies_a_round_schedule(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [9000]})
    users = await setup(bot)
    now = bot.clock.now()
    partners, uow = bot.services.partners, bot.uow
    from core.partners.interests import InterestKind

    for a, b in ((1, 2), (2, 1), (4, 2), (2, 4), (1, 4)):  # 1-2 and 2-4 are mutual; 1→4 is not
        await partners.decide(a, b, InterestKind.SAVED, now=now)
    await bot.dispatch()

    stranger = users[1]
    await stranger.command("schedule", "morning")
    assert stranger.last().text == "This command is for the event's organisers."
    await stranger.press_data("sc:a:morning")
    assert stranger.last_answer()["text"] == "This command is for the event's organisers."
    async with uow() as u:
        assert await u.meetings.meetings_of(2) == []

    organiser = bot.client(9000, "Org")
    await organiser.command("schedule", "morning")
    preview = organiser.last().text
    assert "Optimised: 2 / 2 pairs scheduled" in preview
    assert "First-come: 2 / 2 pairs scheduled" in preview
    assert "nothing is booked" in preview
    async with uow() as u:
        assert await u.meetings.meetings_of(2) == []
    await organiser.press("✅ Apply: book these meetings")
    assert "Booked 2 meetings" in organiser.last().text
    async with uow() as u:
        booked = await u.meetings.meetings_of(2, live_only=True)
    assert len(booked) == 2 and len({m.slot_key for m in booked}) == 2  # Anna never double-booked
    await bot.dispatch()
    confirmations = [m for m in bot.fake.sent(2) if "confirmed" in m.text]
    assert len(confirmations) == 2 and all(m.document for m in confirmations)
    await organiser.command("schedule", "nosuchround")
    assert "has no future slots" in organiser.last().text


async def test_reschedule_tells_the_other_person_with_an_updated_calendar(make_bot):
    import icalendar

    bot = await make_bot()
    users = await setup(bot)
    await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:20",))
    await users[2].press("✅ Thu 10 Apr 10:20")
    first = icalendar.Calendar.from_ical(users[2].last_document().data)
    await bot.dispatch()
    jiwoo = users[1]
    await jiwoo.command("partners")  # a booked partner is not suggested again
    assert "Anna de Vries" not in jiwoo.last().text

    await jiwoo.command("meetings")
    await jiwoo.press("🔁 Move: Anna de Vries, Thu 10 Apr 10:20")
    assert "Move the meeting to which time?" in jiwoo.last().text
    assert "Thu 10 Apr 10:20" not in jiwoo.last().buttons
    await jiwoo.press("Thu 10 Apr 11:00")
    assert "Meeting moved to Thu 10 Apr 11:00" in jiwoo.texts()[-2]
    await bot.dispatch()
    note = users[2].last()
    assert "moved your meeting from Thu 10 Apr 10:20 to Thu 10 Apr 11:00" in note.text
    moved = icalendar.Calendar.from_ical(note.document.data)
    before = next(c for c in first.walk() if c.name == "VEVENT")
    after = next(c for c in moved.walk() if c.name == "VEVENT")
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after.decoded("DTSTART").hour == 9  # 11:00 in Brussels (CEST) is 09:00 UTC
    await users[4].press_data(f"mv:1:{'morning@20250410T1000'}")  # not his meeting
    assert users[4].press_reply() == "This button is not for you — nothing was changed."
