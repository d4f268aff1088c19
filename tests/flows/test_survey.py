"""The event survey: invited once when it opens, answered one question at a time with a stop and
a resume, answers editable, invalid answers refused, nobody prompted again after finishing."""

from __future__ import annotations

from tests.support.event_survey import CLOSES, OPENS, SURVEY
from tests.support.journeys import onboard


async def start(bot):
    async with bot.uow() as uow:
        await uow.survey.set_definition(SURVEY)
        await uow.commit()
    users = [bot.client(uid, f"U{uid}") for uid in (51, 52)]
    for user in users:
        await onboard(user)
    return users


def invites(bot, uid):
    """Invitations sent (counted on the wire: pressing Start edits the message afterwards)."""
    return [
        c
        for c in bot.fake.calls
        if c.method == "sendMessage"
        and c.params.get("chat_id") == uid
        and "event survey is open" in c.params["text"]
    ]


async def test_survey_goes_out_once_and_can_be_stopped_resumed_and_edited(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [9000]})
    ana, ben = await start(bot)
    await ana.command("feedback")
    assert ana.last().text == "The survey is not open right now."
    assert await bot.services.feedback.survey.prompt_due(now=bot.clock.now()) == 0  # not open yet

    bot.clock.set(OPENS)
    assert await bot.services.feedback.survey.prompt_due(now=bot.clock.now()) == 2
    assert await bot.services.feedback.survey.prompt_due(now=bot.clock.now()) == 0  # never twice
    await bot.dispatch()
    assert len(invites(bot, 51)) == 1
    await ana.press("📝 Start")
    assert "Question 1 of 4" in ana.last().text
    await ana.send("five")  # text where a rating is expected: refused clearly
    assert ana.last().text.startswith("Please choose 1 to 5 stars.")
    await ana.press("⭐⭐⭐⭐")
    assert "Which parts did you join?" in ana.last().text
    await ana.press("⬜ 1:1 matchmaking")
    assert "☑️ 1:1 matchmaking" in ana.last().buttons
    await ana.press("✅ Done")
    assert "Would you join next year?" in ana.last().text

    await bot.restart()  # she stops here; later she resumes where she left off
    await ana.command("feedback")
    assert "Question 3 of 4" in ana.last().text
    await ana.press_data("sv:a:again:maybe")  # a forged option
    assert ana.press_reply() == "That is not one of the choices."
    await ana.press("Yes")
    await ana.send("x" * 301)
    assert "301 characters; the limit here is 300" in ana.last().text
    await ana.send("More time per meeting, <please>")
    finished = ana.last()
    assert "Thank you! Your answers are saved" in finished.text
    assert "⭐⭐⭐⭐" in finished.text and "More time per meeting, &lt;please&gt;" in finished.text
    await ana.press("✏️ Change answer 1")
    await ana.press("⭐⭐⭐⭐⭐")
    async with bot.uow() as uow:
        answers = await uow.survey.answers_of(51)
        status = await uow.survey.status(51)
    assert answers == {
        "overall": 5,
        "parts": ["matchmaking"],
        "again": "yes",
        "better": "More time per meeting, <please>",
    }
    assert status == "finished"

    await ben.press("No, thanks")
    bot.clock.set(OPENS.replace(day=12))
    await bot.services.feedback.survey.prompt_due(now=bot.clock.now())
    await bot.dispatch()
    assert len(invites(bot, 51)) == 1 and len(invites(bot, 52)) == 1  # nobody asked again

    bot.clock.set(CLOSES)
    await ana.press("✏️ Change answer 2")
    assert ana.press_reply() == "The survey is not open right now."
    results = await bot.services.feedback.results(9000)
    assert results is not None and (results.invited, results.finished) == (2, 1)
    overall = results.summaries[0]
    assert overall.mean == 5.0 and overall.counts["5"] == 1


async def test_results_charts_and_csv_for_organisers(make_bot):
    import struct

    bot = await make_bot(organisers={"telegram_ids": [9000]})
    _ana, ben = await start(bot)
    bot.clock.set(OPENS)
    flow = bot.services.feedback.survey
    for uid, stars, parts, again in (
        (51, "5", ["sessions", "matchmaking"], "yes"),
        (52, "3", ["matchmaking"], "no"),
    ):
        await flow.answer(uid, "overall", stars, now=bot.clock.now())
        await flow.answer(uid, "parts", parts, now=bot.clock.now())
        await flow.answer(uid, "again", again, now=bot.clock.now())
    await flow.answer(51, "better", "한국어 의견도 좋아요", now=bot.clock.now())
    await ben.command("survey_results")
    assert ben.last().text == "This command is for the event's organisers."

    organiser = bot.client(9000, "Org")
    await organiser.command("survey_results")
    messages = organiser.messages()
    text = messages[-5].text
    assert "1 of 2 answered (50%), 1 still answering" in text
    assert "mean 4.00 · 1★ 0 · 2★ 0 · 3★ 1 · 4★ 0 · 5★ 1" in text
    assert "Thematic sessions: 1 · 1:1 matchmaking: 2" in text
    assert "1 written answers (in the CSV)" in text
    charts = [m.photo for m in messages[-4:-1]]
    assert [c.name for c in charts] == [
        "survey-overall.png",
        "survey-parts.png",
        "survey-again.png",
    ]
    for chart in charts:
        assert chart.data[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", chart.data[16:24])[0] > 300
    csv_rows = messages[-1].document.data.decode("utf-8-sig").splitlines()
    assert csv_rows[0] == "name,organisation,question,question_text,answer,telegram_id"
    who = "Ji-woo Kim,Korea Institute of Science and Technology"
    parts = "parts,Which parts did you join?,Thematic sessions; 1:1 matchmaking"
    assert f"{who},{parts},51" in csv_rows
    assert f"{who},better,What would make matchmaking better?,한국어 의견도 좋아요,51" in csv_rows
