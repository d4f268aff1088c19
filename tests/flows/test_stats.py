"""/stats: real figures from the data and real PNG charts that change with it."""

from __future__ import annotations

import struct

from tests.support.journeys import request_from_jiwoo, setup


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


async def test_stats_text_and_charts(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [9000]})
    users = await setup(bot)
    await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:20",))
    await users[2].press("✅ Thu 10 Apr 10:20")
    await users[1].command("stats")
    assert users[1].last().text == "This command is for the event's organisers."

    organiser = bot.client(9000, "Org")
    await organiser.command("stats")
    messages = organiser.messages()
    text = messages[-4].text
    assert "Registered: 3 · profiles complete: 3" in text
    assert "Requests: 1 sent · 1 accepted · 0 declined · 0 expired" in text
    assert "Meetings: 1 booked · 0 held · 0 no-show · 0 cancelled" in text
    assert "EU–Korea meetings: 100%" in text
    assert "Survey response rate: 0%" in text and "0 collaborations" in text
    first = [m.photo for m in messages[-3:]]
    assert [p.name for p in first] == [
        "meetings-per-slot.png",
        "requests-per-day.png",
        "topics.png",
    ]
    for photo in first:
        width, height = png_size(photo.data)
        assert width > 400 and height > 200

    async with bot.uow() as uow:
        lukas = await uow.profiles.get(4)
    assert lukas is not None
    await bot.services.meetings.requests.request(4, 2, [], "", now=bot.clock.now())
    await organiser.command("stats")
    second = [m.photo for m in organiser.messages()[-3:]]
    assert "Requests: 2 sent" in organiser.messages()[-4].text
    assert second[1].data != first[1].data  # requests per day changed
    assert second[0].data == first[0].data  # meetings per slot did not
