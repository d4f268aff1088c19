"""One open prompt per person: a flow that starts waiting for text closes the one that waited
before, the text goes where the person last was, nothing lands in the other flow, and the closed
flow can be taken up again. The person is told only when the closed flow has something
unfinished to come back to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.feedback.survey import Question, Survey
from core.outreach.model import BroadcastStatus
from tests.support.journeys import onboard, setup

ORG = 9000
QUESTION = "What would make the forum better?"
COMPOSE = "Send me the announcement"
SURVEY_ASIDE = "Your survey is paused — /feedback continues where you left off."
PROFILE_ASIDE = "Your profile is not finished yet — /profile continues it."
MEETING_ASIDE = "Your meeting request is not sent yet — its buttons above still work."
BROADCAST_ASIDE = "Your announcement was not sent — /broadcast starts a new one."
UNKNOWN_TEXT = "I'm not waiting for an answer right now."


async def open_text_survey(bot):
    """A one-question free-text survey, open from now for a week."""
    now = bot.clock.now()
    question = Question("better", "text", QUESTION, "포럼을 더 낫게 하려면?", required=False)
    async with bot.uow() as uow:
        await uow.survey.set_definition(Survey(now, now + timedelta(days=7), (question,)))
        await uow.commit()


async def stored(bot, uid):
    """Survey answers, the profile, the open profile question and the broadcast drafts."""
    async with bot.uow() as uow:
        answers = await uow.survey.answers_of(uid)
        profile = await uow.profiles.get(uid)
        person = await uow.people.get(uid)
        drafts = await uow.broadcasts.with_status(BroadcastStatus.DRAFT)
    awaiting = person.awaiting_field if person is not None else None
    return answers, profile, awaiting, [d.message.text for d in drafts]


async def test_survey_answer_open_then_broadcast_the_text_is_the_announcement(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [ORG]})
    org = bot.client(ORG, "Org")
    await onboard(org)
    await open_text_survey(bot)
    await org.command("feedback")
    assert QUESTION in org.last().text

    await org.command("broadcast")
    assert org.last().text.startswith(f"{SURVEY_ASIDE}\n\n{COMPOSE}")
    await org.send("Lunch moves to 13:00")
    assert org.last().text == "Who should receive it?"
    answers, _, _, drafts = await stored(bot, ORG)
    assert answers == {} and drafts == ["Lunch moves to 13:00"]

    await org.command("feedback")  # the survey question is still there to answer
    assert QUESTION in org.last().text and SURVEY_ASIDE not in org.last().text
    await org.send("More coffee")
    assert org.last().text.startswith("✅ Thank you! Your answers are saved.")
    answers, _, _, drafts = await stored(bot, ORG)
    assert answers == {"better": "More coffee"} and drafts == ["Lunch moves to 13:00"]


async def test_outcome_comment_open_then_broadcast_the_text_is_the_announcement(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [1]})
    users = await setup(bot)
    jiwoo = users[1]
    jiwoo.clear()
    await jiwoo.command("partners")
    await jiwoo.press("🤝 Request meeting")
    await jiwoo.press("Thu 10 Apr 10:20")
    await jiwoo.press("📨 Send request")
    await bot.dispatch()
    await users[2].press("✅ Thu 10 Apr 10:20")
    bot.clock.set(datetime(2025, 4, 10, 8, 50, tzinfo=UTC))  # the meeting is over
    await bot.dispatch()
    await bot.dispatch()
    await jiwoo.press("Cooperation possible")
    comment = "💬 Add a comment (only organisers see it)"
    await jiwoo.press(comment)
    assert jiwoo.last().text == "Type your comment; only the organisers will see it."

    await jiwoo.command("broadcast")
    assert jiwoo.last().text.startswith(COMPOSE)  # nothing to come back to: the answer is saved
    await jiwoo.send("Coffee in the foyer")
    assert jiwoo.last().text == "Who should receive it?"
    async with bot.uow() as uow:
        assert await uow.outcomes.all() == [(1, 1, "c", None)]
    assert (await stored(bot, 1))[3] == ["Coffee in the foyer"]

    await jiwoo.press(comment)  # the comment can still be added
    await jiwoo.send("Great partner")
    assert jiwoo.last().text == "Comment saved. Thank you!"
    async with bot.uow() as uow:
        assert await uow.outcomes.all() == [(1, 1, "c", "Great partner")]
    assert (await stored(bot, 1))[3] == ["Coffee in the foyer"]


async def test_meeting_note_open_then_profile_edit_the_text_is_the_profile_answer(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    jiwoo, anna = users[1], users[2]
    await jiwoo.command("partners")
    await jiwoo.press("🤝 Request meeting")
    await jiwoo.press("Thu 10 Apr 10:00")
    await jiwoo.press("✏️ Add a note")
    await jiwoo.command("profile")
    await jiwoo.press("✏️ Organisation")
    assert jiwoo.last().text.startswith(f"{MEETING_ASIDE}\n\nWhich <b>organisation</b>")
    await jiwoo.send("Seoul National University")
    assert "Seoul National University" in jiwoo.last().text  # the updated card
    _, profile, awaiting, _ = await stored(bot, 1)
    assert profile.organisation == "Seoul National University" and awaiting is None

    await jiwoo.press("✏️ Add a note")  # the draft kept its time and takes its note now
    assert (
        jiwoo.last().text == "Type a short note for your request (what you would like to discuss)."
    )
    await jiwoo.send("Cryo-CMOS?")
    assert "(1 chosen)" in jiwoo.last().text and "Your note: <i>Cryo-CMOS?</i>" in jiwoo.last().text
    await jiwoo.press("📨 Send request")
    await bot.dispatch()
    assert "(Seoul National University) would like to meet you.\nNote: <i>Cryo-CMOS?</i>\n" in (
        anna.last().text
    )
    _, profile, _, _ = await stored(bot, 1)
    assert profile.organisation == "Seoul National University"


async def test_profile_question_open_then_survey_across_a_restart(make_bot):
    """The open profile question lives in the database: the survey closes it there too."""
    bot = await make_bot()
    await open_text_survey(bot)
    ana = bot.client(51, "Ana")
    await ana.command("start")
    await ana.press("I accept")
    await ana.send("Ana Lee")
    assert "Which <b>organisation</b>" in ana.last().text
    await bot.restart()

    await ana.command("feedback")
    assert ana.last().text.startswith(f"{PROFILE_ASIDE}\n\n")
    assert QUESTION in ana.last().text
    await ana.send("Longer coffee breaks")
    assert ana.last().text.startswith("✅ Thank you! Your answers are saved.")
    answers, profile, awaiting, _ = await stored(bot, 51)
    assert answers == {"better": "Longer coffee breaks"}
    assert (profile.full_name, profile.organisation, awaiting) == ("Ana Lee", None, None)

    await ana.command("profile")  # the profile continues where it stopped
    await ana.press("▶️ Continue setup")
    assert "Which <b>organisation</b>" in ana.last().text
    await ana.send("KIST")
    _, profile, awaiting, _ = await stored(bot, 51)
    assert profile.organisation == "KIST" and awaiting == "country"
    assert (await stored(bot, 51))[0] == {"better": "Longer coffee breaks"}


async def test_survey_question_open_then_profile_edit_the_text_is_the_profile_answer(make_bot):
    bot = await make_bot()
    ana = bot.client(51, "Ana")
    await onboard(ana)
    await open_text_survey(bot)
    await ana.command("feedback")
    await ana.command("profile")
    await ana.press("✏️ Bio")
    assert ana.last().text.startswith(f"{SURVEY_ASIDE}\n\nFinally, a short <b>bio</b>")
    await ana.send("Quantum networks in Seoul.")
    answers, profile, awaiting, _ = await stored(bot, 51)
    assert answers == {} and profile.bio == "Quantum networks in Seoul." and awaiting is None

    await ana.command("feedback")
    await ana.send_document("notes.pdf", b"%PDF", "application/pdf")  # the survey waits for text
    assert ana.last().text == "Please answer with text."
    await ana.send("A longer lunch")
    answers, profile, _, _ = await stored(bot, 51)
    assert answers == {"better": "A longer lunch"} and profile.bio == "Quantum networks in Seoul."


async def test_cancel_closes_whichever_prompt_is_open(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [ORG]})
    org = bot.client(ORG, "Org")
    await onboard(org)
    await org.command("broadcast")
    await org.command("cancel")
    assert org.last().text == f"Stopped.\n{BROADCAST_ASIDE}"
    await org.send("Not an announcement")
    assert org.last().text.startswith(UNKNOWN_TEXT)
    assert (await stored(bot, ORG))[3] == []

    await org.command("profile")
    await org.press("✏️ Bio")
    await org.command("broadcast")  # a one-field edit put aside: nothing to come back to
    assert org.last().text.startswith(COMPOSE)
    await org.command("profile")
    await org.press("✏️ Bio")
    await org.command("cancel")
    assert org.last().text.startswith("Stopped. Everything you answered so far is saved")
    await org.send("Not a bio either")
    assert org.last().text.startswith(UNKNOWN_TEXT)
    _, profile, awaiting, drafts = await stored(bot, ORG)
    assert profile.bio == "Principal researcher working on quantum networks." and awaiting is None
    assert drafts == []
    await org.command("cancel")
    assert org.last().text == "There is nothing to cancel."
