"""After each meeting both people are asked once how it went; a no-show is counted."""

from __future__ import annotations

from datetime import UTC, datetime

from core.feedback.stats import compute
from tests.support.journeys import request_from_jiwoo, setup


def asked(bot, uid):
    return [m for m in bot.fake.sent(uid) if "How did your meeting" in m.text]


async def test_both_are_asked_once_after_the_end_and_a_no_show_counts(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:20",))
    await users[2].press("✅ Thu 10 Apr 10:20")
    bot.clock.set(datetime(2025, 4, 10, 8, 45, tzinfo=UTC))  # 10:45: ended, not yet +10 min
    await bot.dispatch()
    assert asked(bot, 1) == [] and asked(bot, 2) == []
    bot.clock.set(datetime(2025, 4, 10, 8, 50, tzinfo=UTC))
    await bot.dispatch()
    await bot.dispatch()
    assert len(asked(bot, 1)) == 1 and len(asked(bot, 2)) == 1
    question = asked(bot, 1)[0]
    assert "meeting with <b>Anna de Vries</b>" in question.text
    assert question.buttons == [
        "It did not take place",
        "Not enough common interest",
        "Informative, no cooperation planned",
        "Cooperation possible",
    ]

    lukas = users[4]
    await lukas.press_data(question.reply_markup[0][0]["callback_data"])
    assert lukas.press_reply() == "This button is not for you — nothing was changed."
    await lukas.press_data("oc:1:zz")
    await users[1].press("It did not take place")
    assert "noted: <i>It did not take place</i>" in users[1].last().text
    await users[1].press("💬 Add a comment (only organisers see it)")
    await users[1].send("I waited at table 1 but nobody came <sad>")
    assert users[1].last().text == "Comment saved. Thank you!"
    await users[2].press("Cooperation possible")
    async with bot.uow() as uow:
        answers = sorted(await uow.outcomes.all())
    assert answers == [(1, 1, "n", "I waited at table 1 but nobody came <sad>"), (1, 2, "c", None)]
    async with bot.uow() as uow:
        stats = await compute(uow, now=bot.clock.now(), timezone="Europe/Brussels")
    assert (stats.held, stats.no_show) == (0, 1)


async def test_a_cancelled_meeting_is_not_asked_about(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:20",))
    await users[2].press("✅ Thu 10 Apr 10:20")
    await users[1].command("meetings")
    await users[1].press("❌ Cancel: Anna de Vries, Thu 10 Apr 10:20")
    bot.clock.set(datetime(2025, 4, 10, 9, 0, tzinfo=UTC))
    await bot.dispatch()
    assert asked(bot, 1) == [] and asked(bot, 2) == []
