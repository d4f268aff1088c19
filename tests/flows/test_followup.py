"""The follow-up weeks after the event: collaborations and proposals from the people met."""

from __future__ import annotations

from datetime import UTC, datetime

from core.feedback.followup import FollowUps, summary
from tests.support.journeys import request_from_jiwoo, setup


async def test_follow_up_after_n_days_feeds_the_statistics(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [9000]})
    users = await setup(bot)
    await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:20",))
    await users[2].press("✅ Thu 10 Apr 10:20")
    uow = bot.uow
    followups = FollowUps(uow, [30], "Europe/Brussels")
    bot.clock.set(datetime(2025, 5, 11, 21, 0, tzinfo=UTC))  # day 29 after the last day
    assert await followups.ask_due(now=bot.clock.now()) == 0
    bot.clock.set(datetime(2025, 5, 11, 22, 0, tzinfo=UTC))  # 12 May 00:00 in Brussels
    assert await followups.ask_due(now=bot.clock.now()) == 2
    assert await followups.ask_due(now=bot.clock.now()) == 0
    await bot.dispatch()
    jiwoo = users[1]
    ask = jiwoo.last()
    assert "been 30 days since the forum" in ask.text
    assert ask.buttons == ["⬜ Anna de Vries", "✅ Done", "Nobody yet"]
    assert not [m for m in bot.fake.sent(4) if "since the forum" in m.text]  # Lukas met no one

    await jiwoo.press_data("fu:t:30:4")  # someone he did not meet
    assert jiwoo.press_reply() == "This button is not for you — nothing was changed."
    await jiwoo.press("⬜ Anna de Vries")
    assert "☑️ Anna de Vries" in jiwoo.message(ask.message_id).buttons  # the question, edited
    await jiwoo.press("✅ Done")
    assert "submit or plan a proposal" in jiwoo.message(ask.message_id).text
    await jiwoo.press("Yes, we submitted one")
    assert "Thank you!" in jiwoo.message(ask.message_id).text
    await users[2].press("Nobody yet")
    await users[2].press("We are planning one")
    async with uow() as tx:
        assert await summary(tx) == (1, 1, 1)

    organiser = bot.client(9000, "Org")
    await organiser.command("stats")
    stats_text = next(m.text for m in organiser.messages() if "Matchmaking so far" in m.text)
    assert "After the event: 1 collaborations, 1 proposals submitted, 1 planned" in stats_text
