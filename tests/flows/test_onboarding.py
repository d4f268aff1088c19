"""The attendee's first minutes: /start, consent, the profile questions, /profile."""

from __future__ import annotations

from core.people.profile import Profile
from tests.support.journeys import DEFAULT_ANSWERS, onboard


async def stored_profile(bot, user_id: int) -> Profile | None:
    async with bot.uow() as uow:
        return await uow.profiles.get(user_id)


async def test_new_user_completes_profile_and_sees_every_field(make_bot):
    bot = await make_bot()
    user = bot.client(1001, "Ji-woo")

    await user.command("start")
    [notice] = user.texts()  # the welcome and the notice in one message
    assert "Welcome to <b>Korea-EU Quantum Research Forum</b>" in notice
    assert "Privacy notice" in notice and "version 1" in notice
    assert user.last().buttons == ["✅ I accept", "No, thanks"]
    async with bot.uow() as uow:
        assert await uow.people.get(1001) is None  # nothing stored before consent

    await user.press("I accept")
    assert "What is your <b>full name</b>" in user.last().text
    assert "Question 1 of 10" in user.last().text

    await user.send("Ji-woo Kim")
    assert "organisation" in user.last().text
    await user.send("Korea Institute of Science and Technology")
    assert "country" in user.last().text
    assert "South Korea" in user.last().buttons
    await user.send("Republic of Korea")
    assert "✓ Country: South Korea" in user.last().text
    assert "sector" in user.last().text
    await user.press("Academia / research")
    assert "career stage" in user.last().text
    await user.press("Established researcher")
    assert "areas of expertise" in user.last().text
    await user.send("QKD, quantum key distrib., superconducting qubits, 양자 센서 네트워크")
    noted = user.last().text
    assert "I noted: Quantum key distribution, Superconducting qubits" in noted
    assert noted.count("Quantum key distribution") == 1  # synonyms folded into one term
    await user.send(DEFAULT_ANSWERS["offers"])
    await user.send(DEFAULT_ANSWERS["seeks"])
    assert "Horizon Europe" in user.last().text and "Skip" in user.last().buttons
    await user.send(DEFAULT_ANSWERS["he_interests"])
    assert "bio" in user.last().text
    await user.send(DEFAULT_ANSWERS["bio"])
    assert "Your profile is complete" in user.last().text

    await user.command("profile")
    card = user.last().text
    for expected in (
        "Ji-woo Kim",
        "Korea Institute of Science and Technology",
        "South Korea",
        "Academia / research",
        "Established researcher",
        "Quantum key distribution",
        "Superconducting qubits",
        DEFAULT_ANSWERS["offers"],
        DEFAULT_ANSWERS["seeks"],
        DEFAULT_ANSWERS["he_interests"],
        DEFAULT_ANSWERS["bio"],
    ):
        assert expected in card, expected
    assert "✏️ Bio" in user.last().buttons and "▶️ Continue setup" not in user.last().buttons

    profile = await stored_profile(bot, 1001)
    assert profile is not None and profile.is_complete()
    assert profile.country == "KR" and profile.sector == "academia"
    assert profile.career_stage == "established"
    assert [k.term_id for k in profile.expertise][:2] == ["qkd", "superconducting-qubits"]
    async with bot.uow() as uow:
        person = await uow.people.get(1001)
        consents = await uow.consents.for_person(1001)
    assert person is not None and person.consent_version == 1
    assert person.consented_at == bot.clock.now()
    assert [(c.notice_version, c.accepted) for c in consents] == [(1, True)]


async def test_restart_mid_profile_keeps_answers_and_the_open_question(make_bot):
    bot = await make_bot()
    user = bot.client(1002, "Anna")
    await user.command("start")
    await user.press("I accept")
    await user.send("Anna de Vries")
    await user.send("Delft University of Technology")
    assert "country" in user.last().text

    await bot.restart()  # a new Application: only the database carries over

    await user.send("Nederland")
    assert "✓ Country: Netherlands" in user.last().text
    assert "sector" in user.last().text
    profile = await stored_profile(bot, 1002)
    assert profile is not None
    assert (profile.full_name, profile.organisation, profile.country) == (
        "Anna de Vries",
        "Delft University of Technology",
        "NL",
    )

    await bot.restart()
    await user.command("start")
    assert "continue your profile" in user.last().text  # with the open question
    assert "sector" in user.last().text


async def test_skip_optional_questions_and_edit_a_field(make_bot):
    bot = await make_bot()
    user = bot.client(1003)
    await onboard(user, he_interests=None, bio=None)
    assert "Your profile is complete" in user.last().text
    profile = await stored_profile(bot, 1003)
    assert profile is not None and profile.bio is None and profile.he_interests is None

    await user.press("✏️ Organisation")
    assert "Now: Korea Institute of Science and Technology" in user.last().text
    await user.send("KAIST")
    assert "✓ Organisation saved." in user.last().text
    assert "KAIST" in user.last().text  # the card again
    await user.press("✏️ Sector")
    await user.press("Industry")
    assert "Industry" in user.last().text
    profile = await stored_profile(bot, 1003)
    assert profile is not None and profile.organisation == "KAIST"
    assert profile.sector == "industry"


async def test_decline_stores_nothing_and_start_offers_again(make_bot):
    bot = await make_bot()
    user = bot.client(1004)
    await user.command("start")
    await user.press("No, thanks")
    assert "nothing about you has been stored" in user.last().text
    async with bot.uow() as uow:
        assert await uow.people.get(1004) is None
    await user.command("start")
    assert user.last().buttons == ["✅ I accept", "No, thanks"]


async def test_cancel_keeps_answers(make_bot):
    bot = await make_bot()
    user = bot.client(1005)
    await user.command("start")
    await user.press("I accept")
    await user.send("Marie Curie")
    await user.command("cancel")
    assert "saved" in user.last().text
    await user.send("hello?")
    assert "not waiting for an answer" in user.last().text
    await user.command("profile")
    assert "Marie Curie" in user.last().text
    assert "▶️ Continue setup" in user.last().buttons
    await user.press("Continue setup")
    assert "organisation" in user.last().text


async def test_language_switch_and_korean_telegram_users(make_bot):
    bot = await make_bot()
    ko = bot.client(1006, "민준", language_code="ko")
    await ko.command("start")
    assert "개인정보" in ko.last().text
    await ko.press("동의합니다")
    async with bot.uow() as uow:
        person = await uow.people.get(1006)
    assert person is not None and person.language == "ko"
    await ko.command("language")
    await ko.press("English")
    assert "English" in ko.last().text
    await ko.command("help")
    assert "/profile" in ko.last().text and "What I can do" in ko.last().text
    async with bot.uow() as uow:
        person = await uow.people.get(1006)
    assert person is not None and person.language == "en"


async def test_help_lists_commands_by_role(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [4242]})
    attendee, organiser = bot.client(1007), bot.client(4242)
    await attendee.command("help")
    assert "/profile" in attendee.last().text and "Organiser" not in attendee.last().text
    await organiser.command("help")
    assert "Organiser" in organiser.last().text
