"""Feedback refuses forged presses at the route and non-organisers in core, storing nothing."""

from __future__ import annotations

import pytest

from core.reference.errors import NotAllowed
from tests.support.journeys import onboard
from tests.support.short_survey import open_short_survey

ORG = 9000
EXPIRED = "This button no longer works. Please use /profile again."
ORGANISERS_ONLY = "This command is for the event's organisers."


async def test_results_stats_and_exports_are_for_organisers_in_core_too(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [ORG]})
    await onboard(bot.client(61, "Ana"))
    feedback, now = bot.services.feedback, bot.clock.now()
    with pytest.raises(NotAllowed):
        await feedback.export(61, "attendees")
    with pytest.raises(NotAllowed):
        await feedback.stats(61, now=now)
    with pytest.raises(NotAllowed):
        await feedback.results(61)
    assert (await feedback.export(ORG, "attendees"))[1][0][0] == "61"

    ana, organiser = bot.client(61, "Ana"), bot.client(ORG, "Org")
    await ana.press_data("ex:survey")
    assert ana.last_answer()["text"] == ORGANISERS_ONLY
    await organiser.command("export")
    await organiser.press_data("ex:everything")  # a kind that does not exist
    assert organiser.press_reply() == EXPIRED
    await organiser.press_data("ex:attendees:1")
    assert organiser.last_answer()["text"] == EXPIRED
    documents = [m for uid in (61, ORG) for m in bot.fake.sent(uid) if m.document]
    assert documents == []


async def test_forged_survey_and_follow_up_presses_store_nothing(make_bot):
    bot = await make_bot()
    ana = bot.client(62, "Ana")
    await onboard(ana)
    await open_short_survey(bot)
    await ana.command("feedback")
    for forged in ("sv:a:overall", "sv:t:overall", "sv:e:", "fu:t:30:x", "fu:p:30", "fu:d:x"):
        await ana.press_data(forged)
        assert ana.last_answer()["text"] == EXPIRED, forged
    await ana.press_data("sv:a:overall:9")  # fits the route, refused by the question
    assert ana.press_reply() == "Please choose 1 to 5 stars."
    await ana.press_data("fu:t:30:4")  # someone she never met
    assert ana.press_reply() == "This button is not for you — nothing was changed."
    await ana.press_data("fu:p:30:maybe")  # not a proposal status
    assert ana.press_reply() == EXPIRED

    followups = bot.services.feedback.followups
    with pytest.raises(NotAllowed):
        await followups.record(62, 30, [4], "submitted", now=bot.clock.now())
    async with bot.uow() as uow:
        assert await uow.survey.answers_of(62) == {}
        assert await uow.followups.all() == []
